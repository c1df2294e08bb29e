"""PSO business rules: reference versions, the register, purchases, measurements and the forecast.

Functions change state and flush but never commit; the Audited mixin writes the trail. Reading a
target-group dossier is written to the trail with :func:`record_dossier_view`. One module per subject
(``references``, ``register``, ``calculation``, ``measurements``); this package re-exports them so callers
write ``services.score(…)``.
"""
from ...organisation.services import today  # noqa: F401  (the PSO pages' "today", patched in tests)
from .calculation import (Register, Score, build_register, compute_score, criteria_for, forecast,  # noqa: F401
                          score)
from .common import EVIDENCE_KINDS, FROZEN_FIELDS, PAYROLL_MAX_BYTES, PsoError  # noqa: F401
from .measurements import (correct_measurement, create_measurement, current_submission, discard_measurement,  # noqa: F401
                           history, measurement_result, measurements, state_label, submit_measurement)
from .references import (load_reference_file, load_shipped_references, reference_in_force, reference_rows,  # noqa: F401
                         reference_version, references)
from .register import (PurchaseData, StatusData, add_conversation, add_employment, add_planned_hire,  # noqa: F401
                       add_purchase, delete_employment, delete_planned_hire, delete_purchase, import_hours,
                       pseudonyms, preview_payroll, record_dossier_view, save_status, set_hours)
