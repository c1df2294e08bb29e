"""Evidence files' details in and out of a spreadsheet: title, owner and validity of the items already in the
system, found by their number. A file itself is uploaded on the item's page (a new one as a new revision), so a
row for an unknown number is refused. Rows are saved by :func:`services.update_evidence`, the function the edit
form uses (a changed validity sends accepted evidence back for review)."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..auth.models import User
from ..core.imports import UNCHANGED, UPDATED, Column, Importer, RowRejected, date, integer, text
from ..extensions import db
from . import services
from .models import EvidenceItem
from .services import EvidenceData, EvidenceError


@dataclass
class _Lookups:
    items: dict[int, EvidenceItem]
    owners: dict[str, User]


def _lookups() -> _Lookups:
    owners: dict[str, User] = {}
    for user in services.possible_owners():
        owners.setdefault(user.name.casefold(), user)
        owners[user.email.casefold()] = user
    return _Lookups({i.id: i for i in db.session.scalars(select(EvidenceItem))}, owners)


def _save(values: dict, lookups: _Lookups) -> str:
    item = lookups.items.get(values["number"])
    if item is None:
        raise RowRejected(_("There is no evidence with this number; add a new file on the Add evidence page."))
    owner = None
    if values["owner"]:
        owner = lookups.owners.get(values["owner"].casefold())
        if owner is None:
            raise RowRejected(_("The owner must be someone who may see the evidence."),
                              _("The owner must be someone who may see the evidence.") + f" (“{values['owner']}”)")
    data = EvidenceData(values["title"], item.description, owner, values["valid_from"], values["valid_until"])
    if (item.title, item.owner_id, item.valid_from, item.valid_until) == (
            data.title, owner.id if owner else None, data.valid_from, data.valid_until):
        return UNCHANGED
    services.update_evidence(item, data)
    return UPDATED


def _values(item: EvidenceItem) -> dict:
    return {"number": item.id, "title": item.title, "owner": item.owner.name if item.owner else "",
            "valid_from": item.valid_from, "valid_until": item.valid_until,
            "review": services.review_label(item.review_status), "file": item.file.original_name,
            "sha256": item.file.sha256,
            "requirements": ", ".join(f"{r.norm} {r.version} {r.code}" for r in item.requirements)}


EVIDENCE = Importer(
    name="evidence",
    title=_l("Evidence files"),
    permission="evidence.manage",
    key="number",
    columns=(
        Column("number", _l("Number"), integer, required=True),
        Column("title", _l("Title"), text, required=True, max_length=200),
        Column("owner", _l("Owner"), text),
        Column("valid_from", _l("Valid from"), date, required=True),
        Column("valid_until", _l("Valid until"), date),
        # Written by the export for the reader; the import leaves them as they are.
        Column("review", _l("Review"), text),
        Column("file", _l("File"), text),
        Column("sha256", _l("SHA-256"), text),
        Column("requirements", _l("Requirements"), text),
    ),
    save=_save,
    context=_lookups,
    errors=(EvidenceError,),
    values=_values,
    list_endpoint="evidence.items",
    hint=_l("Changes the title, owner and validity of evidence already in the system, found by its number "
            "(download an export first). The owner is written as a name or an e-mail address."),
)
