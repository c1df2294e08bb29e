"""REST endpoints of certification evidence: evidence items and their files, own certificates (read)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..api import ApiBlueprint, READ, register_api, scope
from ..api.common import PageArgs, UtcDateTime, endpoint, get_or_404, page_of, paged
from ..permissions import requires
from ..uploads import services as uploads
from ..uploads.views import load_readable
from .models import Certificate, EvidenceItem, EvidenceRequirement, ReviewStatus

blp = ApiBlueprint("api_evidence", __name__, url_prefix="", description="Evidence and certificates")


class RequirementRefSchema(Schema):
    norm = fields.String(required=True)
    version = fields.String(required=True)
    code = fields.String(required=True)


class FileSchema(Schema):
    id = fields.Integer(required=True)
    original_name = fields.String(required=True)
    content_type = fields.String(required=True)
    size = fields.Integer(required=True)
    sha256 = fields.String(required=True)
    uploaded_at = UtcDateTime(required=True)


class EvidenceSchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    description = fields.String(allow_none=True)
    owner_id = fields.Integer(allow_none=True)
    valid_from = fields.Date(required=True)
    valid_until = fields.Date(allow_none=True)
    review_status = fields.Enum(ReviewStatus, by_value=True, required=True)
    reviewed_at = UtcDateTime(allow_none=True)
    file = fields.Nested(FileSchema, required=True)
    requirements = fields.List(fields.Nested(RequirementRefSchema), required=True)


class CertificateSchema(Schema):
    id = fields.Integer(required=True)
    norm = fields.String(required=True)
    level = fields.String(allow_none=True)
    certifying_body = fields.String(required=True)
    number = fields.String(required=True)
    scope = fields.String(allow_none=True)
    issued_on = fields.Date(required=True)
    expires_on = fields.Date(required=True)
    #: The catalogue version of the norm it was issued against (None: not recorded).
    version = fields.String(allow_none=True)


class EvidenceFilter(PageArgs):
    review_status = fields.Enum(ReviewStatus, by_value=True)
    norm = fields.String(validate=validate.Length(max=40))
    valid_on = fields.Date()


class CertificateFilter(PageArgs):
    norm = fields.String(validate=validate.Length(max=40))
    expires_before = fields.Date()


@endpoint(blp, "/evidence", "evidence.view", "evidence", page_of(EvidenceSchema, "EvidencePage"),
          query=EvidenceFilter)
def list_evidence(args):
    stmt = select(EvidenceItem).options(selectinload(EvidenceItem.requirements))
    if "review_status" in args:
        stmt = stmt.where(EvidenceItem.review_status == args["review_status"])
    if args.get("norm"):
        linked = select(EvidenceRequirement.evidence_id).where(EvidenceRequirement.norm == args["norm"])
        stmt = stmt.where(EvidenceItem.id.in_(linked))
    if "valid_on" in args:
        day = args["valid_on"]
        stmt = stmt.where(EvidenceItem.valid_from <= day,
                          (EvidenceItem.valid_until.is_(None)) | (EvidenceItem.valid_until >= day))
    return paged(stmt.order_by(EvidenceItem.created_at.desc(), EvidenceItem.id.desc()), args)


@endpoint(blp, "/evidence/<int:evidence_id>", "evidence.view", "evidence", EvidenceSchema)
def get_evidence(evidence_id: int):
    return get_or_404(EvidenceItem, evidence_id)


@blp.route("/evidence/<int:evidence_id>/file")
@requires("evidence.view")
@scope("evidence", READ)
@blp.doc(responses={"200": {"description": "The evidence file as uploaded (PDF, image, office document …)",
                            "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}}}})
def get_evidence_file(evidence_id: int):
    item = get_or_404(EvidenceItem, evidence_id)
    return uploads.send(load_readable(item.file_id))


@endpoint(blp, "/certificates", "evidence.view", "evidence", page_of(CertificateSchema, "CertificatePage"),
          query=CertificateFilter)
def list_certificates(args):
    """The company's own certificates (ISO 9001, VCA, PSO …) with their expiry."""
    stmt = select(Certificate)
    if args.get("norm"):
        stmt = stmt.where(Certificate.norm == args["norm"])
    if "expires_before" in args:
        stmt = stmt.where(Certificate.expires_on < args["expires_before"])
    return paged(stmt.order_by(Certificate.expires_on.desc(), Certificate.id.desc()), args)


@endpoint(blp, "/certificates/<int:certificate_id>", "evidence.view", "evidence", CertificateSchema)
def get_certificate(certificate_id: int):
    return get_or_404(Certificate, certificate_id)


def register(app) -> None:
    register_api(app, blp, area="evidence", label=_l("Evidence and certificates"), permissions={"evidence.view"})
