"""What serves a norm version (files, documents, records, live rules), its readiness, snapshots over time,
expiring evidence and reuse suggestions across norms."""
from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from types import SimpleNamespace

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.exc import IntegrityError

from ...extensions import db
from ...norms import LiveEvidence, Requirement, registry
from ...organisation.services import company
from .. import readiness
from ..documents import document_counts_by_norm, documents_by_norm
from ..models import EvidenceItem, EvidenceRecordLink, EvidenceRequirement, ReadinessSnapshot, ReviewStatus
from ..records import describe, record_types
from .common import MAPPING_FILE, requirement, today

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
    #: How many evidence files serve it (``files`` is empty unless the records were asked for).
    file_count: int = 0
    #: How many published documents serve it (``documents`` is empty unless the records were asked for).
    document_count: int = 0


@dataclass(frozen=True)
class FileState:
    """What readiness needs of an evidence file (the overview and tree do not load whole records)."""

    id: int
    valid_from: dt.date
    valid_until: dt.date | None
    review_status: ReviewStatus


def _keys_where(norm_col, version_col, keys):
    return or_(*(and_(norm_col == n, version_col == v) for n, v in keys))


def evidence_figures_by_norm(keys, on: dt.date) -> dict[tuple[str, str], dict[str, tuple[int, list[readiness.FileEvidence]]]]:
    """{(norm, version): {code: (number of files, stand-in files for readiness)}} for several norm versions:
    one aggregate query, one row per requirement however many files there are (see
    :func:`readiness.representative_files`)."""
    keys = list(dict.fromkeys(keys))
    out: dict[tuple[str, str], dict] = {key: {} for key in keys}
    if not keys:
        return out
    accepted = EvidenceItem.review_status == ReviewStatus.ACCEPTED
    current = accepted & (EvidenceItem.valid_from <= on)
    not_ended = EvidenceItem.valid_until.is_(None) | (EvidenceItem.valid_until >= on)
    rows = db.session.execute(
        select(EvidenceRequirement.norm, EvidenceRequirement.version, EvidenceRequirement.code, func.count(),
               func.sum(case((current & EvidenceItem.valid_until.is_(None), 1), else_=0)),
               func.max(case((current & (EvidenceItem.valid_until >= on), EvidenceItem.valid_until), else_=None)),
               func.sum(case(((EvidenceItem.review_status == ReviewStatus.PENDING) & not_ended, 1), else_=0)),
               func.sum(case((accepted & (EvidenceItem.valid_until < on), 1), else_=0)))
        .join(EvidenceItem, EvidenceItem.id == EvidenceRequirement.evidence_id)
        .where(_keys_where(EvidenceRequirement.norm, EvidenceRequirement.version, keys))
        .group_by(EvidenceRequirement.norm, EvidenceRequirement.version, EvidenceRequirement.code)).all()
    for norm, version, code, count, open_current, latest, pending, expired in rows:
        out[(norm, version)][code] = (count, readiness.representative_files(
            open_current or 0, latest, pending or 0, expired or 0, on))
    return out


def evidence_figures(norm: str, version: str, on: dt.date) -> dict[str, tuple[int, list[readiness.FileEvidence]]]:
    """{code: (number of files, stand-in files for readiness)} for one norm version."""
    return evidence_figures_by_norm([(norm, version)], on)[(norm, version)]


def evidence_by_requirement(norm: str, version: str) -> dict[str, list[EvidenceItem]]:
    """{code: [evidence items]} for one norm version, in one query (the dossier needs the whole records)."""
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


