"""Accepting and serving files: type from the content, images re-encoded, written atomically, no orphans.

``store()`` checks a file, writes it under UPLOAD_FOLDER with a temporary name and adds a :class:`StoredFile`
to the session (flushed, never committed). The file on disk follows the transaction: it gets its final name
only when the transaction commits; if the transaction (or the savepoint the file was stored in) is rolled
back or closed without commit, the file is deleted again. A process killed before its commit leaves only a
temporary file, which :func:`sweep` (run daily by ``qms reminders``, or ``qms uploads-sweep``) removes an
hour later, together with any other file that no StoredFile owns; a file whose record was committed but
whose rename did not happen is renamed by the sweep.
``send()`` serves a stored file as a download — only after the caller has checked access.
"""
from __future__ import annotations

import hashlib
import io
import os
import pathlib
import re
import secrets
import struct
import time
from dataclasses import dataclass
from typing import Any

from flask import current_app, send_file
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import event, select
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import NotFound

from ..extensions import db
from .content import (EXTENSIONS, KIND_LABELS, Detected, UploadRejected, clean_image,  # noqa: F401
                      detect, safe_original_name)
from .models import StoredFile

CHUNK = 64 * 1024


# --- storing ----------------------------------------------------------------------------------

def store(file_storage: FileStorage | None, *, allowed: set[str] | frozenset[str],
          max_bytes: int | None = None) -> StoredFile:
    """Check, clean and write an uploaded file; add its record to the session (flushed, not committed)."""
    unknown = set(allowed) - KIND_LABELS.keys()
    if not allowed or unknown:
        raise ValueError(f"unknown upload kinds: {sorted(unknown) or 'none given'}")
    if file_storage is None or not file_storage.filename:
        raise UploadRejected(_("No file was sent. Please choose a file."))
    cap = current_app.config["MAX_CONTENT_LENGTH"] or None
    limit = min(x for x in (max_bytes, cap) if x) if (max_bytes or cap) else None

    data = _read_limited(file_storage, limit)
    if not data:
        raise UploadRejected(_("The file is empty."))
    detected = detect(data)
    if detected is None or detected.kind not in allowed:
        raise UploadRejected(_("This type of file is not accepted here. Accepted: %(kinds)s.",
                               kinds=", ".join(str(KIND_LABELS[k]) for k in sorted(allowed))))
    if detected.kind == "image":
        data = clean_image(data, detected.content_type)

    folder = upload_folder()
    token = secrets.token_hex(16)
    stored_name = f"{token[:2]}/{token}.{EXTENSIONS[detected.content_type][0]}"
    path = folder / stored_name
    temporary = temporary_path(path)
    _write_durably(temporary, data)

    session = db.session()
    _track(session, temporary, path)
    user_id = current_user.id if getattr(current_user, "is_authenticated", False) else None
    record = StoredFile(stored_name=stored_name,
                        original_name=safe_original_name(file_storage.filename, detected.content_type),
                        content_type=detected.content_type, size=len(data),
                        sha256=hashlib.sha256(data).hexdigest(), uploaded_by_id=user_id)
    session.add(record)
    try:
        session.flush()
    except Exception:
        temporary.unlink(missing_ok=True)
        raise
    return record


def _read_limited(file_storage: FileStorage, limit: int | None) -> bytes:
    buffer = io.BytesIO()
    stream = file_storage.stream
    if getattr(stream, "seekable", lambda: False)():  # a form validator may have read part of it
        stream.seek(0)
    while chunk := stream.read(CHUNK):
        buffer.write(chunk)
        if limit is not None and buffer.tell() > limit:
            raise UploadRejected(_("The file is too large: at most %(megabytes)s MB is allowed.",
                                   megabytes=format_decimal(round(limit / 1024 / 1024, 1))))
    return buffer.getvalue()


def upload_folder() -> pathlib.Path:
    """UPLOAD_FOLDER, resolved; refusing a folder the static file route would serve."""
    folder = pathlib.Path(current_app.config["UPLOAD_FOLDER"]).resolve()
    static = pathlib.Path(current_app.static_folder or "").resolve() if current_app.static_folder else None
    if static is not None and (folder == static or static in folder.parents):
        raise RuntimeError("UPLOAD_FOLDER must not be inside the static folder")
    return folder


def path_of(stored: StoredFile) -> pathlib.Path:
    """Where the stored file is; before its transaction commits (or if the rename after the commit did not
    happen yet) that is still the temporary name."""
    folder = upload_folder()
    path = (folder / stored.stored_name).resolve()
    if folder not in path.parents:
        raise NotFound()
    if not path.exists():
        temporary = temporary_path(path)
        if temporary.exists():
            return temporary
    return path


#: A file being uploaded: ``.<final name>.part`` next to where it will be.
TEMP_PREFIX, TEMP_SUFFIX = ".", ".part"


def temporary_path(path: pathlib.Path) -> pathlib.Path:
    return path.with_name(f"{TEMP_PREFIX}{path.name}{TEMP_SUFFIX}")


