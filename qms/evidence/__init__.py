"""Certification evidence and readiness per norm (ISO 9001, VCA, PSO and any other enabled norm).

- Evidence files (``models.EvidenceItem``) with owner, validity and review status serve one or more
  requirements by (norm, version, code); records kept elsewhere link through the record-type registry
  (``registry(app).add_record_type``); published documents come from document control.
- ``readiness.py`` (pure) turns that into coverage per norm, version and level; ``cycles.py`` (pure) derives
  the external audit calendar from the own certificates; ``reminders.py`` warns before expiry and audits.
- ``dossier/`` builds the PDF + ZIP dossier of one norm as a background job (qms/jobs.py).
"""