def records_by_norm(keys, code: str | None = None) -> dict[tuple[str, str], dict[str, list[RecordView]]]:
    """{(norm, version): {code: [linked records]}} for several norm versions: one query for the links, one
    per record type to describe them."""
    keys = list(dict.fromkeys(keys))
    out: dict[tuple[str, str], dict[str, list[RecordView]]] = {key: {} for key in keys}
    if not keys:
        return out
    stmt = select(EvidenceRecordLink).where(_keys_where(EvidenceRecordLink.norm, EvidenceRecordLink.version, keys))
    if code is not None:
        stmt = stmt.where(EvidenceRecordLink.code == code)
    links = db.session.scalars(stmt.order_by(EvidenceRecordLink.record_type, EvidenceRecordLink.id)).all()
    described = describe(links)
    types = record_types()
    for link in links:
        label, url = described.get((link.record_type, link.record_id), ("", None))
        kind = types.get(link.record_type)
        out[(link.norm, link.version)].setdefault(link.code, []).append(
            RecordView(link, label or link.label, url, str(kind.label) if kind else link.record_type))
    return out


def records_by_requirement(norm: str, version: str, code: str | None = None) -> dict[str, list[RecordView]]:
    return records_by_norm([(norm, version)], code)[(norm, version)]


def live_evidence(norm: str, version: str, level: str) -> dict[str, list[LiveEvidence]]:
    """The norm's live rules for one version, judged against the level being assessed."""
    out: dict[str, list[LiveEvidence]] = {}
    for item in registry().live_evidence(norm, version, level):
        out.setdefault(item.requirement, []).append(item)
    return out


_UNSET = object()


def target_level(norm: str, version: str, profile=_UNSET) -> str:
    """The company's certification target level for this norm, else the first level (or "" without levels);
    ``profile``: the company profile when the caller has it already."""
    cat = registry().get(norm).versions[version]  # type: ignore[union-attr]
    profile = company() if profile is _UNSET else profile
    wanted = profile.targets.get(norm) if profile else None
    if wanted and cat.level(wanted):
        return wanted
    return cat.levels[0].code if cat.levels else ""


def assess(norm: str, version: str, level: str, on: dt.date | None = None, *,
           live: dict[str, list[LiveEvidence]] | None = None,
           full: bool = False, loaded: "Loaded | None" = None) -> tuple[readiness.Readiness, dict[str, RequirementView]]:
    """Readiness of one norm version and level with, per requirement, everything that serves it (evidence
    files as whole records only with ``full``, for the dossier). ``loaded``: what :func:`load_many` read
    for several norm versions at once (the overview), instead of reading it here."""
    on = on or today()
    norm_obj = registry().get(norm)
    cat = norm_obj.versions[version]  # type: ignore[union-attr]
    files = evidence_by_requirement(norm, version) if full else {}
    loaded = loaded or load_many([(norm, version)], on, full=full)
    figures = loaded.figures.get((norm, version), {})
    records = loaded.records.get((norm, version), {})
    documents = loaded.documents.get((norm, version), {})
    document_counts = loaded.document_counts.get((norm, version), {})
    live = live_evidence(norm, version, level) if live is None else live
    views: dict[str, RequirementView] = {}
    inputs = []
    for req in cat.requirements.values():
        if req.kind != "requirement":
            continue
        view = RequirementView(req, files.get(req.code, []), documents.get(req.code, []),
                               records.get(req.code, []), live.get(req.code, []))
        view.document_count = len(view.documents) if full else document_counts.get(req.code, 0)
        if full:
            view.file_count = len(view.files)
            stand_ins = [readiness.FileEvidence(f.valid_from, f.valid_until, f.review_status.value) for f in view.files]
        else:
            view.file_count, stand_ins = figures.get(req.code, (0, []))
        views[req.code] = view
        inputs.append(readiness.RequirementEvidence(
            code=req.code,
            applicability=req.applicability.get(level) if cat.has_applicability else None,
            files=stand_ins,
            documents=view.document_count, records=len(view.records), live=[x.ok for x in view.live]))
    result = readiness.readiness(inputs, on, cat.min_supplementary.get(level, 0) if cat.has_applicability else 0)
    for state in result.states:
        views[state.code].state = state
    return result, views


@dataclass
class Loaded:
    """What readiness reads from the database for some norm versions, keyed by (norm, version)."""

    figures: dict
    records: dict
    #: The published documents themselves (only for the dossier, ``full``) …
    documents: dict
    #: … and otherwise only how many serve each requirement.
    document_counts: dict


