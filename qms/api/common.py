"""What every package's api.py shares: answer schemas read off the model's columns, the filters of a list, paging
in the database, UTC timestamps, domain errors as 422."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_smorest import abort
from marshmallow import Schema, fields, validate
from sqlalchemy import Select, func, or_, select

from ..core.loaders import get_row
from ..database import MAX_ID
from ..extensions import db

MAX_PER_PAGE = 100


class UtcDateTime(fields.DateTime):
    """A naive UTC column, written with its offset (RFC 3339 needs one)."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return super()._serialize(value, attr, obj, **kwargs)


def Id(**kwargs) -> fields.Integer:  # noqa: N802 (a field factory reads like a field)
    return fields.Integer(validate=validate.Range(1, MAX_ID), **kwargs)


_COLUMN_FIELDS = ((sa.Boolean, fields.Boolean), (sa.Integer, fields.Integer), (sa.DateTime, UtcDateTime),
                  (sa.Date, fields.Date), (sa.Float, fields.Float), (sa.String, fields.String))


def _column_field(column: sa.Column, description: str | None) -> fields.Field:
    """The field of one column: its type, required when the column is NOT NULL and nullable otherwise."""
    kind = column.type
    options: dict = {"required": True} if not column.nullable else {"allow_none": True}
    if description:
        options["metadata"] = {"description": description}
    if isinstance(kind, sa.Enum) and kind.enum_class is not None:
        return fields.Enum(kind.enum_class, by_value=True, **options)
    field = next(field for sql, field in _COLUMN_FIELDS if isinstance(kind, sql))
    return field(**options)


def columns_schema(model, columns: str, *, name: str | None = None, describe: dict[str, str] | None = None,
                   **extra: fields.Field) -> type[Schema]:
    """The answer schema of ``model`` (class ``name``, default ``<Model>Schema``): its ``columns`` (space separated,
    in this order), each typed and required or nullable as the column is, with a description from ``describe``;
    ``extra`` adds computed or nested fields (one named among ``columns`` takes that place)."""
    table = sa.inspect(model).columns
    declared = {key: extra.pop(key) if key in extra else _column_field(table[key], (describe or {}).get(key))
                for key in columns.split()}
    return type(name or f"{model.__name__}Schema", (Schema,), {**declared, **extra})


def where_given(stmt: Select, args: dict, **columns) -> Select:
    """``stmt`` narrowed to the rows whose column equals each filter the request gave (``filter=column``)."""
    for key, column in columns.items():
        if key in args:
            stmt = stmt.where(column == args[key])
    return stmt


def where_text(stmt: Select, text: str | None, *columns) -> Select:
    """``stmt`` narrowed to the rows where one of ``columns`` holds ``text`` (any case), when a text is given."""
    if not text:
        return stmt
    like = f"%{text}%"
    return stmt.where(or_(*(column.ilike(like) for column in columns)))


def valid_on(day, start, end):
    """The condition "the record is valid on ``day``": started by then, and not ended before (no end: open)."""
    return (start <= day) & (end.is_(None) | (end >= day))


class PageArgs(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(1, 100_000))
    per_page = fields.Integer(load_default=25, validate=validate.Range(1, MAX_PER_PAGE))


class PageSchema(Schema):
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True)


def page_of(item_schema: type[Schema], name: str) -> type[Schema]:
    """The envelope of a list: ``{"items": [...], "page", "per_page", "total"}``."""
    return type(name, (PageSchema,), {"items": fields.List(fields.Nested(item_schema), required=True)})


def paged(stmt: Select, args: dict, *, scalars: bool = True) -> dict:
    """One page of ``stmt``, counted and sliced in the database."""
    per_page, page = args["per_page"], args["page"]
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    query = stmt.limit(per_page).offset((page - 1) * per_page)
    items = db.session.scalars(query).unique().all() if scalars else db.session.execute(query).all()
    return {"items": items, "page": page, "per_page": per_page, "total": total}


def refuse(message: str, field: str | None = None):
    """A business rule said no: 422 with the service's message (in the user's language), nothing changed."""
    db.session.rollback()
    abort(422, message=message, errors={"json": {field or "_schema": [message]}})


def get_or_404(model, object_id: int):
    obj = get_row(model, object_id)
    if obj is None:
        abort(404)
    return obj


def endpoint(blp, rule: str, permission: str, area: str, response=None, *, query=None, body=None,
             write: bool = False, status: int = 200):
    """The declarations every endpoint makes, in one line: its route on ``blp``, its route permission, its token
    scope (``area`` read, or write for a POST), its query or JSON arguments and its answer schema."""
    from . import READ, WRITE, scope
    from ..permissions import requires

    def decorate(view):
        if response is not None:
            view = blp.response(status, response)(view)
        if body is not None:
            view = blp.arguments(body)(view)
        if query is not None:
            view = blp.arguments(query, location="query")(view)
        view = scope(area, WRITE if write else READ)(view)
        view = requires(permission)(view)
        return blp.route(rule, **({"methods": ["POST"]} if write else {}))(view)

    return decorate
