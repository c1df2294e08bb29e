"""The certification dossier of one norm: a PDF (index of requirements with their evidence, current
documents, key figures) and a ZIP (evidence files by requirement folder, the PDF, an index, a SHA-256 manifest).

Only current evidence goes in: an accepted file within its validity period. Expired, not yet valid, rejected
and not yet reviewed files are left out, and the PDF and the ZIP's INDEX.txt name each of them and why.

One code path for every size: the request submits a :class:`DossierJob` (qms/jobs.py) and commits; the job
worker runs :func:`build`; the progress page polls the job. The worker reads everything first in one short
transaction, then writes files and reports progress in short transactions of its own (SQLite keeps one
writer at a time); the worker's final commit marks the job done.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import pathlib
import re
import secrets
import zipfile
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from ... import jobs
from ...database import utcnow
from ...extensions import db
from ...norms import registry
from ...organisation.services import company
from ...uploads.services import path_of
from .. import readiness, services
from ..documents import published_documents
from ..models import DossierJob
from .pdf import render as render_pdf, state_label  # noqa: F401

MANIFEST = "MANIFEST-SHA256.txt"
PDF_IN_ZIP = "dossier.pdf"
#: What is in the ZIP per requirement, and what was left out and why.
INDEX = "INDEX.txt"
#: Progress is written at most this often (items) to keep transactions short and few.
PROGRESS_STEP = 100
#: A job with no sign of life this long is shown as stopped, with a button to start again.
STALLED_AFTER = jobs.STALLED_AFTER
TASK = "evidence.dossier"


class DossierError(jobs.JobError):
    """The dossier cannot be requested or built; the message is for the user."""


def folder() -> pathlib.Path:
    """Where built dossiers are kept: EVIDENCE_DOSSIER_FOLDER, else ``dossiers`` next to the upload folder."""
    configured = current_app.config.get("EVIDENCE_DOSSIER_FOLDER")
    path = pathlib.Path(configured) if configured else pathlib.Path(current_app.config["UPLOAD_FOLDER"]).resolve().parent / "dossiers"
    path.mkdir(parents=True, exist_ok=True)
    return path


# --- in the request ---------------------------------------------------------------------------

def request_dossier(norm: str, version: str, level: str, user, locale: str) -> DossierJob:
    """Queue a dossier; key figures and live evidence are taken now, as the requester sees them."""
    found = registry().get(norm)
    if found is None or version not in found.versions:
        raise DossierError(_("This norm version is not enabled."))
    cat = found.versions[version]
    if level and cat.level(level) is None:
        raise DossierError(_("This level does not exist for the chosen norm."))
    kpis = []
    for _norm, kpi in registry().kpis(norm):
        try:
            value = kpi.compute()
        except Exception:  # a module's figure must not stop the dossier; it is shown as unavailable
            current_app.logger.exception("KPI %s of %s failed", kpi.key, norm)
            value = None
        kpis.append([str(kpi.label()), "—" if value is None else str(value)])
    live = [[x.requirement, x.label, x.value, bool(x.ok)] for x in registry().live_evidence(norm, version, level or "")]
    job = DossierJob(task=TASK, norm=norm, version=version, level=level or "",
                     figures=json.dumps({"kpis": kpis, "live": live}))
    return jobs.submit(job, user=user, locale=locale)


# --- in the worker ----------------------------------------------------------------------------

@dataclass
class FileEntry:
    item_id: int
    title: str
    #: Where the stored file is on disk.
    source: pathlib.Path
    valid_until: dt.date | None
    review: str
    zip_path: str = ""


@dataclass
class RequirementEntry:
    code: str
    title: str
    depth: int
    kind: str
    state: str = ""
    applicability: str = ""
    files: list[FileEntry] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    records: list[str] = field(default_factory=list)
    #: Evidence files not in the dossier: (title, why) — expired, not yet valid, rejected, awaiting review.
    left_out: list[tuple[str, str]] = field(default_factory=list)


def left_out_reason(valid_from: dt.date, valid_until: dt.date | None, review: str, today: dt.date) -> str | None:
    """Why an evidence file stays out of the dossier, or None when it is current (accepted and valid today)."""
    from flask_babel import format_date

    if review == "pending":
        return _("awaiting review")
    if review != "accepted":
        return _("rejected")
    if valid_until is not None and valid_until < today:
        return _("expired on %(date)s", date=format_date(valid_until))
    if valid_from > today:
        return _("valid from %(date)s", date=format_date(valid_from))
    return None


def _safe(text: str, limit: int = 60) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9._ -]+", "_", text).strip(" ._") or "x"
    return cleaned[:limit].rstrip(" ._")


@jobs.handler(TASK)
def build(job: DossierJob) -> None:
    """Read, then write the PDF and the ZIP and verify the ZIP against its manifest (the worker marks the
    job done)."""
    norm = registry().get(job.norm)
    cat = norm.versions[job.version]  # type: ignore[union-attr]
    figures = json.loads(job.figures or "{}")
    live_by_code: dict[str, list] = {}
    for code, label, value, ok in figures.get("live", []):
        live_by_code.setdefault(code, []).append((label, value, ok))
    live = {code: [services.LiveEvidence(code, label, value, ok) for label, value, ok in rows]
            for code, rows in live_by_code.items()}
    on = services.today()
    result, views = services.assess(job.norm, job.version, job.level, on, live=live, full=True)
    documents = [(d.document.number, d.document.title, d.version.label, d.version.effective_date)
                 for d in published_documents(job.norm, job.version)]
    profile = company()
    company_name = profile.name if profile else ""
    level = cat.level(job.level)
    entries: list[RequirementEntry] = []
    for req in cat.requirements.values():
        entry = RequirementEntry(req.code, req.title, req.depth, req.kind)
        view = views.get(req.code)
        if view is not None:
            entry.state = view.state.state if view.state else "na"
            entry.applicability = view.state.applicability if view.state else "na"
            folder_name = _safe(f"{req.code} {req.title}")
            for item in view.files:
                why = left_out_reason(item.valid_from, item.valid_until, item.review_status.value, on)
                if why is not None:
                    entry.left_out.append((item.title, why))
                    continue
                name = _safe(f"{item.id}-{item.file.original_name}", 120)
                entry.files.append(FileEntry(item.id, item.title, path_of(item.file), item.valid_until,
                                             item.review_status.value, f"{folder_name}/{name}"))
            entry.documents = [_("%(number)s %(title)s (version %(label)s)", number=d.document.number,
                                 title=d.document.title, label=d.version.label) for d in view.documents]
            entry.records = [f"{r.type_label}: {r.label}" for r in view.records]
        entries.append(entry)
    job_id = job.id
    # Everything is plain data now: let go of the thousands of records, so the short progress commits
    # below do not expire them one by one.
    db.session.expunge_all()
    job = db.session.get(DossierJob, job_id)
    # Ends the reading transaction; from here on only short progress updates.
    jobs.progress(job, 0, sum(len(e.files) for e in entries) + 1)

    title = _("Certification dossier %(norm)s", norm=f"{norm.title} · {cat.title}")  # type: ignore[union-attr]
    notice = ""
    if cat.provisional or cat.status == "provisional":  # type: ignore[union-attr]
        notice = " ".join([_("Provisional: %(title)s", title=cat.title), cat.note or "",  # type: ignore[union-attr]
                           _("An administrator loads the official list under Norms → Import (XLSX or CSV), or with "
                             "“flask --app wsgi qms catalogue import FILE --norm CODE --version CODE”.")]).strip()
    pdf = render_pdf(title, company_name, level.name if level else "", result, figures.get("kpis", []), documents,
                     entries, live, notice=notice)
    token = secrets.token_hex(8)
    out = folder()
    pdf_name, zip_name = f"dossier-{job_id}-{token}.pdf", f"dossier-{job_id}-{token}.zip"
    (out / pdf_name).write_bytes(pdf)
    _progress(job_id, 1)
    _zip(out / zip_name, pdf, entries, job_id, index_text(title, entries))
    problems = verify_zip(out / zip_name)
    if problems:
        raise DossierError("; ".join(problems[:5]))
    job = db.session.get(DossierJob, job_id)
    job.pdf_name, job.zip_name = pdf_name, zip_name


def _progress(job_id: int, done: int) -> None:
    jobs.progress(db.session.get(DossierJob, job_id), done)


def index_text(title: str, entries: list[RequirementEntry]) -> str:
    """INDEX.txt: per requirement its state and the files in its folder; then every file left out and why."""
    lines = [title, ""]
    for entry in entries:
        if entry.kind == "chapter":
            continue
        lines.append(f"{entry.code} {entry.title} — {state_label(entry.state)}")
        lines += [f"    {f.zip_path} ({f.title})" for f in entry.files]
    left = [(entry.code, t, why) for entry in entries for t, why in entry.left_out]
    lines += ["", _("Left out of the dossier (expired or not yet reviewed evidence): %(n)s", n=len(left))]
    lines += [f"    {code} {t} — {why}" for code, t, why in left]
    return "\n".join(lines) + "\n"


def _zip(path: pathlib.Path, pdf: bytes, entries: list[RequirementEntry], job_id: int, index: str = "") -> None:
    """Evidence files by requirement folder, the PDF, the index, a list of files missing on disk, and the
    manifest."""
    lines: list[str] = []
    missing: list[str] = []
    done = 1
    tmp = path.with_suffix(".part")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(PDF_IN_ZIP, pdf)
        lines.append(f"{hashlib.sha256(pdf).hexdigest()}  {PDF_IN_ZIP}")
        if index:
            data = index.encode()
            archive.writestr(INDEX, data)
            lines.append(f"{hashlib.sha256(data).hexdigest()}  {INDEX}")
        for entry in entries:
            for f in entry.files:
                source = f.source
                if not source.is_file():
                    missing.append(f"{f.zip_path} ({f.title})")
                else:
                    digest = hashlib.sha256()
                    # Evidence files are PDFs, photos and Office files: compressed already, so stored as they are.
                    info = zipfile.ZipInfo(f.zip_path, date_time=_zip_time())
                    info.compress_type = zipfile.ZIP_STORED
                    with source.open("rb") as handle, archive.open(info, "w", force_zip64=True) as target:
                        while chunk := handle.read(64 * 1024):
                            digest.update(chunk)
                            target.write(chunk)
                    lines.append(f"{digest.hexdigest()}  {f.zip_path}")
                done += 1
                if done % PROGRESS_STEP == 0:
                    _progress(job_id, done)
        if missing:
            text = ("\n".join(missing) + "\n").encode()
            archive.writestr("MISSING.txt", text)
            lines.append(f"{hashlib.sha256(text).hexdigest()}  MISSING.txt")
        archive.writestr(MANIFEST, "\n".join(lines) + "\n")
    tmp.replace(path)


def _zip_time() -> tuple[int, int, int, int, int, int]:
    now = utcnow()
    return (max(now.year, 1980), now.month, now.day, now.hour, now.minute, now.second)


def verify_zip(path: pathlib.Path) -> list[str]:
    """Problems found checking a dossier ZIP against its manifest (empty when it verifies)."""
    problems = []
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        if MANIFEST not in names:
            return [f"{MANIFEST} is missing"]
        listed = {}
        for line in archive.read(MANIFEST).decode().splitlines():
            digest, _sep, name = line.partition("  ")
            listed[name] = digest
        for name in sorted(names - {MANIFEST}):
            if name not in listed:
                problems.append(f"{name} is not in the manifest")
                continue
            digest = hashlib.sha256()
            with archive.open(name) as handle:
                while chunk := handle.read(64 * 1024):
                    digest.update(chunk)
            if digest.hexdigest() != listed[name]:
                problems.append(f"{name} does not match its checksum")
        problems += [f"{name} is listed but not in the archive" for name in sorted(set(listed) - names)]
    return problems


def stalled(job: DossierJob, now: dt.datetime | None = None) -> bool:
    """A job still queued or running with no sign of life for long: its worker has stopped."""
    return jobs.stalled(job, now)


def latest_jobs(norm: str | None = None, limit: int = 5) -> list[DossierJob]:
    stmt = select(DossierJob).order_by(DossierJob.id.desc()).limit(limit)
    if norm:
        stmt = stmt.where(DossierJob.norm == norm)
    return list(db.session.scalars(stmt))
