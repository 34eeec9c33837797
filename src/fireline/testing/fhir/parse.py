"""Read a FHIR R4 Bundle of lab results into the intake's results, with precise error paths.

Validation library: ``fhir.resources`` 8.x, its ``R4B`` models (FHIR 4.3.0). R4B is R4
(4.0.1) with technical corrections outside the resources used here: Bundle, Patient,
Specimen, Observation and DiagnosticReport are wire-compatible, so an R4 Bundle validates
as it is. (The 6.x line that modelled 4.0.1 needs pydantic 1, which Fireline cannot load
beside pydantic 2; 8.x's default package is R5.)

After the structural validation, the conformance rules of this interface (a result's
code is LOINC and one of a profile's lab tests; it has a subject Patient and a Specimen
in the Bundle; an outcome in SNOMED CT or the v3 interpretation codes; Ct values in
range) are checked, every problem reported with its FHIRPath-style location, e.g.
``Bundle.entry[2].resource.code.coding[0].system``.
"""

from __future__ import annotations

import json
import json.scanner
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from fireline.diseases.schemas import DiseaseProfile
from fireline.errors import Problem
from fireline.interop.limits import DEFAULT_LIMITS
from fireline.interop.messages import TOO_MANY_ENTRIES, ReadError
from fireline.testing.codes import LOINC, SNOMED, codes
from fireline.testing.fhir.patient import person_of, specimen_of
from fireline.testing.results import Incoming
from fireline.testing.schemas import ResultCreate, Target

INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
INTERPRETED = {
    "POS": "positive",
    "DET": "positive",
    "NEG": "negative",
    "ND": "negative",
    "IND": "inconclusive",
}
STATUSES = ("final", "amended", "corrected", "preliminary")
LARGE_JSON = 1 << 20  # bytes


@dataclass
class Parsed:
    message_id: str | None
    items: list[Incoming] = field(default_factory=list)


@dataclass
class Context:
    """The Bundle's resources by reference, the jurisdiction for new samples, the
    deployment's LOINC lab tests (code -> disease), the errors."""

    by_ref: dict[str, tuple[int, dict[str, Any]]]
    jurisdiction_code: str
    tests: dict[str, str]
    errors: list[dict[str, str]] = field(default_factory=list)

    def error(self, path: str, message: str) -> None:
        self.errors.append({"path": path, "message": message})

    def resolve(self, ref: dict[str, Any] | None, kind: str) -> tuple[int, dict[str, Any]] | None:
        target = (ref or {}).get("reference")
        found = self.by_ref.get(target or "")
        return found if found and found[1].get("resourceType") == kind else None


def _fhir_path(loc: tuple[Any, ...]) -> str:
    path = "Bundle"
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def load(content: bytes, max_entries: int = DEFAULT_LIMITS.fhir_max_entries) -> dict[str, Any]:
    """The JSON Bundle, validated against the FHIR models (422 with paths otherwise).

    The entries are counted before validation, which costs about a millisecond per
    entry: a Bundle over ``max_entries`` is refused with 413 (RFC 9110, 15.5.14).
    """
    try:
        data = _json(content)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Problem(
            422, f"the file is not JSON: {exc}", errors=[{"path": "Bundle", "message": "not JSON"}]
        ) from None
    if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
        raise Problem(
            422,
            "expected a FHIR Bundle",
            errors=[{"path": "Bundle.resourceType", "message": "must be Bundle"}],
        )
    entries = data.get("entry")
    if isinstance(entries, list) and len(entries) > max_entries:
        refused = ReadError(TOO_MANY_ENTRIES, entries=len(entries), limit=max_entries)
        raise Problem(
            413, str(refused), errors=[{"path": "Bundle.entry", "message": str(refused)}]
        ) from refused
    errors = _structure_errors(data)
    if errors:
        raise Problem(
            422,
            f"the Bundle is not valid FHIR: {errors[0]['path']}: {errors[0]['message']}",
            errors=errors,
        )
    return data


def _json(content: bytes) -> Any:
    """The JSON document; a large one with the standard library's pure-Python scanner.

    The C scanner decodes a whole document in one call holding the GIL (about 200 ms
    for 4.5 MB here), stalling every other thread; the Python scanner is slower but
    lets them run between its steps (Python docs, ``sys.setswitchinterval``).
    """
    if len(content) < LARGE_JSON:
        return json.loads(content)
    decoder = json.JSONDecoder()
    decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]
    return decoder.decode(content.decode("utf-8"))


