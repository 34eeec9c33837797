"""Patient and Specimen resources into Fireline's person reference and sample fields.

A national ID is the Patient identifier typed ``NNCHN`` (HL7 v2 table 0203 "National
Person Identifier" with the ISO 3166 country code, as the v2-0203 code system builds
it) or ``NI`` (national unique individual identifier); the sample barcode is the
Specimen's ``accessionIdentifier`` (else its first identifier); the sample type the
Specimen's type (SNOMED CT, e.g. 258500001 Nasopharyngeal swab).
"""

from __future__ import annotations

from typing import Any, Protocol

from fireline.testing.schemas import PersonRef

V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203"
NATIONAL = {"NNCHN", "NI"}
SAMPLE_TYPES = {
    "258500001": "nasopharyngeal_swab",
    "461911000124106": "oropharyngeal_swab",
    "258529004": "throat_swab",
    "258560004": "saliva",
    "119297000": "blood",
}


class Reports(Protocol):
    def error(self, path: str, message: str) -> None: ...


def _national_id(patient: dict[str, Any]) -> str | None:
    for ident in patient.get("identifier") or []:
        kinds = {
            c.get("code")
            for c in (ident.get("type") or {}).get("coding") or []
            if c.get("system") == V2_0203
        }
        if kinds & NATIONAL and ident.get("value"):
            return str(ident["value"])
    return None


def _name(patient: dict[str, Any]) -> str:
    for name in patient.get("name") or []:
        if name.get("text"):
            return str(name["text"])
        parts = [name.get("family", ""), *(name.get("given") or [])]
        joined = " ".join(p for p in parts if p).strip()
        if joined:
            return joined
    return "(unnamed patient)"


def person_of(patient: dict[str, Any]) -> PersonRef:
    phone = next(
        (t.get("value") for t in patient.get("telecom") or [] if t.get("system") == "phone"), None
    )
    return PersonRef(
        name=_name(patient),
        national_id=_national_id(patient),
        sex=patient.get("gender"),
        birth_date=patient.get("birthDate"),
        phone=phone,
    )


def specimen_of(ctx: Reports, found: tuple[int, dict[str, Any]]) -> dict[str, Any]:
    index, specimen = found
    path = f"Bundle.entry[{index}].resource"
    ident = specimen.get("accessionIdentifier") or (specimen.get("identifier") or [{}])[0]
    barcode = ident.get("value")
    if not barcode:
        ctx.error(
            f"{path}.accessionIdentifier", "the Specimen has no barcode (accessionIdentifier)"
        )
    codings = (specimen.get("type") or {}).get("coding") or []
    kind = next(
        (SAMPLE_TYPES.get(c.get("code", ""), c.get("display") or c.get("code")) for c in codings),
        "unknown",
    )
    return {
        "barcode": barcode or "?",
        "sample_type": str(kind)[:32],
        "collected_at": (specimen.get("collection") or {}).get("collectedDateTime"),
        "received_at": specimen.get("receivedTime"),
    }
