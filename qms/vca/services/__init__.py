"""VCA business rules. Functions change state and flush but never commit; the Audited mixin writes the trail.

Split by register: ``toolbox`` (meetings, attendance), ``people`` (risky work, diploma gaps, PPE),
``registers`` (equipment and keuringen, risk assessments, LMRA cards, inspections, profile and policy),
``figures`` (KPIs, live evidence, review section, status report data)."""
from .common import VcaError, company_level, profile, today  # noqa: F401