def _structure_errors(data: dict[str, Any]) -> list[dict[str, str]]:
    """Validate the Bundle without its entries, then entry by entry.

    One ``Bundle.model_validate`` of a large Bundle runs in pydantic-core for seconds
    holding the GIL, stalling every other thread of the server (measured: 675 ms stalls
    on 6,000 entries; 32 ms one entry at a time). Bundle has no rule across entries.
    """
    from fhir.resources.R4B.bundle import Bundle, BundleEntry

    entries = data.get("entry")
    if not isinstance(entries, list):
        return _errors(Bundle, data, ())
    found = _errors(Bundle, {k: v for k, v in data.items() if k != "entry"}, ())
    for i, entry in enumerate(entries):
        found += _errors(BundleEntry, entry, ("entry", i))
    return found


def _errors(model: Any, value: Any, at: tuple[Any, ...]) -> list[dict[str, str]]:
    try:
        model.model_validate(value)
    except ValidationError as exc:
        return [
            {"path": _fhir_path(at + tuple(e["loc"])), "message": e["msg"]} for e in exc.errors()
        ]
    return []


def _index(entries: list[dict[str, Any]]) -> dict[str, tuple[int, dict[str, Any]]]:
    found: dict[str, tuple[int, dict[str, Any]]] = {}
    for i, entry in enumerate(entries):
        resource = entry.get("resource") or {}
        if entry.get("fullUrl"):
            found[entry["fullUrl"]] = (i, resource)
        if resource.get("id"):
            found[f"{resource['resourceType']}/{resource['id']}"] = (i, resource)
    return found


def _message_id(bundle: dict[str, Any]) -> str | None:
    ident = bundle.get("identifier") or {}
    if ident.get("value"):
        return f"{ident.get('system', '')}|{ident['value']}".lstrip("|")
    return bundle.get("id")


def lab_tests(profiles: Mapping[str, DiseaseProfile]) -> dict[str, str]:
    """The LOINC codes of the profiles' lab tests, each with its disease."""
    return {c.code: p.code for p in profiles.values() for c in p.lab_tests if c.system == LOINC}


def parse(
    content: bytes,
    jurisdiction_code: str,
    profiles: Mapping[str, DiseaseProfile],
    max_entries: int = DEFAULT_LIMITS.fhir_max_entries,
) -> Parsed:
    """Every result of the Bundle, or 422 with every problem and its path; a result's code
    names its disease among ``profiles`` (the deployment's)."""
    bundle = load(content, max_entries)
    entries = bundle.get("entry") or []
    ctx = Context(_index(entries), jurisdiction_code, lab_tests(profiles))
    parsed = Parsed(_message_id(bundle))
    cts = _ct_observations(entries)
    for i, entry in enumerate(entries):
        resource, path = entry.get("resource") or {}, f"Bundle.entry[{i}].resource"
        kind = resource.get("resourceType")
        if kind == "Observation" and not _is_ct(resource):
            item = _result(ctx, path, resource, cts)
        elif (
            kind == "DiagnosticReport"
            and not resource.get("result")
            and resource.get("conclusionCode")
        ):
            item = _result(ctx, path, resource, cts, value_key="conclusionCode")
        else:
            continue
        if item is not None:
            parsed.items.append(Incoming(path, item))
    if not parsed.items and not ctx.errors:
        ctx.error("Bundle.entry", "the Bundle holds no Observation or DiagnosticReport result")
    if ctx.errors:
        raise Problem(
            422,
            f"{len(ctx.errors)} problem(s) in the Bundle; nothing was stored: "
            f"{ctx.errors[0]['path']}: {ctx.errors[0]['message']}",
            errors=ctx.errors,
        )
    return parsed


def _is_ct(resource: dict[str, Any]) -> bool:
    return any(
        (c.get("system"), c.get("code")) in codes().ct_targets
        for c in (resource.get("code") or {}).get("coding") or []
    )


