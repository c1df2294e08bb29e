"""An uploaded file waiting for its confirmation: kept under a random token in a folder inside the upload folder
(never served), found again from the job that carries the token, removed once nobody confirmed it in time."""
from __future__ import annotations

import pathlib
import secrets
import time

from flask import current_app
from flask_babel import gettext as _

from ...jobs import Job, JobError

#: A file nobody confirmed is removed after this long.
KEEP_SECONDS = 24 * 3600


def is_xlsx(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04"


def folder(name: str) -> pathlib.Path:
    """The folder ``name`` inside the upload folder, made when missing; stale files in it are removed."""
    path = pathlib.Path(current_app.config["UPLOAD_FOLDER"]) / name
    path.mkdir(parents=True, exist_ok=True)
    stale = time.time() - KEEP_SECONDS
    for old in path.iterdir():
        if old.stat().st_mtime < stale:
            old.unlink(missing_ok=True)
    return path


def keep(name: str, data: bytes) -> tuple[str, str]:
    """Write ``data`` into the folder ``name`` under a new token: (token, suffix) for the job's data."""
    token = secrets.token_hex(16)
    suffix = ".xlsx" if is_xlsx(data) else ".csv"
    (folder(name) / f"{token}{suffix}").write_bytes(data)
    return token, suffix


def path_of(name: str, job: Job) -> pathlib.Path:
    """Where the file of ``job`` is kept (the token and suffix checked, so a job never names another path)."""
    data = job.data
    token, suffix = data.get("token", ""), data.get("suffix", "")
    if not (len(token) == 32 and all(c in "0123456789abcdef" for c in token)) or suffix not in (".csv", ".xlsx"):
        raise JobError(_("The import could not be found; upload the file again."))
    return folder(name) / f"{token}{suffix}"


def read(name: str, job: Job) -> bytes:
    path = path_of(name, job)
    if not path.is_file():
        raise JobError(_("The import could not be found; upload the file again."))
    return path.read_bytes()
