"""Evidence, requirement links, record links, certificates and readiness: the business rules.

Every function changes state and flushes but never commits; the Audited mixin writes the trail.
"""
from __future__ import annotations

import csv
import datetime as dt
import pathlib
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from ..auth.models import User
from ..database import utcnow
from ..extensions import db
from ..norms import LiveEvidence, Requirement, registry
from ..permissions import PERMISSIONS, has_permission
from ..organisation.services import company
from ..organisation.services import today as local_today
from ..uploads import services as uploads
from . import cycles, readiness
from .documents import documents_by_requirement
from .models import (REVIEW_TRANSITIONS, Certificate, EvidenceItem, EvidenceRecordLink, EvidenceRequirement,
                     ReadinessSnapshot, ReviewStatus)
from .records import describe, record_types

#: File kinds accepted as evidence.
ALLOWED_KINDS = frozenset({"pdf", "docx", "xlsx", "odt", "ods", "image"})
MAPPING_FILE = pathlib.Path(__file__).resolve().parent / "mapping.csv"


class EvidenceError(Exception):
    """A business rule refused the change; ``field`` names the form field the message belongs to."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def today() -> dt.date:
    return local_today()


def possible_owners() -> list[User]:
    """Active users who may see evidence: only they can keep it up to date and follow its reminders."""
    from ..auth.models import UserRole

    return list(db.session.scalars(select(User).join(UserRole).where(
        User.active.is_(True), UserRole.role.in_(PERMISSIONS["evidence.view"])).order_by(User.name)).unique())


# --- requirements ---------------------------------------------------------------------------------

def requirement(norm: str, version: str, code: str) -> Requirement | None:
    """A requirement (kind "requirement", not a chapter) of an enabled norm, or None."""
    found = registry().requirement(norm, version, code)
    return found if found is not None and found.kind == "requirement" else None


def parse_requirement_key(text: str) -> tuple[str, str, str] | None:
    """"iso9001/2015/7.5.1" → ("iso9001", "2015", "7.5.1") when it names a requirement, else None."""
    parts = (text or "").strip().split("/")
    if len(parts) != 3:
        return None
    return tuple(parts) if requirement(*parts) is not None else None  # type: ignore[return-value]


def _check_requirement(norm: str, version: str, code: str, field_name: str = "requirement") -> Requirement:
    found = requirement(norm, version, code)
    if found is None:
        raise EvidenceError(field_name, _("This requirement does not exist in the enabled norms."))
    return found


# --- evidence files -------------------------------------------------------------------------------

@dataclass
class EvidenceData:
    title: str
    description: str | None
    owner: User | None
    valid_from: dt.date
    valid_until: dt.date | None


def _check_dates(data: EvidenceData) -> None:
    if data.valid_until is not None and data.valid_until < data.valid_from:
        raise EvidenceError("valid_until", _("Valid until cannot be before valid from."))
    if data.owner is not None and not has_permission(data.owner, "evidence.view"):
        raise EvidenceError("owner", _("The owner must be someone who may see the evidence."))


def add_evidence(data: EvidenceData, file, requirements: list[tuple[str, str, str]]) -> EvidenceItem:
    """Store an uploaded evidence file and link it to the given requirements (awaiting review)."""
    _check_dates(data)
    for key in requirements:
        _check_requirement(*key)
    stored = uploads.store(file, allowed=ALLOWED_KINDS)
    item = EvidenceItem(title=data.title, description=data.description or None, file_id=stored.id,
                        owner_id=data.owner.id if data.owner else None, valid_from=data.valid_from,
                        valid_until=data.valid_until, review_status=ReviewStatus.PENDING)
    item.file = stored
    db.session.add(item)
    for norm, version, code in dict.fromkeys(requirements):
        item.requirements.append(EvidenceRequirement(norm=norm, version=version, code=code))
    db.session.flush()
    return item


def update_evidence(item: EvidenceItem, data: EvidenceData) -> EvidenceItem:
    """Change title, owner or validity; a changed validity sends accepted evidence back for review."""
    _check_dates(data)
    validity_changed = (item.valid_from, item.valid_until) != (data.valid_from, data.valid_until)
    item.title = data.title
    item.description = data.description or None
    item.owner_id = data.owner.id if data.owner else None
    item.valid_from = data.valid_from
    item.valid_until = data.valid_until
    if validity_changed and item.review_status == ReviewStatus.ACCEPTED:
        item.review_status = ReviewStatus.PENDING
        item.reviewed_by_id = None
        item.reviewed_at = None
    db.session.flush()
    return item


def review_evidence(item: EvidenceItem, user: User, status: ReviewStatus) -> EvidenceItem:
    """Accept, reject or reopen the review of an evidence file (see REVIEW_TRANSITIONS)."""
    if status not in REVIEW_TRANSITIONS[item.review_status]:
        raise EvidenceError("status", _("This evidence cannot be moved from %(old)s to %(new)s.",
                                        old=review_label(item.review_status), new=review_label(status)))
    item.review_status = status
    item.reviewed_by_id = user.id if status != ReviewStatus.PENDING else None
    item.reviewed_at = utcnow() if status != ReviewStatus.PENDING else None
    db.session.flush()
    return item


def review_label(status: ReviewStatus) -> str:
    return {ReviewStatus.PENDING: _("awaiting review"), ReviewStatus.ACCEPTED: _("accepted"),
            ReviewStatus.REJECTED: _("rejected")}[status]


def link_evidence(item: EvidenceItem, norm: str, version: str, code: str) -> EvidenceRequirement:
    """Let one evidence file serve one more requirement (of any norm)."""
    _check_requirement(norm, version, code)
    if any((r.norm, r.version, r.code) == (norm, version, code) for r in item.requirements):
        raise EvidenceError("requirement", _("This evidence is already linked to that requirement."))
    link = EvidenceRequirement(norm=norm, version=version, code=code)
    item.requirements.append(link)
    db.session.flush()
    return link


def unlink_evidence(link: EvidenceRequirement) -> None:
    item = link.evidence
    if len(item.requirements) <= 1:
        raise EvidenceError("requirement", _("Evidence must serve at least one requirement."))
    item.requirements.remove(link)
    db.session.flush()


def search_evidence(text: str, exclude_for: tuple[str, str, str] | None = None, limit: int = 10) -> list[EvidenceItem]:
    """Evidence whose title or number matches, to link to a requirement (not those already linked to it)."""
    stmt = select(EvidenceItem).order_by(EvidenceItem.title, EvidenceItem.id).limit(limit)
    text = (text or "").strip()
    if text:
        conditions = [EvidenceItem.title.ilike(f"%{escape_like(text)}%", escape="\\")]
        if text.lstrip("#").isdigit() and len(text) < 10:
            conditions.append(EvidenceItem.id == int(text.lstrip("#")))
        stmt = stmt.where(or_(*conditions))
    if exclude_for is not None:
        norm, version, code = exclude_for
        linked = select(EvidenceRequirement.evidence_id).where(
            EvidenceRequirement.norm == norm, EvidenceRequirement.version == version, EvidenceRequirement.code == code)
        stmt = stmt.where(EvidenceItem.id.not_in(linked))
    return list(db.session.scalars(stmt).unique())


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# --- links to records -----------------------------------------------------------------------------

def link_record(norm: str, version: str, code: str, record_type: str, reference: str, user: User) -> EvidenceRecordLink:
    """Link a record kept in the system (found by its number or id) to a requirement."""
    _check_requirement(norm, version, code)
    kind = record_types().get(record_type)
    if kind is None:
        raise EvidenceError("record_type", _("Choose a kind of record."))
    found = kind.find(reference)
    if found is None:
        raise EvidenceError("reference", _("No %(kind)s with this number was found.", kind=str(kind.label).lower()))
    record_id, label = found
    exists = db.session.scalar(select(EvidenceRecordLink.id).where(
        EvidenceRecordLink.norm == norm, EvidenceRecordLink.version == version, EvidenceRecordLink.code == code,
        EvidenceRecordLink.record_type == record_type, EvidenceRecordLink.record_id == record_id))
    if exists is not None:
        raise EvidenceError("reference", _("This record is already linked to the requirement."))
    link = EvidenceRecordLink(norm=norm, version=version, code=code, record_type=record_type,
                              record_id=record_id, label=label[:255], created_by_id=user.id)
    db.session.add(link)
    db.session.flush()
    return link


def unlink_record(link: EvidenceRecordLink) -> None:
    db.session.delete(link)
    db.session.flush()


# --- what serves a norm version ------------------------------------------------------------------

@dataclass
class RecordView:
    link: EvidenceRecordLink
    label: str
    url: str | None
    type_label: str


@dataclass
class RequirementView:
    """Everything that serves one requirement, for the tree, the readiness and the dossier."""

    requirement: Requirement
    files: list[EvidenceItem] = field(default_factory=list)
    documents: list = field(default_factory=list)
    records: list[RecordView] = field(default_factory=list)
    live: list[LiveEvidence] = field(default_factory=list)
    state: readiness.RequirementState | None = None


@dataclass(frozen=True)
class FileState:
    """What readiness needs of an evidence file (the overview and tree do not load whole records)."""

    id: int
    valid_from: dt.date
    valid_until: dt.date | None
    review_status: ReviewStatus


def evidence_by_requirement(norm: str, version: str, full: bool = True) -> dict[str, list]:
    """{code: [evidence items]} for one norm version, in one query; ``full=False`` gives light
    :class:`FileState` rows instead of records (enough for readiness and counts)."""
    if not full:
        rows = db.session.execute(
            select(EvidenceRequirement.code, EvidenceItem.id, EvidenceItem.valid_from, EvidenceItem.valid_until,
                   EvidenceItem.review_status)
            .join(EvidenceItem, EvidenceItem.id == EvidenceRequirement.evidence_id)
            .where(EvidenceRequirement.norm == norm, EvidenceRequirement.version == version)).all()
        light: dict[str, list] = {}
        for code, *fields in rows:
            light.setdefault(code, []).append(FileState(*fields))
        return light
    rows = db.session.execute(
        select(EvidenceRequirement.code, EvidenceItem)
        .join(EvidenceItem, EvidenceItem.id == EvidenceRequirement.evidence_id)
        .where(EvidenceRequirement.norm == norm, EvidenceRequirement.version == version)
        .order_by(EvidenceItem.title, EvidenceItem.id)
    ).unique().all()
    out: dict[str, list[EvidenceItem]] = {}
    for code, item in rows:
        out.setdefault(code, []).append(item)
    return out


def evidence_for_requirement(norm: str, version: str, code: str):
    """Select of the evidence items serving one requirement, by title (to paginate)."""
    return (select(EvidenceItem).join(EvidenceRequirement, EvidenceRequirement.evidence_id == EvidenceItem.id)
            .where(EvidenceRequirement.norm == norm, EvidenceRequirement.version == version,
                   EvidenceRequirement.code == code)
            .order_by(EvidenceItem.title, EvidenceItem.id))


def file_states(norm: str, version: str, code: str) -> list[FileState]:
    """What readiness needs of every evidence file of one requirement (light rows, one query)."""
    rows = db.session.execute(
        select(EvidenceItem.id, EvidenceItem.valid_from, EvidenceItem.valid_until, EvidenceItem.review_status)
        .join(EvidenceRequirement, EvidenceRequirement.evidence_id == EvidenceItem.id)
        .where(EvidenceRequirement.norm == norm, EvidenceRequirement.version == version,
               EvidenceRequirement.code == code)).all()
    return [FileState(*row) for row in rows]


def records_by_requirement(norm: str, version: str, code: str | None = None) -> dict[str, list[RecordView]]:
    stmt = select(EvidenceRecordLink).where(EvidenceRecordLink.norm == norm, EvidenceRecordLink.version == version)
    if code is not None:
        stmt = stmt.where(EvidenceRecordLink.code == code)
    links = db.session.scalars(stmt.order_by(EvidenceRecordLink.record_type, EvidenceRecordLink.id)).all()
    described = describe(links)
    types = record_types()
    out: dict[str, list[RecordView]] = {}
    for link in links:
        label, url = described.get((link.record_type, link.record_id), ("", None))
        kind = types.get(link.record_type)
        out.setdefault(link.code, []).append(
            RecordView(link, label or link.label, url, str(kind.label) if kind else link.record_type))
    return out


def live_evidence(norm: str, version: str) -> dict[str, list[LiveEvidence]]:
    out: dict[str, list[LiveEvidence]] = {}
    for item in registry().live_evidence(norm, version):
        out.setdefault(item.requirement, []).append(item)
    return out


def target_level(norm: str, version: str) -> str:
    """The company's certification target level for this norm, else the first level (or "" without levels)."""
    cat = registry().get(norm).versions[version]  # type: ignore[union-attr]
    profile = company()
    wanted = profile.targets.get(norm) if profile else None
    if wanted and cat.level(wanted):
        return wanted
    return cat.levels[0].code if cat.levels else ""


