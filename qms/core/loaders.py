"""Loading one row by the id in a URL or a form: ids no row can have are refused before the query, and a
user who may not see the object gets the same 404 as for a missing one."""
from __future__ import annotations

from typing import Callable, TypeVar

from flask import abort

from ..database import MAX_ID
from ..extensions import db
from ..permissions import require

T = TypeVar("T")


def get_row(model: type[T], object_id: int | None) -> T | None:
    """The row of ``model`` with that id, or None (also for an id beyond what an INTEGER column holds)."""
    if object_id is None or not 0 < object_id <= MAX_ID:
        return None
    return db.session.get(model, object_id)


def get_or_404(model: type[T], object_id: int | None, may_see: Callable[[T], bool] | None = None) -> T:
    """The row or 404; ``may_see(row)`` is the object-level access check (False: 404 as well)."""
    obj = get_row(model, object_id)
    if obj is None:
        abort(404)
    if may_see is not None:
        require(may_see(obj))
    return obj
