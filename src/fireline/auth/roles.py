"""What each role may do. Scope (which records) is separate: see scope.py."""

from __future__ import annotations

from typing import Final

# Personal data ("persons:read") is limited to the roles that work with people,
# as SORMAS limits it by user role (SORMAS user rights, "PERSON_VIEW").
PERMISSIONS: Final[dict[str, frozenset[str]]] = {
    "admin": frozenset(
        {
            "persons:read",
            "persons:write",
            "cases:read",
            "cases:write",
            "users:manage",
            "audit:read",
            "jurisdictions:write",
            "records:read",
            "samples:write",
            "exports:run",
        }
    ),
    # Exports of whole line lists (pseudonymised, FHIR, DHIS2) leave the system: for the
    # epidemiologists who send figures upward and for administrators, not for the roles
    # that work case by case.
    "epidemiologist": frozenset(
        {"persons:read", "cases:read", "cases:write", "records:read", "exports:run"}
    ),
    "investigator": frozenset(
        {
            "persons:read",
            "persons:write",
            "cases:read",
            "cases:write",
            "records:read",
            "samples:write",
        }
    ),
    # Samples, pool tubes and lab results ("samples:write"): the lab's own work.
    "lab": frozenset({"persons:read", "records:read", "samples:write"}),
    # Facility staff admit, place in rooms and release the orders held at the facilities
    # they work at (quarantine/staff.py narrows "facility:operate" to those facilities),
    # as SORMAS's point-of-entry and Sara Alert's public-health-staff roles split the
    # work at a site from the case work of the county.
    "facility": frozenset({"persons:read", "records:read", "facility:operate"}),
    "viewer": frozenset({"records:read"}),
}

ROLE_NAMES: Final = tuple(PERMISSIONS)


def allows(role: str, permission: str) -> bool:
    return permission in PERMISSIONS.get(role, frozenset())
