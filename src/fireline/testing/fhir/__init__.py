"""Lab results in HL7 FHIR R4: a Bundle of Observation/DiagnosticReport with Patient/Specimen."""
