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
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass
from typing import Any

import filetype
from flask import current_app, send_file
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from PIL import Image, ImageOps
from sqlalchemy import event, select
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import NotFound

from ..extensions import db
from .models import StoredFile

CHUNK = 64 * 1024
#: Longest side of a stored image; larger photos are scaled down (phones take 8000 px photos).
DEFAULT_IMAGE_MAX_SIDE = 4096

IMAGE_TYPES = {"image/jpeg": ("JPEG", "jpg"), "image/png": ("PNG", "png"), "image/webp": ("WEBP", "webp")}

#: Every kind a caller may allow, with a label for messages.
KIND_LABELS = {
    "pdf": _l("PDF"),
    "docx": _l("Word document (.docx)"),
    "xlsx": _l("Excel workbook (.xlsx)"),
    "odt": _l("OpenDocument text (.odt)"),
    "ods": _l("OpenDocument spreadsheet (.ods)"),
    "image": _l("image (JPEG, PNG or WebP)"),
}

#: Office formats are ZIP containers: the entry that must exist and the main content type it declares.
OOXML = {
    "docx": ("word/document.xml",
             b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
             "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ("xl/workbook.xml",
             b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}
ODF = {
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
EXTENSIONS = {
    "application/pdf": ("pdf",),
    OOXML["docx"][2]: ("docx",),
    OOXML["xlsx"][2]: ("xlsx",),
    ODF["odt"]: ("odt",),
    ODF["ods"]: ("ods",),
    "image/jpeg": ("jpg", "jpeg"),
    "image/png": ("png",),
    "image/webp": ("webp",),
}


class UploadRejected(Exception):
    """The file cannot be accepted; the message is meant for the user, next to the file field."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Detected:
    kind: str
    content_type: str


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


def detect(data: bytes) -> Detected | None:
    """The kind of file from its content alone; None when it is nothing we accept."""
    if data.startswith(b"%PDF-"):
        return Detected("pdf", "application/pdf")
    if data.startswith(b"PK\x03\x04"):
        return _detect_zip(data)
    guess = filetype.guess(data[:8192])
    if guess is not None and guess.mime in IMAGE_TYPES:
        return Detected("image", guess.mime)
    return None


def _detect_zip(data: bytes) -> Detected | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            for kind, (main_entry, main_type, mime) in OOXML.items():
                if main_entry in names and "[Content_Types].xml" in names:
                    declared = _read_entry(archive, "[Content_Types].xml", 256 * 1024)
                    # Macro-enabled variants (.docm, .xlsm) declare another main type and are refused.
                    if main_type in declared and not any(n.endswith("vbaProject.bin") for n in names):
                        return Detected(kind, mime)
                    return None
            if "mimetype" in names:
                mimetype = _read_entry(archive, "mimetype", 200).strip().decode("ascii", "replace")
                for kind, mime in ODF.items():
                    if mimetype == mime:
                        return Detected(kind, mime)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, RuntimeError):
        return None
    return None


def _read_entry(archive: zipfile.ZipFile, name: str, max_size: int) -> bytes:
    """A small entry of a ZIP file, refusing one that claims or turns out to be larger (zip bombs)."""
    if archive.getinfo(name).file_size > max_size:
        raise ValueError("entry too large")
    with archive.open(name) as entry:
        content = entry.read(max_size + 1)
    if len(content) > max_size:
        raise ValueError("entry too large")
    return content


def clean_image(data: bytes, content_type: str) -> bytes:
    """Re-encode an image: orientation applied, metadata (EXIF with GPS, XMP, comments) dropped,
    very large photos scaled down, decompression bombs refused."""
    pil_format, _ext = IMAGE_TYPES[content_type]
    max_side = int(current_app.config.get("UPLOAD_IMAGE_MAX_SIDE", DEFAULT_IMAGE_MAX_SIDE))
    max_pixels = current_app.config.get("UPLOAD_IMAGE_MAX_PIXELS") or Image.MAX_IMAGE_PIXELS
    too_big = _("The image has too many pixels to be processed. Please send a smaller photo.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[pil_format]) as opened:
                if max_pixels and opened.width * opened.height > max_pixels:
                    raise UploadRejected(too_big)
                icc = opened.info.get("icc_profile")
                image = ImageOps.exif_transpose(opened)  # loads the first frame; later frames are dropped
                if image is opened:
                    image = opened.copy()
            image.info = {}
            if max(image.size) > max_side:
                image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
            image = _convert_mode(image, pil_format)
            out = io.BytesIO()
            options: dict[str, Any] = {"icc_profile": icc} if icc else {}
            if pil_format == "JPEG":
                options.update(quality=88, optimize=True)
            elif pil_format == "WEBP":
                options.update(quality=88)
            image.save(out, format=pil_format, **options)
            return out.getvalue()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UploadRejected(too_big) from None
    except UploadRejected:
        raise
    except (OSError, SyntaxError, ValueError, TypeError, IndexError, struct.error, EOFError, MemoryError):
        raise UploadRejected(_("The image is damaged or incomplete and cannot be used.")) from None


def _convert_mode(image: Image.Image, pil_format: str) -> Image.Image:
    if pil_format == "JPEG":
        return image if image.mode in ("RGB", "L") else image.convert("RGB")
    if pil_format == "PNG":
        return image if image.mode in ("1", "L", "LA", "P", "RGB", "RGBA") else image.convert("RGBA")
    return image if image.mode in ("RGB", "RGBA") else image.convert("RGBA")


def safe_original_name(filename: str, content_type: str) -> str:
    """The client's file name for display and download: no path, no control characters, at most 255
    characters, and an extension that matches the detected type."""
    name = unicodedata.normalize("NFC", filename).replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[\x00-\x1f\x7f\"<>|:*?]", "", name).strip(" .") or "file"
    stem, dot, ext = name.rpartition(".")
    extensions = EXTENSIONS[content_type]
    if not dot or not stem:
        stem, ext = name, ""
    if ext.lower() not in extensions:
        ext = extensions[0]
    return f"{stem[:254 - len(ext)]}.{ext}"


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
