"""Fireline's records as FHIR R4 resources (JSON dicts), one function per resource type.

The shapes are those the lab-result importer reads (``fireline.testing.fhir``), so that a
Bundle of exported Patients, Specimens and Observations imports as it is: a national ID
typed ``NNCHN`` (HL7 v2 table 0203), the sample barcode as the Specimen's
``accessionIdentifier``, the test as a LOINC code, the result as a SNOMED CT qualifier,
Ct values as LOINC components in UCUM ``{Ct}``. Cases are Conditions coded with their
profile's diagnosis codes (ICD-10, ICD-11); hospital admissions are inpatient Encounters
(v3 ActCode ``IMP``). Ids are the record's kind and number (``p12``, ``c7``): FHIR ids are
``[A-Za-z0-9\\-\\.]{1,64}`` (FHIR R4 datatypes, "id").
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Final

from fireline.diseases.schemas import DiseaseProfile
from fireline.testing.codes import LOINC, SNOMED, UCUM, codes
from fireline.testing.fhir.patient import SAMPLE_TYPES, V2_0203

NATIONAL_ID_SYSTEM: Final = "urn:oid:2.16.156.10011.1.1"  # the importer's test data uses it
RESULT_ID_SYSTEM: Final = "urn:fireline:lab-result"
GENDERS: Final = {"male": "male", "female": "female", "other": "other"}
OUTCOME_CODES: Final = {
    "positive": ("260373001", "Detected"),
    "negative": ("260415000", "Not detected"),
    "inconclusive": ("419984006", "Inconclusive"),
}
# FHIR condition-ver-status: what each Fireline classification says about the diagnosis.
VERIFICATION: Final = {
    "confirmed": "confirmed",
    "probable": "provisional",
    "suspected": "unconfirmed",
    "discarded": "refuted",
}
CLINICAL: Final = "http://terminology.hl7.org/CodeSystem/condition-clinical"
VER_STATUS: Final = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
ACT_CODE: Final = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
SPECIMEN_CODES: Final = {kind: code for code, kind in SAMPLE_TYPES.items()}


def _instant(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _meta(updated: datetime | None) -> dict[str, Any]:
    return {"meta": {"lastUpdated": updated.isoformat()}} if updated is not None else {}


def _drop_empty(resource: dict[str, Any]) -> dict[str, Any]:
    """FHIR forbids empty elements (FHIR R4 JSON, "null values are not allowed")."""
    return {k: v for k, v in resource.items() if v not in (None, "", [], {})}


def patient(
    person_id: int,
    name: str,
    national_id: str | None,
    sex: str | None,
    birth: date | None,
    updated: datetime | None = None,
) -> dict[str, Any]:
    ident = (
        [
            {
                "type": {"coding": [{"system": V2_0203, "code": "NNCHN"}]},
                "system": NATIONAL_ID_SYSTEM,
                "value": national_id,
            }
        ]
        if national_id
        else []
    )
    return _drop_empty(
        {
            "resourceType": "Patient",
            "id": f"p{person_id}",
            **_meta(updated),
            "identifier": ident,
            "name": [{"text": name}],
            "gender": GENDERS.get(sex or "", "unknown"),
            "birthDate": _day(birth),
        }
    )


def specimen(
    sample_id: int,
    person_id: int,
    barcode: str,
    sample_type: str,
    collected: datetime,
    received: datetime | None,
    updated: datetime | None = None,
) -> dict[str, Any]:
    code = SPECIMEN_CODES.get(sample_type)
    kind = (
        {"coding": [{"system": SNOMED, "code": code}], "text": sample_type}
        if code
        else {"text": sample_type}
    )
    return _drop_empty(
        {
            "resourceType": "Specimen",
            "id": f"s{sample_id}",
            **_meta(updated),
            "accessionIdentifier": {"value": barcode},
            "type": kind,
            "subject": {"reference": f"Patient/p{person_id}"},
            "receivedTime": _instant(received),
            "collection": {"collectedDateTime": _instant(collected)},
        }
    )


def _identifier(result_id: int, external_id: str | None) -> dict[str, str]:
    """The result's own identifier, split as the importer joins it (``system|value``)."""
    if not external_id:
        return {"system": RESULT_ID_SYSTEM, "value": str(result_id)}
    system, _, value = external_id.rpartition("|")
    return {"system": system, "value": value} if system else {"value": value}