def _write_durably(path: pathlib.Path, data: bytes) -> None:
    """Write the file under its temporary name and flush it to disk; a failed write leaves nothing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "xb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def _make_final(temporary: pathlib.Path, path: pathlib.Path) -> None:
    """The record is committed: give the file its final name (readers never see half a file)."""
    try:
        os.replace(temporary, path)
    except OSError:  # the sweep renames it later; until then path_of() finds the temporary name
        current_app.logger.exception("uploaded file %s could not be renamed after the commit", path.name)


# --- files follow the transaction -------------------------------------------------------------

_PENDING = "qms_pending_uploads"


@dataclass
class _Pending:
    transaction: Any
    #: Where the file is written, and the name it gets when the outermost transaction commits.
    temporary: pathlib.Path
    path: pathlib.Path
    committed: bool = False


def _track(session: Session, temporary: pathlib.Path, path: pathlib.Path) -> None:
    """Tie a written file to the innermost transaction: deleted unless that transaction commits."""
    transaction = session.get_nested_transaction() or session.get_transaction() or session.begin()
    session.info.setdefault(_PENDING, []).append(_Pending(transaction, temporary, path))


@event.listens_for(Session, "after_commit")
def _mark_committed(session: Session) -> None:
    pending = session.info.get(_PENDING)
    if not pending:
        return
    committing = session.get_nested_transaction() or session.get_transaction()
    for item in pending:
        if item.transaction is committing:
            item.committed = True


@event.listens_for(Session, "after_transaction_end")
def _settle_files(session: Session, transaction) -> None:
    """A committed savepoint hands its files to the enclosing transaction; a committed outer transaction
    gives them their final names; a rollback or a close without commit deletes them."""
    pending = session.info.get(_PENDING)
    if not pending:
        return
    keep = []
    for item in pending:
        if item.transaction is not transaction:
            keep.append(item)
        elif item.committed and transaction.parent is not None:
            keep.append(_Pending(transaction.parent, item.temporary, item.path))
        elif item.committed:
            _make_final(item.temporary, item.path)
        else:
            item.temporary.unlink(missing_ok=True)
    session.info[_PENDING] = keep


# --- the sweep --------------------------------------------------------------------------------

#: Files younger than this are left alone by the sweep (an upload may still be on its way to its commit).
SWEEP_MIN_AGE = 3600
_SHARD = re.compile(r"[0-9a-f]{2}")


@dataclass
class SweepResult:
    removed: int = 0
    renamed: int = 0
    kept: int = 0


def sweep(min_age: float = SWEEP_MIN_AGE, now: float | None = None) -> SweepResult:
    """Remove files in the upload folder that no StoredFile owns and that are older than ``min_age``
    seconds (temporary files of uploads that never committed included); give a committed record's file
    that is still under its temporary name its final name. Only the stored files' folders are looked at;
    reads the database, changes nothing in it."""
    folder = upload_folder()
    now = time.time() if now is None else now
    result = SweepResult()
    if not folder.is_dir():
        return result
    for shard in sorted(folder.iterdir()):
        if not shard.is_dir() or not _SHARD.fullmatch(shard.name):
            continue
        entries = [p for p in shard.iterdir() if p.is_file()]
        names = {}
        for entry in entries:
            final = entry.name
            if final.startswith(TEMP_PREFIX) and final.endswith(TEMP_SUFFIX):
                final = final[len(TEMP_PREFIX):-len(TEMP_SUFFIX)]
            names[entry] = f"{shard.name}/{final}"
        owned = _owned(set(names.values()))
        for entry, stored_name in names.items():
            temporary = entry.name != stored_name.rsplit("/", 1)[1]
            if stored_name in owned and not temporary:
                result.kept += 1
            elif stored_name in owned and not (folder / stored_name).exists():
                os.replace(entry, folder / stored_name)  # committed, but the rename never happened
                result.renamed += 1
            elif _age(entry, now) >= min_age:
                entry.unlink(missing_ok=True)
                result.removed += 1
            else:
                result.kept += 1
    return result


def _owned(names: set[str]) -> set[str]:
    owned: set[str] = set()
    ordered = sorted(names)
    for start in range(0, len(ordered), 500):
        chunk = ordered[start:start + 500]
        owned.update(db.session.scalars(select(StoredFile.stored_name).where(StoredFile.stored_name.in_(chunk))))
    return owned


def _age(path: pathlib.Path, now: float) -> float:
    try:
        return now - path.stat().st_mtime
    except FileNotFoundError:
        return 0


# --- serving ----------------------------------------------------------------------------------

def send(stored: StoredFile):
    """Serve a stored file as a download. The caller has already checked that the user may read it."""
    path = path_of(stored)
    if not path.is_file():
        current_app.logger.error("stored file %s is missing on disk", stored.id)
        raise NotFound()
    response = send_file(path, mimetype=stored.content_type, as_attachment=True,
                         download_name=stored.original_name, conditional=True, etag=stored.sha256,
                         max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response
