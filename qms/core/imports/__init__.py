"""Bulk import of a register from XLSX or CSV: one framework, one definition per register.

A register describes itself with an :class:`Importer` (its columns, its stable key and the function that
saves one row through the register's own service function) and registers it on the app with
the app's registry (``registry(app).add_importer``) — the core registers its registers in :func:`init_app`, a
norm in its ``setup(app)``, so the core never names a norm. The registry lives on ``app.extensions``: every app
has its own.

Every file goes through two jobs (:mod:`qms.jobs`), whatever its size, so a large file never holds a web
worker: the *check* runs every row through the service inside a savepoint that is rolled back (the preview
is exactly what the import would do, and changes nothing), the *import* runs them again and the worker
commits once. A row the service refuses is rejected with the service's message, in the requester's
language; the preview counts the rejections per reason and keeps the first :data:`MAX_REJECTIONS`.
Re-importing a file updates the rows found by the key instead of adding them again.
"""
from __future__ import annotations

from flask import Flask

from .background import CHECK, FOLDER, RUN, TASKS, check, folder, run, submit_check, submit_run  # noqa: F401
from .cells import PROBLEMS, boolean, choice, date, email, integer, normal, number, text  # noqa: F401
from .registers import (CREATED, MAX_BYTES, MAX_REJECTIONS, UNCHANGED, UPDATED, Column, FileRejected,  # noqa: F401
                        Importer, Outcome, RowRejected, export_rows, importer, importers, process, read_rows,
                        rows_per_child)
from .staging import KEEP_SECONDS, is_xlsx  # noqa: F401


def init_app(app: Flask) -> None:
    """Register the core's own registers; norms add theirs from their ``setup(app)``."""
    from ...evidence.imports import EVIDENCE
    from ...incidents.imports import HOURS
    from ...organisation.imports import EMPLOYEES
    from ...suppliers.imports import SUPPLIERS
    from ...training.imports import TRAINING
    from ...quality_measurement.imports import INVENTORY

    from ...norms import registry

    for register in (EMPLOYEES, TRAINING, SUPPLIERS, HOURS, EVIDENCE, INVENTORY):
        registry(app).add_importer(register)
