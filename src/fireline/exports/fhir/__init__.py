"""FHIR R4 Bulk Data export (HL7 FHIR Bulk Data Access IG v2)."""
