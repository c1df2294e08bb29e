"""PSO calculation and payroll-import speed on synthetic data (no app): part of the benchmarks.

    python -m tests.benchmarks.pso_functions [--employees 10000] [--rows 100000]
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import time

from qms.pso import payroll
from qms.pso.reference import shipped
from qms.pso.scoring import CalculationInput, Criteria, EmployeeInput, PurchaseInput, calculate

POSITIONS = ["participatiewet", "wia_wajong", "ww", "bbl1", "bbl2", "vso_pro", None, None, None, None]


def synthetic_input(n: int, seed: int = 7) -> CalculationInput:
    rnd = random.Random(seed)
    people = []
    for i in range(n):
        start = dt.date(2010, 1, 1) + dt.timedelta(days=rnd.randrange(0, 5800))
        end = start + dt.timedelta(days=rnd.randrange(200, 4000)) if rnd.random() < 0.2 else None
        position = rnd.choice(POSITIONS)
        people.append(EmployeeInput(
            id=f"P{i}", contract_type=rnd.choice(["regular", "regular", "secondment", "internship"]),
            hours_per_week=float(rnd.choice([16, 24, 32, 38])), start=start, end=end,
            hours_worked=float(rnd.randrange(200, 2000)) if rnd.random() < 0.7 and (end is None or end.year >= 2025)
            and start.year <= 2025 else None,
            starting_position=position, intake_date=start if position else None,
            criteria=Criteria(True, True, rnd.random() < 0.9, True) if position else None))
    purchases = tuple(PurchaseInput(f"S{i}", 10000.0 * (i + 1), 5e6, 100.0) for i in range(20))
    return CalculationInput(2025, tuple(people), purchases, 38)


def payroll_csv(rows: int) -> tuple[bytes, list[str]]:
    numbers = [f"E{i:06}" for i in range(rows)]
    lines = ["personeelsnummer;jaar;uren"] + [f"{n};2025;{1000 + i % 800},5" for i, n in enumerate(numbers)]
    return "\n".join(lines).encode(), numbers


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args(argv)
    ref = shipped()["1.9"]
    inp = synthetic_input(args.employees)
    t0 = time.perf_counter()
    result = calculate(inp, ref)
    t1 = time.perf_counter()
    data, numbers = payroll_csv(args.rows)
    t2 = time.perf_counter()
    preview = payroll.read("bench.csv", data, numbers, 2025)
    t3 = time.perf_counter()
    print(f"PSO calculation, {args.employees} employees: {1000 * (t1 - t0):.0f} ms "
          f"(total {result.total_pct:.2f} %, level {result.level})")
    print(f"Payroll preview, {args.rows} rows: {1000 * (t3 - t2):.0f} ms "
          f"({len(preview.rows)} accepted, {len(preview.rejected)} rejected)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
