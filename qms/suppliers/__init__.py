"""The supplier register (ISO 9001 8.4 external providers, PSO purchasing): suppliers and their certificates.

Core tables only: ``Supplier`` and ``SupplierCertificate``. Norm packages keep their own figures in their own
tables pointing at ``supplier.id`` (ISO 9001 evaluations, PSO purchase volumes). Certificates that run out
are warned about on the register, on the supplier's page and through notification reminders.
"""