def assess(norm: str, version: str, level: str, on: dt.date | None = None, *,
           live: dict[str, list[LiveEvidence]] | None = None,
           full: bool = False) -> tuple[readiness.Readiness, dict[str, RequirementView]]:
    """Readiness of one norm version and level with, per requirement, everything that serves it (evidence
    files as whole records only with ``full``, for the dossier)."""
    on = on or today()
    norm_obj = registry().get(norm)
    cat = norm_obj.versions[version]  # type: ignore[union-attr]
    files = evidence_by_requirement(norm, version, full=full)
    records = records_by_requirement(norm, version)
    documents = documents_by_requirement(norm, version)
    live = live_evidence(norm, version) if live is None else live
    views: dict[str, RequirementView] = {}
    inputs = []
    for req in cat.requirements.values():
        if req.kind != "requirement":
            continue
        view = RequirementView(req, files.get(req.code, []), documents.get(req.code, []),
                               records.get(req.code, []), live.get(req.code, []))
        views[req.code] = view
        inputs.append(readiness.RequirementEvidence(
            code=req.code,
            applicability=req.applicability.get(level) if cat.has_applicability else None,
            files=[readiness.FileEvidence(f.valid_from, f.valid_until, f.review_status.value) for f in view.files],
            documents=len(view.documents), records=len(view.records), live=[x.ok for x in view.live]))
    result = readiness.readiness(inputs, on, cat.min_supplementary.get(level, 0) if cat.has_applicability else 0)
    for state in result.states:
        views[state.code].state = state
    return result, views


