"""The two pages of a register's record form, added to the register's blueprint.

A register writes one function that shows (and saves) its form for a record or for a new one; this gives it
the ``new`` and ``edit`` routes with the permission they need, so every register names them the same way.
"""
from __future__ import annotations

from typing import Any, Callable

from flask import Blueprint

from ..permissions import requires


def add_form_routes(bp: Blueprint, rule: str, name: str, permission: str, load: Callable[[int], Any],
                    page: Callable[[Any], Any], *, endpoints: tuple[str, str] | None = None) -> None:
    """``<rule>/new`` (endpoint ``<name>_new``) shows ``page(None)``; ``<rule>/<int:<name>_id>/edit`` (endpoint
    ``<name>_edit``) shows ``page(load(id))``; both take GET and POST and need ``permission``. ``endpoints``
    names the two differently (a register whose pages are called ``new_risk`` and ``edit_risk``)."""
    key = f"{name}_id"
    new_endpoint, edit_endpoint = endpoints or (f"{name}_new", f"{name}_edit")

    @requires(permission)
    def new():
        return page(None)

    @requires(permission)
    def edit(**ids: int):
        return page(load(ids[key]))

    bp.add_url_rule(f"{rule}/new", new_endpoint, new, methods=["GET", "POST"])
    bp.add_url_rule(f"{rule}/<int:{key}>/edit", edit_endpoint, edit, methods=["GET", "POST"])
