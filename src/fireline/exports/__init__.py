"""Exports upward and outward: a pseudonymised line list (CSV, XLSX, Parquet), a FHIR R4
Bulk Data export and DHIS2 weekly aggregates (docs/exports.md)."""
