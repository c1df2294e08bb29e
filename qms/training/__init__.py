"""Training records and diplomas per employee (B-VCA, VOL-VCA, VIL-VCU, BHV, first aid, other).

Shared by VCA (diploma rules) and ISO 9001 (competence). ``services.records_for(employee_ids)`` and
``services.expiring(within_days)`` are the entry points for other packages.
"""