def snapshot(norm: str, version: str, level: str, result: readiness.Readiness, on: dt.date) -> ReadinessSnapshot:
    """Write (or refresh) today's readiness snapshot for the chart over time."""
    row = db.session.scalar(select(ReadinessSnapshot).where(
        ReadinessSnapshot.norm == norm, ReadinessSnapshot.version == version, ReadinessSnapshot.level == level,
        ReadinessSnapshot.on_date == on))
    if row is None:
        row = ReadinessSnapshot(norm=norm, version=version, level=level, on_date=on)
        db.session.add(row)
    row.percent = result.percent
    row.required = result.required
    row.covered = result.covered
    row.missing = len(result.codes(readiness.MISSING))
    row.expired = len(result.codes(readiness.EXPIRED))
    row.expiring = len(result.codes(readiness.EXPIRING))
    db.session.flush()
    return row


def history(norm: str, version: str, level: str, days: int = 365) -> list[ReadinessSnapshot]:
    since = today() - dt.timedelta(days=days)
    return list(db.session.scalars(select(ReadinessSnapshot).where(
        ReadinessSnapshot.norm == norm, ReadinessSnapshot.version == version, ReadinessSnapshot.level == level,
        ReadinessSnapshot.on_date >= since).order_by(ReadinessSnapshot.on_date)))