def load_many(keys, on: dt.date, full: bool = False) -> Loaded:
    """The evidence figures, linked records and published documents of several norm versions: three queries
    (plus one per record type) whatever the number of norms, documents or evidence files. Without ``full``
    files and documents are counted in the database, not loaded."""
    keys = list(dict.fromkeys(keys))
    return Loaded({} if full else evidence_figures_by_norm(keys, on), records_by_norm(keys),
                  documents_by_norm(keys) if full else {}, {} if full else document_counts_by_norm(keys))


def snapshot(norm: str, version: str, level: str, result: readiness.Readiness, on: dt.date) -> ReadinessSnapshot | None:
    """Write (or refresh) today's readiness snapshot for the chart over time. Two requests writing the first
    snapshot of the day at the same moment: the second one's insert is undone in its savepoint (None)."""
    row = db.session.scalar(select(ReadinessSnapshot).where(
        ReadinessSnapshot.norm == norm, ReadinessSnapshot.version == version, ReadinessSnapshot.level == level,
        ReadinessSnapshot.on_date == on))
    values = {"percent": result.percent, "required": result.required, "covered": result.covered,
              "missing": len(result.codes(readiness.MISSING)), "expired": len(result.codes(readiness.EXPIRED)),
              "expiring": len(result.codes(readiness.EXPIRING))}
    if row is not None:
        for key, value in values.items():
            setattr(row, key, value)
        db.session.flush()
        return row
    try:
        with db.session.begin_nested():
            row = ReadinessSnapshot(norm=norm, version=version, level=level, on_date=on, **values)
            db.session.add(row)
    except IntegrityError:
        return None
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
    """Readiness of every enabled norm (working version, target level). Reads only: the daily run writes the
    snapshots (:func:`record_snapshots`)."""
    on = on or today()
    out = []
    profile = company()
    norms = list(registry())
    loaded = load_many([(norm.code, norm.default_version) for norm in norms], on)
    for norm in norms:
        version = norm.default_version
        level = target_level(norm.code, version, profile)
        result, _views = assess(norm.code, version, level, on, loaded=loaded)
        cat = norm.versions[version]
        lv = cat.level(level)
        out.append(NormOverview(norm, version, level, lv.name if lv else "", result))
    return out


def record_snapshots(on: dt.date | None = None) -> list[NormOverview]:
    """Write the day's readiness snapshot of every enabled norm (the daily run: a page that shows readiness
    never writes)."""
    on = on or today()
    overviews = overview(on)
    for item in overviews:
        snapshot(item.norm.code, item.version, item.level, item.result, on)
    return overviews


def history_with_today(norm: str, version: str, level: str, result: readiness.Readiness,
                       on: dt.date) -> list:
    """The stored snapshots with today's point computed live (the page shows today's value, stored or not)."""
    points = [s for s in history(norm, version, level) if s.on_date != on]
    return points + [SimpleNamespace(on_date=on, percent=result.percent)]


def _expiring(on: dt.date, days: int):
    return (EvidenceItem.review_status == ReviewStatus.ACCEPTED, EvidenceItem.valid_until.is_not(None),
            EvidenceItem.valid_until <= on + dt.timedelta(days=days),
            EvidenceItem.valid_until >= on - dt.timedelta(days=365))


def expiring_evidence(on: dt.date | None = None, days: int = readiness.SOON_DAYS, limit: int | None = 50):
    """Accepted evidence that has expired in the last year or expires within ``days``, soonest first."""
    stmt = select(EvidenceItem).where(*_expiring(on or today(), days)).order_by(EvidenceItem.valid_until,
                                                                              EvidenceItem.id)
    if limit:
        stmt = stmt.limit(limit)
    return list(db.session.scalars(stmt).unique())


def expiring_count(on: dt.date | None = None, days: int = readiness.SOON_DAYS) -> int:
    """How many files :func:`expiring_evidence` lists, counted in the database."""
    return db.session.scalar(select(func.count()).select_from(EvidenceItem).where(*_expiring(on or today(), days)))


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
