"""What a file is, from its content: the type from the bytes (never the name or the browser's word), Office
and OpenDocument containers checked inside, images re-encoded without their metadata, a safe original name."""
from __future__ import annotations

import io
import os
import re
import struct
import time
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass
from typing import Any

import filetype
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps

from ..core.errors import DomainError

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


class UploadRejected(DomainError):
    """The file cannot be accepted; the message is meant for the user, next to the file field."""


@dataclass
class Detected:
    kind: str
    content_type: str


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
