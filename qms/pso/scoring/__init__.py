"""The PSO calculation over one peiljaar: pure functions over plain data (no Flask, no database).

Follows the domain notes: a person counts by hours worked relative to the full-time (or CAO) week; the
weighted target-group FTE is FTE x weight(starting position) x weight(contract type), counted only on the
days inside the person's counting window; indirect contribution comes from purchases at PSO-certified
suppliers and SW companies and is capped at a share of the total; the total is compared with the norms for
the organisation's size. Every value comes from a :class:`~qms.pso.reference.Reference`, never from here.
``data`` holds the inputs and results, ``person`` one person's count, ``calculation`` the whole peiljaar and
``forecast`` the next one; this package re-exports them.
"""
from .calculation import calculate  # noqa: F401
from .data import (CRITERIA, TREDES, CalculationError, CalculationInput, Criteria, EmployeeInput,  # noqa: F401
                   EmployeeResult, Margin, PurchaseInput, PurchaseResult, Result)
from .forecast import Change, forecast_input  # noqa: F401
from .person import add_years, norms_for_size, score_employee, window_end  # noqa: F401
