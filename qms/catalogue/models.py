"""Catalogue versions an administrator imported: stored in the database, never in the package.

Each import of one (norm, version) is a revision; at most one revision is active and it overlays (or adds to)
the shipped catalogue files of that norm. A corrected import makes a new revision and retires the old one."""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..audit.models import Audited
from ..database import enum_column, utcnow
from ..extensions import db


class ImportState(str, enum.Enum):
    #: Uploaded and checked, shown as a preview; not in use yet.
    PREVIEW = "preview"
    ACTIVE = "active"
    #: Retired by a corrected import of the same version.
    REPLACED = "replaced"
    DISCARDED = "discarded"


#: Allowed state changes of an import.
IMPORT_TRANSITIONS = {
    ImportState.PREVIEW: {ImportState.ACTIVE, ImportState.DISCARDED},
    ImportState.ACTIVE: {ImportState.REPLACED},
    ImportState.REPLACED: set(),
    ImportState.DISCARDED: set(),
}


class CatalogueImport(Audited, db.Model):
    __tablename__ = "catalogue_import"
    __table_args__ = (
        UniqueConstraint("norm", "version", "revision", name="uq_catalogue_import_revision"),
        Index("ix_catalogue_import_state", "state"),
    )
    __audit_ignore__ = frozenset({"content"})  # the trail keeps the file name, counts and state instead

    id: Mapped[int] = mapped_column(primary_key=True)
    norm: Mapped[str] = mapped_column(String(40))
    version: Mapped[str] = mapped_column(String(40))
    #: 1 for the first import of this version, 2 for its first correction …
    revision: Mapped[int] = mapped_column(Integer)
    state: Mapped[ImportState] = mapped_column(
        enum_column(ImportState),
        default=ImportState.PREVIEW)
    file_name: Mapped[str] = mapped_column(String(255))
    #: The version as JSON (manifest, levels, requirements, cross-reference to the version it replaces).
    content: Mapped[str] = mapped_column(Text)
    requirement_count: Mapped[int] = mapped_column(Integer)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    activated_at: Mapped[dt.datetime | None]


from flask_babel import lazy_gettext as _l  # noqa: E402

from ..audit.services import name_entity_type  # noqa: E402

name_entity_type("catalogue_import", _l("Catalogue import"))