def _components(targets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_gene = {gene: code for (system, code), gene in codes().ct_targets.items() if system == LOINC}
    found = []
    for target in targets:
        code = by_gene.get(str(target.get("gene")))
        if code is None or target.get("ct") is None:
            continue
        found.append(
            {
                "code": {"coding": [{"system": LOINC, "code": code}]},
                "valueQuantity": {
                    "value": float(target["ct"]),
                    "unit": "{Ct}",
                    "system": UCUM,
                    "code": "{Ct}",
                },
            }
        )
    return found


def observation(row: Any) -> dict[str, Any]:
    """A lab result: its test, outcome, sample, person, times and Ct values."""
    test = (
        {"coding": [{"system": row.code_system, "code": row.code}]}
        if row.code and row.code_system
        else {"text": row.test_type}
    )
    outcome = OUTCOME_CODES.get(row.outcome)
    value = (
        {"coding": [{"system": SNOMED, "code": outcome[0], "display": outcome[1]}]}
        if outcome
        else {"text": row.outcome}
    )
    return _drop_empty(
        {
            "resourceType": "Observation",
            "id": f"r{row.id}",
            **_meta(row.updated_at),
            "identifier": [_identifier(row.id, row.external_id)],
            "status": row.status,
            "category": [
                {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                            "code": "laboratory",
                        }
                    ]
                }
            ],
            "code": test,
            "subject": {"reference": f"Patient/p{row.person_id}"},
            "effectiveDateTime": _instant(row.collected_at),
            "issued": _instant(row.resulted_at),
            "performer": [{"display": row.lab}] if row.lab else [],
            "valueCodeableConcept": value,
            "specimen": {"reference": f"Specimen/s{row.sample_id}"},
            "component": _components(row.targets or []),
        }
    )


def condition(row: Any, profile: DiseaseProfile | None) -> dict[str, Any]:
    """A case: the disease (its profile's diagnosis codes), how sure, since when."""
    known = profile.diagnosis_codes if profile is not None else ()
    codings = [{"system": c.system, "code": c.code, "display": c.display} for c in known]
    refuted = row.classification == "discarded"
    resolved = row.outcome in ("recovered", "died")
    clinical = None if refuted else ("resolved" if resolved else "active")
    return _drop_empty(
        {
            "resourceType": "Condition",
            "id": f"c{row.id}",
            **_meta(row.updated_at),
            # con-5: a refuted condition carries no clinical status.
            "clinicalStatus": {"coding": [{"system": CLINICAL, "code": clinical}]}
            if clinical
            else None,
            "verificationStatus": {
                "coding": [{"system": VER_STATUS, "code": VERIFICATION[row.classification]}]
            },
            "code": _drop_empty({"coding": codings, "text": row.disease}),
            "subject": {"reference": f"Patient/p{row.person_id}"},
            "onsetDateTime": _day(row.date_onset),
            "abatementDateTime": _day(row.date_outcome) if resolved else None,
            "recordedDate": _day(row.date_reporting),
        }
    )


def encounter(row: Any) -> dict[str, Any]:
    """A hospital admission as an inpatient encounter, for its case when it has one."""
    return _drop_empty(
        {
            "resourceType": "Encounter",
            "id": f"e{row.id}",
            **_meta(row.updated_at),
            "status": "finished" if row.discharged_at else "in-progress",
            "class": {"system": ACT_CODE, "code": "IMP", "display": "inpatient encounter"},
            "subject": {"reference": f"Patient/p{row.person_id}"},
            "period": _drop_empty(
                {"start": _instant(row.admitted_at), "end": _instant(row.discharged_at)}
            ),
            "reasonReference": [{"reference": f"Condition/c{row.case_id}"}] if row.case_id else [],
            "serviceProvider": {"display": row.hospital},
        }
    )
