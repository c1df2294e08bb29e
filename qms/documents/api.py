"""REST endpoints of document control: documents, their versions, read confirmations."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from marshmallow import fields, validate
from sqlalchemy import exists, select

from ..api import ApiBlueprint, register_api
from ..api.common import (Id, PageArgs, columns_schema, endpoint, page_of, paged, refuse, where_given,
                          where_text)
from ..extensions import db
from . import services
from .models import Document, DocumentType, DocumentVersion, ReadConfirmation, VersionState
from .views import can_see_history, can_see_version, load_document, load_version

blp = ApiBlueprint("api_documents", __name__, url_prefix="/documents", description="Document control")


VersionSchema = columns_schema(DocumentVersion, "id document_id major minor state change_summary sha256 "
                               "effective_date published_at retired_at", name="VersionSchema")


class VersionDetailSchema(VersionSchema):
    content_markdown = fields.String(allow_none=True)
    has_file = fields.Function(lambda v: v.stored_file_id is not None, metadata={"type": "boolean"})


DocumentSchema = columns_schema(Document, "id number title type status owner_id department_id site_id next_review_on")
ConfirmationSchema = columns_schema(ReadConfirmation, "id user_id document_id version_id major confirmed_at",
                                    name="ConfirmationSchema")


class DocumentFilter(PageArgs):
    type = fields.Enum(DocumentType, by_value=True)
    status = fields.Enum(VersionState, by_value=True)
    q = fields.String(validate=validate.Length(max=100))


class ConfirmationFilter(PageArgs):
    document_id = Id()
    user_id = Id(metadata={"description": "Another person's confirmations: only for roles that read history"})


def _published():
    return exists().where(DocumentVersion.document_id == Document.id, DocumentVersion.state == VersionState.PUBLISHED)


@endpoint(blp, "", "documents.view", "documents", page_of(DocumentSchema, "DocumentPage"), query=DocumentFilter)
def list_documents(args):
    """Every document for roles that read history; for everyone else the documents that have a version in use."""
    stmt = select(Document)
    if not can_see_history():
        stmt = stmt.where(_published())
    stmt = where_given(stmt, args, type=Document.type, status=Document.status)
    stmt = where_text(stmt, args.get("q"), Document.number, Document.title)
    return paged(stmt.order_by(Document.number, Document.id), args)


@endpoint(blp, "/<int:document_id>", "documents.view", "documents", DocumentSchema)
def get_document(document_id: int):
    return load_document(document_id)


@endpoint(blp, "/<int:document_id>/versions", "documents.view", "documents", VersionSchema(many=True))
def list_versions(document_id: int):
    """The versions of one document this user may see (drafts and retired ones only for history roles)."""
    return [v for v in load_document(document_id).versions if can_see_version(v)]


@endpoint(blp, "/<int:document_id>/versions/<int:version_id>", "documents.view", "documents", VersionDetailSchema)
def get_version(document_id: int, version_id: int):
    return load_version(document_id, version_id)


@endpoint(blp, "/<int:document_id>/versions/<int:version_id>/confirm", "documents.view", "documents", ConfirmationSchema,
          write=True)
def confirm_read(document_id: int, version_id: int):
    """Confirm having read the version in use (twice keeps the first confirmation)."""
    version = load_version(document_id, version_id)
    try:
        confirmation = services.confirm_read(version, current_user._get_current_object())
    except services.DocumentError as error:
        refuse(error.message, getattr(error, "field", None))
    db.session.commit()
    return confirmation


@endpoint(blp, "/read-confirmations", "documents.view", "documents", page_of(ConfirmationSchema, "ConfirmationPage"),
          query=ConfirmationFilter)
def list_confirmations(args):
    """Read confirmations: one's own, or everyone's for roles that read history."""
    stmt = select(ReadConfirmation)
    if not can_see_history():
        stmt = stmt.where(ReadConfirmation.user_id == current_user.id)
    elif "user_id" in args:
        stmt = stmt.where(ReadConfirmation.user_id == args["user_id"])
    stmt = where_given(stmt, args, document_id=ReadConfirmation.document_id)
    return paged(stmt.order_by(ReadConfirmation.confirmed_at.desc(), ReadConfirmation.id.desc()), args)


def register(app) -> None:
    register_api(app, blp, area="documents", label=_l("Documents"), permissions={"documents.view"}, writes=True)