def _ct_observations(entries: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Standalone Ct observations by specimen reference (attached to that specimen's result)."""
    found: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        resource = entry.get("resource") or {}
        if resource.get("resourceType") == "Observation" and _is_ct(resource):
            ref = (resource.get("specimen") or {}).get("reference", "")
            found.setdefault(ref, []).append(resource)
    return found


def _loinc(ctx: Context, path: str, concept: dict[str, Any]) -> tuple[str, str] | None:
    """(code, disease) of the LOINC coding among a profile's lab tests."""
    codings = concept.get("coding") or []
    tests = ctx.tests
    for j, coding in enumerate(codings):
        if coding.get("system") == LOINC and coding.get("code") in tests:
            return coding["code"], tests[coding["code"]]
        if coding.get("system") == LOINC:
            ctx.error(
                f"{path}.code.coding[{j}].code",
                f"LOINC {coding.get('code')} is not a lab test of any disease profile",
            )
            return None
    where = f"{path}.code.coding[0].system" if codings else f"{path}.code.coding"
    found = codings[0].get("system") if codings else None
    ctx.error(where, f"the test code must be LOINC ({LOINC}), found {found!r}")
    return None


def _outcome(ctx: Context, path: str, resource: dict[str, Any], key: str) -> str | None:
    concepts = resource.get(key) or []
    concepts = concepts if isinstance(concepts, list) else [concepts]
    for concept in concepts:
        for coding in concept.get("coding") or []:
            found = codes().outcomes.get((coding.get("system", ""), coding.get("code", "")))
            if found:
                return found
    for concept in resource.get("interpretation") or []:
        for coding in concept.get("coding") or []:
            if coding.get("system") == INTERPRETATION and coding.get("code") in INTERPRETED:
                return INTERPRETED[coding["code"]]
    ctx.error(
        f"{path}.{key}",
        f"the outcome must be a SNOMED CT ({SNOMED}) qualifier "
        "(260373001 Detected, 260415000 Not detected, 419984006 Inconclusive)",
    )
    return None


def _targets(
    ctx: Context, path: str, resource: dict[str, Any], extra: list[dict[str, Any]]
) -> list[Target]:
    found = []
    parts = [(f"{path}.component[{k}]", c) for k, c in enumerate(resource.get("component") or [])]
    parts += [(f"{path}(Ct observation {o.get('id', '')})", o) for o in extra]
    for where, part in parts:
        for coding in (part.get("code") or {}).get("coding") or []:
            gene = codes().ct_targets.get((coding.get("system", ""), coding.get("code", "")))
            value = (part.get("valueQuantity") or {}).get("value")
            if gene and value is not None:
                low, high = codes().ct_range
                if not codes().ct_in_range(float(value)):
                    ctx.error(
                        f"{where}.valueQuantity.value", f"Ct {value} is outside {low}..{high}"
                    )
                found.append(Target(gene=gene, ct=float(value)))
    return found


def _result(
    ctx: Context,
    path: str,
    resource: dict[str, Any],
    cts: dict[str, list[dict[str, Any]]],
    value_key: str = "valueCodeableConcept",
) -> ResultCreate | None:
    before = len(ctx.errors)
    coded = _loinc(ctx, path, resource.get("code") or {})
    patient = ctx.resolve(resource.get("subject"), "Patient")
    if patient is None:
        what = (
            "missing subject"
            if not resource.get("subject")
            else "the subject is not a Patient in the Bundle"
        )
        ctx.error(f"{path}.subject", f"{what}: a result must name its Patient")
    specimen = ctx.resolve(resource.get("specimen"), "Specimen")
    if specimen is None:
        ctx.error(f"{path}.specimen", "a result must name its Specimen in the Bundle")
    outcome = _outcome(ctx, path, resource, value_key)
    status = resource.get("status")
    if status not in STATUSES:
        ctx.error(
            f"{path}.status", f"status {status!r} is not a result (use {', '.join(STATUSES)})"
        )
    resulted = resource.get("issued") or resource.get("effectiveDateTime")
    if not resulted:
        ctx.error(f"{path}.issued", "a result needs issued or effectiveDateTime")
    spec_ref = (resource.get("specimen") or {}).get("reference", "")
    targets = _targets(ctx, path, resource, cts.get(spec_ref, []))
    sample = specimen_of(ctx, specimen) if specimen is not None else None
    if len(ctx.errors) > before or coded is None or patient is None or sample is None:
        return None
    ident = (resource.get("identifier") or [{}])[0]
    performer = (resource.get("performer") or [{}])[0].get("display")
    return ResultCreate(
        barcode=sample["barcode"],
        disease=coded[1],
        outcome=outcome,
        resulted_at=resulted,
        code_system=LOINC,
        code=coded[0],
        status=status,
        targets=targets,
        external_id=f"{ident.get('system', '')}|{ident['value']}".lstrip("|")
        if ident.get("value")
        else None,
        lab=performer,
        jurisdiction_code=ctx.jurisdiction_code,
        sample_type=sample["sample_type"],
        collected_at=sample["collected_at"],
        received_at=sample["received_at"],
        person=person_of(patient[1]),
    )
