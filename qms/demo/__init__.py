"""Fictional data: the demo company that ``make run`` shows, and benchmark-size data for ``make bench``.

``company.load_demo`` builds "Schoonmaakbedrijf De Glans B.V." through the models, so the audit trail
records it like any other change; features add their own demo data as a step in ``company.STEPS``.
``seed.seed`` bulk-inserts thousands of people and years of audit history for performance work.
Neither commits: the CLI command that calls them does.
"""
from .company import DEMO_EMAIL_DOMAIN, STEPS, Demo, demo_email, load_demo

__all__ = ["DEMO_EMAIL_DOMAIN", "STEPS", "Demo", "demo_email", "load_demo"]
