"""Figures computed once per request: a page, its live evidence and its review section ask for the same
figures, and each expensive one is computed the first time and reused for the rest of the request.

The memo lives on the request itself (never on ``g``, which a test client shares between requests) and is
dropped at every flush, so a request that changes data and then reads a figure sees the change. Outside a
request (the CLI, a job) nothing is kept."""
from __future__ import annotations

import functools
from typing import Any, Callable, TypeVar

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.orm import Session

F = TypeVar("F", bound=Callable[..., Any])
_KEY = "qms.per_request"


def per_request(fn: F) -> F:
    """Memoise ``fn`` by its (hashable) arguments for the rest of the request."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if not has_request_context():
            return fn(*args, **kwargs)
        store = request.environ.setdefault(_KEY, {})
        key = (fn.__module__, fn.__qualname__, args, tuple(sorted(kwargs.items())))
        if key not in store:
            store[key] = fn(*args, **kwargs)
        return store[key]

    wrapper.uncached = fn  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


@event.listens_for(Session, "after_flush")
def _forget(session, flush_context) -> None:
    if has_request_context():
        request.environ.pop(_KEY, None)
