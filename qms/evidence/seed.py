"""Benchmark-size evidence: thousands of evidence files for one norm version, and a timed dossier build.

``seed_evidence`` writes small files into the upload folder and bulk-inserts their records (bypassing the
Audited hooks, like the core seed); ``bench_dossier`` builds one dossier the way the web request does (a job,
run as the job worker runs it) and reports how long it took. Used by ``make bench`` (tests/benchmarks/bench.py).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import pathlib
import secrets
import time

from flask import Flask
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from .. import jobs
from ..auth.models import User
from ..database import utcnow
from ..extensions import db
from ..norms import registry
from ..uploads.models import StoredFile
from ..uploads.services import upload_folder
from .models import EvidenceItem, EvidenceRequirement, ReviewStatus

BATCH = 1000


def seed_evidence(session: Session, norm: str, version: str, count: int = 5000) -> int:
    """``count`` accepted evidence files spread over the norm version's requirements (a third expiring soon,
    some expired); each file is also linked to a second requirement. Returns how many were written."""
    cat = registry().get(norm).versions[version]  # type: ignore[union-attr]
    codes = [r.code for r in cat.requirements.values() if r.kind == "requirement"]
    folder = upload_folder()
    today = utcnow().date()
    owner_id = session.scalar(select(User.id).order_by(User.id).limit(1))
    written = 0
    for start in range(0, count, BATCH):
        files, names = [], []
        for n in range(start, min(count, start + BATCH)):
            data = b"%PDF-1.4\n% bench evidence " + str(n).encode() + b"\n%%EOF\n"
            token = secrets.token_hex(16)
            stored_name = f"{token[:2]}/{token}.pdf"
            path = folder / stored_name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            names.append(path)
            files.append({"stored_name": stored_name, "original_name": f"bewijs-{n:05d}.pdf",
                          "content_type": "application/pdf", "size": len(data),
                          "sha256": hashlib.sha256(data).hexdigest(), "uploaded_by_id": owner_id,
                          "uploaded_at": utcnow()})
        file_ids = list(session.scalars(insert(StoredFile).returning(StoredFile.id), files))
        items = []
        for offset, file_id in enumerate(file_ids):
            n = start + offset
            until = None if n % 3 == 0 else today + dt.timedelta(days=(n % 400) - 20)
            items.append({"title": f"Bewijsstuk {n:05d}", "file_id": file_id, "owner_id": owner_id,
                          "valid_from": today - dt.timedelta(days=400), "valid_until": until,
                          "review_status": ReviewStatus.ACCEPTED, "created_at": utcnow()})
        item_ids = list(session.scalars(insert(EvidenceItem).returning(EvidenceItem.id), items))
        links = []
        for offset, item_id in enumerate(item_ids):
            n = start + offset
            first, second = codes[n % len(codes)], codes[(n * 7 + 3) % len(codes)]
            links.append({"evidence_id": item_id, "norm": norm, "version": version, "code": first})
            if second != first:
                links.append({"evidence_id": item_id, "norm": norm, "version": version, "code": second})
        session.execute(insert(EvidenceRequirement), links)
        written += len(item_ids)
    return written


def bench_dossier(app: Flask, norm: str, version: str) -> tuple[float, int, int]:
    """Build one dossier through a job, run as the job worker runs it: (seconds, files in the ZIP, ZIP bytes)."""
    import zipfile

    from . import dossier
    from .models import DossierJob, JobState

    with app.test_request_context("/"):
        user = db.session.scalars(select(User).order_by(User.id).limit(1)).one()
        job = dossier.request_dossier(norm, version, "", user, "nl")
        job_id = job.id
        started = time.perf_counter()
        db.session.commit()  # queues the job; runs it here when jobs are immediate
        db.session.remove()
    if not app.config.get("JOBS_IMMEDIATE"):
        jobs.run(app, job_id)  # as the worker runs it (the queued task then finds it done)
    seconds = time.perf_counter() - started
    with app.app_context():
        job = db.session.get(DossierJob, job_id)
        if job.state != JobState.DONE:
            raise RuntimeError(f"dossier job {job_id} ended {job.state.value}: {job.error}")
        path = pathlib.Path(dossier.folder()) / job.zip_name
        with zipfile.ZipFile(path) as archive:
            entries = len(archive.namelist())
        return seconds, entries, path.stat().st_size


#: The norm version ``make bench`` fills with evidence.
BENCH_NORM = ("iso9001", "2015")
BENCH_ITEMS = 5000


def bench_evidence_args(app: Flask, code: str | None = None) -> dict | None:
    """``make bench``: seed BENCH_ITEMS evidence files for the bench norm once (committed); the norm page's
    URL arguments, with ``code`` a requirement's; None when the bench norm is not enabled."""
    norm = registry().get(BENCH_NORM[0])
    if norm is None or BENCH_NORM[1] not in norm.versions:
        return None
    last = f"Bewijsstuk {BENCH_ITEMS - 1:05d}"
    if db.session.scalar(select(EvidenceItem.id).where(EvidenceItem.title == last)) is None:
        started = time.perf_counter()
        written = seed_evidence(db.session, *BENCH_NORM, count=BENCH_ITEMS)
        db.session.commit()
        print(f"Seeded {written} evidence files in {time.perf_counter() - started:.1f} s.")
    args = {"norm": BENCH_NORM[0], "version": BENCH_NORM[1]}
    return dict(args, code=code) if code else args


def measure_bench_dossier(app: Flask) -> list[tuple]:
    """One dossier build for the bench norm, as a row for the bench table (label, status, bytes, queries,
    times in ms, note)."""
    with app.app_context():
        norm = registry().get(BENCH_NORM[0])
    if norm is None or BENCH_NORM[1] not in norm.versions:
        return [("evidence dossier build", "skipped", 0, 0.0, [], [], "bench norm not enabled")]
    seconds, entries, size = bench_dossier(app, *BENCH_NORM)
    return [(f"evidence dossier build ({BENCH_NORM[0]} {BENCH_NORM[1]})", 200, size, 0.0, [seconds * 1000],
             [], f"{entries} files in the ZIP ({size // 1024} kB), one build as a job")]