@dataclass
class NormOverview:
    norm: object
    version: str
    level: str
    level_name: str
    result: readiness.Readiness


def overview(on: dt.date | None = None) -> list[NormOverview]:
    """Readiness of every enabled norm (working version, target level); writes today's snapshots."""
    on = on or today()
    out = []
    for norm in registry():
        version = norm.default_version
        level = target_level(norm.code, version)
        result, _views = assess(norm.code, version, level, on)
        snapshot(norm.code, version, level, result, on)
        cat = norm.versions[version]
        lv = cat.level(level)
        out.append(NormOverview(norm, version, level, lv.name if lv else "", result))
    return out


def expiring_evidence(on: dt.date | None = None, days: int = readiness.SOON_DAYS, limit: int | None = 50):
    """Accepted evidence that has expired in the last year or expires within ``days``, soonest first."""
    on = on or today()
    stmt = (select(EvidenceItem)
            .where(EvidenceItem.review_status == ReviewStatus.ACCEPTED, EvidenceItem.valid_until.is_not(None),
                   EvidenceItem.valid_until <= on + dt.timedelta(days=days),
                   EvidenceItem.valid_until >= on - dt.timedelta(days=365))
            .order_by(EvidenceItem.valid_until, EvidenceItem.id))
    if limit:
        stmt = stmt.limit(limit)
    return list(db.session.scalars(stmt).unique())


def pending_count() -> int:
    return db.session.scalar(select(func.count()).select_from(EvidenceItem)
                             .where(EvidenceItem.review_status == ReviewStatus.PENDING)) or 0


# --- cross-norm suggestions ------------------------------------------------------------------------

def _mapping_pairs() -> list[tuple[tuple[str, str, str], tuple[str, str, str]]]:
    with MAPPING_FILE.open(encoding="utf-8", newline="") as handle:
        return [((r["norm_a"], r["version_a"], r["code_a"]), (r["norm_b"], r["version_b"], r["code_b"]))
                for r in csv.DictReader(handle)]


def related_requirements(norm: str, version: str, code: str) -> list[Requirement]:
    """Requirements elsewhere that ask for the same evidence: the catalogue's cross-references between
    versions (both ways) and the mapping between norms (mapping.csv), limited to enabled norms."""
    reg = registry()
    keys: list[tuple[str, str, str]] = []
    found = reg.get(norm)
    if found is not None:
        for cat in found.versions.values():
            for other_version, table in cat.crossrefs.items():
                if cat.code == version:
                    keys += [(norm, other_version, c) for c in table.get(code, [])]
                elif other_version == version:
                    keys += [(norm, cat.code, src) for src, targets in table.items() if code in targets]
    for a, b in _mapping_pairs():
        if a == (norm, version, code):
            keys.append(b)
        elif b == (norm, version, code):
            keys.append(a)
    out = []
    for key in dict.fromkeys(keys):
        req = requirement(*key)
        if req is not None:
            out.append(req)
    return out


