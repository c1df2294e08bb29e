"""REST endpoints of document control: documents, their versions, read confirmations."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from marshmallow import Schema, fields, validate
from sqlalchemy import exists, or_, select

from ..api import ApiBlueprint, register_api
from ..api.common import Id, PageArgs, UtcDateTime, endpoint, page_of, paged, refuse
from ..extensions import db
from . import services
from .models import Document, DocumentType, DocumentVersion, ReadConfirmation, VersionState
from .views import can_see_history, can_see_version, load_document, load_version

blp = ApiBlueprint("api_documents", __name__, url_prefix="/documents", description="Document control")


class VersionSchema(Schema):
    id = fields.Integer(required=True)
    document_id = fields.Integer(required=True)
    major = fields.Integer(required=True)
    minor = fields.Integer(required=True)
    state = fields.Enum(VersionState, by_value=True, required=True)
    change_summary = fields.String(required=True)
    sha256 = fields.String(required=True)
    effective_date = fields.Date(allow_none=True)
    published_at = UtcDateTime(allow_none=True)
    retired_at = UtcDateTime(allow_none=True)


class VersionDetailSchema(VersionSchema):
    content_markdown = fields.String(allow_none=True)
    has_file = fields.Function(lambda v: v.stored_file_id is not None, metadata={"type": "boolean"})


class DocumentSchema(Schema):
    id = fields.Integer(required=True)
    number = fields.String(required=True)
    title = fields.String(required=True)
    type = fields.Enum(DocumentType, by_value=True, required=True)
    status = fields.Enum(VersionState, by_value=True, required=True)
    owner_id = fields.Integer(allow_none=True)
    department_id = fields.Integer(allow_none=True)
    site_id = fields.Integer(allow_none=True)
    next_review_on = fields.Date(allow_none=True)


class ConfirmationSchema(Schema):
    id = fields.Integer(required=True)
    user_id = fields.Integer(required=True)
    document_id = fields.Integer(required=True)
    version_id = fields.Integer(required=True)
    major = fields.Integer(required=True)
    confirmed_at = UtcDateTime(required=True)


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
    if "type" in args:
        stmt = stmt.where(Document.type == args["type"])
    if "status" in args:
        stmt = stmt.where(Document.status == args["status"])
    if args.get("q"):
        like = f"%{args['q']}%"
        stmt = stmt.where(or_(Document.number.ilike(like), Document.title.ilike(like)))
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
    if "document_id" in args:
        stmt = stmt.where(ReadConfirmation.document_id == args["document_id"])
    return paged(stmt.order_by(ReadConfirmation.confirmed_at.desc(), ReadConfirmation.id.desc()), args)


def register(app) -> None:
    register_api(app, blp, area="documents", label=_l("Documents"), permissions={"documents.view"}, writes=True)
