"""Business rules of cleaning quality measurement. Functions change state and flush, never commit."""
from __future__ import annotations

from .common import DEFAULT_KINDS, MAX_COUNT, SOURCE_TYPE, MeasurementError  # noqa: F401
from .inspections import (actions_for, add_plan, as_done, category_counts, done_inspections,  # noqa: F401
                          find_submission, inspection_rooms, may_conduct, may_see_inspection, period_summary,
                          previous_inspection, record_result, start_inspection)
from .inventory import get_location, lot_rooms, rooms_query, save_location, save_room, set_element  # noqa: F401
from .tables import (active_kinds, add_kind, all_kinds, correct_cell, correct_letter,  # noqa: F401
                     ensure_default_kinds, latest_revision, plan_for, revisions, tables, tables_data)
