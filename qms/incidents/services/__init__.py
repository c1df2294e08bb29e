"""Incident services. Functions change state and flush, never commit; views commit once.

Contract for other packages (VCA toolbox meetings, management review): ``rolling(today)`` (the injury
frequency over the rolling 12 months, the one every surface shows), ``ltis_and_hours(start, end)``,
``open_toolbox_lessons()``, ``mark_lessons_discussed(incident_ids, on_date, meeting_ref)``.
"""
from .arbo import assistant as arbo_assistant, report_text as arbo_report_text  # noqa: F401
from .errors import IncidentError  # noqa: F401
from .handling import share_with_reporter  # noqa: F401
from .handling import (InvestigationData, PersonData, TriageData, add_prevention_action, arbo_deadline,  # noqa: F401
                       close, move, nonconformities, record_arbo_notification, remove_person, save_investigation,
                       save_person, triage)
from .privacy import may_see_persons, purge, retention_cutoff, set_retention, settings  # noqa: F401
from .reporting import (RateLimited, ReportData, active_site, check_public_allowance, coordinators,  # noqa: F401
                        find_by_token, is_submission_token, local_now, new_submission_token, renew_site_token, report,
                        site_for_token, site_token, tokens_for, usual_site_id)
from .statistics import (Period, arbo_pending, arbowet_statement, counts_by_month_and_type,  # noqa: F401
                         counts_by_type, hours_by_month, hours_table, if_over_time, last_month_with_hours,
                         ltis_and_hours, mark_lessons_discussed, month_label, months_label, near_miss_and_accidents,
                         open_count, open_toolbox_lessons, period, rolling, save_hours, three_years,
                         toolbox_lessons_count, year)
