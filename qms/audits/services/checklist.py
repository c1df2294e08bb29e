"""The checklist and conducting an audit: questions from the scope, results, notes, photos and evidence links."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from ...actions import services as actions
from ...auth.models import User
from ...database import utcnow
from ...extensions import db
from ...norms import registry
from ...uploads import services as uploads
from .. import rules
from ..models import Audit, AuditItem, AuditItemFile, AuditItemLink
from ..rules import Result
from .common import LINK_KINDS, AuditError, _items


# --- checklist --------------------------------------------------------------------------------

def _requirements_for(audit: Audit):
    """Catalogue requirements of the audit's norms and scope, in catalogue order, with must-flags at its level."""
    for audit_norm in audit.norms:
        norm = registry().get(audit_norm.norm)
        cat = norm.versions.get(audit_norm.version) if norm else None
        if cat is None:
            continue
        selected = {s.code for s in audit.scope_items if (s.norm, s.version) == (audit_norm.norm, audit_norm.version)}

        def in_scope(req) -> bool:
            if not selected:
                return True
            code = req.code
            while code:
                if code in selected:
                    return True
                code = cat.requirements[code].parent
            return False

        level = audit.level if audit.level and cat.level(audit.level) else None
        for req in cat.requirements.values():
            if req.kind != "requirement" or not in_scope(req):
                continue
            applicability = req.applicability.get(level) if level else None
            if applicability == "na":
                continue
            yield req, applicability == "must"


def generate_checklist(audit: Audit) -> int:
    """(Re)build the catalogue questions of the checklist from the scope; the auditor's own questions stay."""
    if audit.state not in rules.EDITABLE:
        raise AuditError(_("The checklist can only be generated before the audit starts."))
    if any(i.result is not None or i.files or i.links for i in _items(audit)):
        raise AuditError(_("Results or evidence were already recorded; the checklist is not rebuilt, so nothing "
                           "is lost. Add your own questions instead."))
    own = [i for i in _items(audit) if i.requirement is None]
    for item in _items(audit):
        if item.requirement is not None:
            db.session.delete(item)
    db.session.flush()
    position = 0
    for position, (req, must) in enumerate(_requirements_for(audit), start=1):
        db.session.add(AuditItem(audit_id=audit.id, position=position, norm=req.norm, version=req.version,
                                 requirement=req.code, question=req.title_nl, must=must))
    for offset, item in enumerate(own, start=1):
        item.position = position + offset
    db.session.flush()
    return position


def items(audit: Audit) -> list[AuditItem]:
    return _items(audit)


def add_question(audit: Audit, question: str) -> AuditItem:
    """Add one of the auditor's own questions at the end of the checklist."""
    if audit.state not in rules.EDITABLE | rules.CONDUCTING:
        raise AuditError(_("Questions can be added until the audit is reported."))
    if not (question or "").strip():
        raise AuditError(_("Write the question."), "question")
    last = db.session.scalar(select(func.max(AuditItem.position)).where(AuditItem.audit_id == audit.id)) or 0
    item = AuditItem(audit_id=audit.id, position=last + 1, question=question.strip(), must=False)
    db.session.add(item)
    db.session.flush()
    return item


# --- conducting -------------------------------------------------------------------------------

def record_result(item: AuditItem, audit: Audit, user: User, *, result: str | None, notes: str | None,
                  justification: str | None, photo=None) -> AuditItem:
    """Record the result of one checklist item, with notes and optionally a photo or file."""
    if audit.state not in rules.CONDUCTING:
        raise AuditError(_("Results are recorded while the audit is in progress."))
    try:
        chosen = Result(result) if result else None
    except ValueError:
        raise AuditError(_("Choose a result from the list."), "result") from None
    problem = rules.result_problem(chosen, item.must, justification)
    if problem == "must_not_na":
        raise AuditError(_("This is a must-question at this level: it can never be not applicable."), "result")
    if problem == "needs_justification":
        raise AuditError(_("Say why this question is not applicable."), "justification")
    if photo is not None and getattr(photo, "filename", ""):
        stored = uploads.store(photo, allowed={"image", "pdf"})
        item.files.append(AuditItemFile(stored_file=stored))
    item.result = chosen
    item.notes = notes or None
    item.justification = (justification or None) if chosen is Result.NOT_APPLICABLE else None
    item.answered_by_id = user.id
    item.answered_at = utcnow()
    db.session.flush()
    return item


#: Records that can be linked as evidence, by kind: (module, model). A package that is not installed is skipped.
LINK_MODELS = {"document": ("qms.documents.models", "Document"), "incident": ("qms.incidents.models", "Incident"),
               "nonconformity": ("qms.actions.models", "Nonconformity")}


def _resolve(kind: str, reference: str):
    """The record of ``kind`` with this register number (case-insensitive), or an AuditError."""
    import importlib

    module, name = LINK_MODELS[kind]
    try:
        model = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        raise AuditError(_("This kind of record is not available here."), "kind") from None
    record = db.session.scalar(select(model).where(func.upper(model.number) == reference.strip().upper()).limit(1))
    if record is None:
        raise AuditError(_("No record with this number was found."), "reference")
    return record


def add_link(item: AuditItem, audit: Audit, *, kind: str, reference: str | None, label: str | None) -> AuditItemLink:
    """Point at an existing record (found by its number) or describe another record as evidence."""
    if audit.state not in rules.EDITABLE | rules.CONDUCTING:
        raise AuditError(_("Evidence can be added until the audit is reported."))
    if kind not in LINK_KINDS:
        raise AuditError(_("Choose a kind of record from the list."), "kind")
    target_id = None
    label = (label or "").strip()
    if kind != "other":
        if not (reference or "").strip():
            raise AuditError(_("Enter the number of the record."), "reference")
        record = _resolve(kind, reference)
        target_id = record.id
        title = getattr(record, "title", None)
        label = label or (f"{record.number} {title}" if title else record.number)
    if not label:
        raise AuditError(_("Describe the evidence."), "label")
    link = AuditItemLink(kind=kind, target_id=target_id, label=label[:255])
    item.links.append(link)
    db.session.flush()
    return link
