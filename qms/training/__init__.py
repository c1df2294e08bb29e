"""Training records and diplomas per employee (BHV, first aid, other, and the diplomas the norms register).

Shared by the norms (diploma rules, competence). ``services.records_for(employee_ids)`` and
``services.expiring(within_days)`` are the entry points for other packages.
"""
