"""Files kept for a form that has to be shown again: when a form with a file comes back with an error, the file
is put aside under a random name (outside the stored files' folders) and the form carries a signed token for
it, so the person does not have to choose the photo again. A token is good for an hour; older files are
removed whenever another one is put aside."""
from __future__ import annotations

import io
import re
import secrets
import time

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.datastructures import FileStorage

from .services import upload_folder

#: Seconds a kept file (and its token) stays usable.
MAX_AGE = 3600
_NAME = re.compile(r"[0-9a-f]{32}")


def _folder():
    return upload_folder() / "pending"


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="pending-upload")


def keep(upload: FileStorage) -> str | None:
    """Put an uploaded file aside; returns its token (None for an empty file field)."""
    if upload is None or not getattr(upload, "filename", ""):
        return None
    upload.stream.seek(0)
    data = upload.stream.read()
    upload.stream.seek(0)
    if not data:
        return None
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    _tidy(folder)
    name = secrets.token_hex(16)
    (folder / name).write_bytes(data)
    return _signer().dumps({"n": name, "f": upload.filename[-200:], "t": upload.content_type or ""})


def _meta(token: str | None) -> dict | None:
    try:
        meta = _signer().loads(token or "", max_age=MAX_AGE)
    except BadSignature:
        return None
    if not isinstance(meta, dict) or not _NAME.fullmatch(str(meta.get("n", ""))):
        return None
    return meta if (_folder() / meta["n"]).is_file() else None


def filename(token: str | None) -> str | None:
    """The original file name of a kept file, or None when the token is not (or no longer) good."""
    meta = _meta(token)
    return meta["f"] if meta else None


def take(token: str | None) -> FileStorage | None:
    """The kept file as an upload again (read afresh each time), or None."""
    meta = _meta(token)
    if meta is None:
        return None
    data = (_folder() / meta["n"]).read_bytes()
    return FileStorage(stream=io.BytesIO(data), filename=meta["f"], content_type=meta["t"] or None)


def discard(token: str | None) -> None:
    meta = _meta(token)
    if meta is not None:
        (_folder() / meta["n"]).unlink(missing_ok=True)


def _tidy(folder, now: float | None = None) -> None:
    now = time.time() if now is None else now
    for entry in folder.iterdir():
        try:
            if entry.is_file() and now - entry.stat().st_mtime > MAX_AGE:
                entry.unlink(missing_ok=True)
        except FileNotFoundError:
            pass