def suggestions(norm: str, version: str, code: str) -> list[tuple[Requirement, list[EvidenceItem]]]:
    """Related requirements with the evidence they have that this requirement has not (yet)."""
    related = related_requirements(norm, version, code)
    if not related:
        return []
    here = select(EvidenceRequirement.evidence_id).where(
        EvidenceRequirement.norm == norm, EvidenceRequirement.version == version, EvidenceRequirement.code == code)
    conditions = [(EvidenceRequirement.norm == r.norm) & (EvidenceRequirement.version == r.version)
                  & (EvidenceRequirement.code == r.code) for r in related]
    rows = db.session.execute(
        select(EvidenceRequirement.norm, EvidenceRequirement.version, EvidenceRequirement.code, EvidenceItem)
        .join(EvidenceItem, EvidenceItem.id == EvidenceRequirement.evidence_id)
        .where(or_(*conditions), EvidenceItem.id.not_in(here))
        .order_by(EvidenceItem.title).limit(100)).unique().all()
    by_key: dict[tuple[str, str, str], list[EvidenceItem]] = {}
    for n, v, c, item in rows:
        by_key.setdefault((n, v, c), []).append(item)
    return [(r, by_key.get(r.key, [])) for r in related]


# --- own certificates --------------------------------------------------------------------------------

@dataclass
class CertificateData:
    norm: str
    level: str | None
    certifying_body: str
    number: str
    scope: str | None
    issued_on: dt.date
    expires_on: dt.date


def _check_certificate(data: CertificateData) -> None:
    norm = registry().get(data.norm)
    if norm is None:
        raise EvidenceError("norm", _("Choose one of the enabled norms."))
    levels = {lv.code for cat in norm.versions.values() for lv in cat.levels}
    if data.level and data.level not in levels:
        raise EvidenceError("level", _("This level does not exist for the chosen norm."))
    if levels and not data.level:
        raise EvidenceError("level", _("Choose the certified level."))
    if data.expires_on <= data.issued_on:
        raise EvidenceError("expires_on", _("The expiry date must be after the issue date."))
    latest = cycles.latest_expiry(data.norm, data.issued_on)
    if data.expires_on > latest:
        raise EvidenceError("expires_on", _("A %(norm)s certificate is valid for at most %(years)s years: "
                                            "at the latest until %(date)s.", norm=norm.title,
                                            years=cycles.cycle_for(data.norm).years, date=latest.isoformat()))


def add_certificate(data: CertificateData) -> Certificate:
    _check_certificate(data)
    cert = Certificate(norm=data.norm, level=data.level or None, certifying_body=data.certifying_body,
                       number=data.number, scope=data.scope or None, issued_on=data.issued_on,
                       expires_on=data.expires_on)
    db.session.add(cert)
    db.session.flush()
    return cert


def update_certificate(cert: Certificate, data: CertificateData) -> Certificate:
    _check_certificate(data)
    cert.norm, cert.level = data.norm, data.level or None
    cert.certifying_body, cert.number, cert.scope = data.certifying_body, data.number, data.scope or None
    cert.issued_on, cert.expires_on = data.issued_on, data.expires_on
    db.session.flush()
    return cert


@dataclass
class CalendarEntry:
    certificate: Certificate
    date: cycles.AuditDate


def audit_calendar(on: dt.date | None = None, limit: int | None = None) -> list[CalendarEntry]:
    """Upcoming external audits and expiries of the current certificates, soonest first."""
    on = on or today()
    certificates = db.session.scalars(select(Certificate).where(Certificate.expires_on >= on)
                                      .order_by(Certificate.expires_on)).all()
    entries = [CalendarEntry(c, d) for c in certificates
               for d in cycles.upcoming(cycles.audit_dates(c.norm, c.issued_on, c.expires_on), on)]
    entries.sort(key=lambda e: (e.date.due, e.certificate.norm))
    return entries[:limit] if limit else entries


def certificate_level_name(cert: Certificate) -> str:
    norm = registry().get(cert.norm)
    if norm is None or not cert.level:
        return cert.level or ""
    for cat in norm.versions.values():
        lv = cat.level(cert.level)
        if lv:
            return lv.name
    return cert.level
