"""Equipment and keuringen, risk assessments with their plan of action, LMRA cards, workplace inspections,
and the VCA profile (level, version, VGM policy statement)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from qms.core.loaders import get_row
from qms.extensions import db
from qms.uploads import services as uploads

from .. import integrations, rules
from ..models import (AssessmentKind, FindingResult, InspectionState, KeuringResult, VcaEquipment,
                      VcaInspection, VcaInspectionFinding, VcaInspectionTemplate, VcaKeuring, VcaLmraCard,
                      VcaRiskAssessment, VcaRiskMeasure)
from .common import VcaError, company, profile, today

LEVELS = ("vca1", "vca2", "petro")


# --- profile: level, version, policy statement ------------------------------------------------

def save_settings(level: str, version: str, known_versions: set[str]):
    """Set the VCA level (in the company's certification targets) and the catalogue version."""
    if level not in LEVELS:
        raise VcaError(_("Choose a level from the list."), "level")
    if version not in known_versions:
        raise VcaError(_("Choose a version from the list."), "version")
    found = company()
    if found is None:
        raise VcaError(_("Enter the company profile first."), "level")
    targets = found.targets
    targets["vca"] = level
    found.certification_targets = ",".join(f"{k}:{v}" for k, v in targets.items())
    row = profile()
    row.version = version
    db.session.flush()
    return row


def save_policy(title: str | None, document_id: int | None, signed_on: dt.date | None, signed_by: str | None,
                evaluated_on: dt.date | None, file=None):
    if document_id is not None and integrations.document(document_id) is None:
        raise VcaError(_("Choose a document from the list."), "document_id")
    if signed_on and signed_on > today():
        raise VcaError(_("The signing date cannot lie in the future."), "signed_on")
    if evaluated_on and signed_on and evaluated_on < signed_on:
        raise VcaError(_("The evaluation cannot lie before the signing."), "evaluated_on")
    row = profile()
    row.policy_title = (title or "").strip() or None
    row.policy_document_id = document_id
    row.policy_signed_on = signed_on
    row.policy_signed_by = (signed_by or "").strip() or None
    row.policy_evaluated_on = evaluated_on
    if file is not None and getattr(file, "filename", None):
        row.policy_file_id = uploads.store(file, allowed={"pdf", "image"}).id
    db.session.flush()
    return row


# --- equipment and keuringen ------------------------------------------------------------------

def save_equipment(item: VcaEquipment | None, *, name: str, code: str | None, location: str | None,
                   interval_months: int, next_keuring_on: dt.date | None) -> VcaEquipment:
    if not 1 <= interval_months <= 120:
        raise VcaError(_("Enter an interval between 1 and 120 months."), "interval_months")
    if item is None:
        item = VcaEquipment(active=True)
        db.session.add(item)
    item.name = name.strip()
    item.code = (code or "").strip() or None
    item.location = (location or "").strip() or None
    item.interval_months = interval_months
    if next_keuring_on is not None or item.last_keuring_on is None:
        item.next_keuring_on = next_keuring_on
    db.session.flush()
    return item


def record_keuring(item: VcaEquipment, *, inspected_on: dt.date, result: str, inspected_by: str | None,
                   note: str | None, file=None) -> VcaKeuring:
    """Register a keuring; an approved item is due again after its interval, a rejected one is taken out of use."""
    if inspected_on > today():
        raise VcaError(_("The inspection date cannot lie in the future."), "inspected_on")
    try:
        outcome = KeuringResult(result)
    except ValueError:
        raise VcaError(_("Choose from the list."), "result") from None
    next_due = rules.next_keuring(inspected_on, item.interval_months) if outcome is KeuringResult.APPROVED else None
    row = VcaKeuring(equipment_id=item.id, inspected_on=inspected_on, result=outcome,
                     inspected_by=(inspected_by or "").strip() or None, next_due=next_due,
                     note=(note or "").strip() or None)
    if file is not None and getattr(file, "filename", None):
        row.file_id = uploads.store(file, allowed={"pdf", "image"}).id
    db.session.add(row)
    if item.last_keuring_on is None or inspected_on >= item.last_keuring_on:
        item.last_keuring_on = inspected_on
        item.next_keuring_on = next_due
        if outcome is KeuringResult.REJECTED:
            item.active = False
    db.session.flush()
    return row


def overdue_equipment(on: dt.date) -> list[VcaEquipment]:
    return list(db.session.scalars(select(VcaEquipment).where(
        VcaEquipment.active.is_(True), VcaEquipment.next_keuring_on < on).order_by(VcaEquipment.next_keuring_on)))


# --- risk assessments -------------------------------------------------------------------------

def save_assessment(row: VcaRiskAssessment | None, *, kind: str, title: str, subject: str | None,
                    assessed_on: dt.date, assessed_by: str | None, document_id: int | None, note: str | None,
                    file=None) -> VcaRiskAssessment:
    try:
        kind_ = AssessmentKind(kind)
    except ValueError:
        raise VcaError(_("Choose from the list."), "kind") from None
    if assessed_on > today():
        raise VcaError(_("The assessment date cannot lie in the future."), "assessed_on")
    if kind_ is not AssessmentKind.RIE and not (subject or "").strip():
        raise VcaError(_("Name the function or task that was assessed."), "subject")
    if document_id is not None and integrations.document(document_id) is None:
        raise VcaError(_("Choose a document from the list."), "document_id")
    if row is None:
        row = VcaRiskAssessment(active=True)
        db.session.add(row)
    row.kind, row.title, row.subject = kind_, title.strip(), (subject or "").strip() or None
    row.assessed_on, row.assessed_by = assessed_on, (assessed_by or "").strip() or None
    row.document_id, row.note = document_id, (note or "").strip() or None
    if file is not None and getattr(file, "filename", None):
        row.file_id = uploads.store(file, allowed={"pdf", "image", "docx", "xlsx"}).id
    db.session.flush()
    return row


def add_measure(assessment: VcaRiskAssessment, *, measure: str, owner_id: int | None, due_on: dt.date) -> VcaRiskMeasure:
    if owner_id is not None:
        from qms.auth.models import User

        if get_row(User, owner_id) is None:
            raise VcaError(_("Choose an owner from the list."), "owner_id")
    row = VcaRiskMeasure(assessment_id=assessment.id, measure=measure.strip(), owner_id=owner_id, due_on=due_on)
    db.session.add(row)
    db.session.flush()
    return row


def complete_measure(measure: VcaRiskMeasure, on: dt.date | None = None) -> VcaRiskMeasure:
    if measure.done_on is not None:
        raise VcaError(_("This measure is already done."))
    measure.done_on = on or today()
    db.session.flush()
    return measure


def stale_tras(on: dt.date) -> list[VcaRiskAssessment]:
    rows = db.session.scalars(select(VcaRiskAssessment).where(
        VcaRiskAssessment.kind == AssessmentKind.TRA, VcaRiskAssessment.active.is_(True)))
    return [r for r in rows if rules.tra_is_stale(r.assessed_on, on)]


# --- LMRA cards -------------------------------------------------------------------------------

def save_card(card: VcaLmraCard | None, *, title: str, task: str | None, questions: str) -> VcaLmraCard:
    lines = [q.strip() for q in questions.splitlines() if q.strip()]
    if not lines:
        raise VcaError(_("Enter at least one question, one per line."), "questions")
    if len(lines) > 30:
        raise VcaError(_("A card holds at most 30 questions."), "questions")
    if card is None:
        card = VcaLmraCard(active=True)
        db.session.add(card)
    card.title, card.task, card.questions = title.strip(), (task or "").strip() or None, "\n".join(lines)
    db.session.flush()
    return card


# --- workplace inspections --------------------------------------------------------------------

def save_template(template: VcaInspectionTemplate | None, *, name: str, items: str) -> VcaInspectionTemplate:
    lines = [q.strip()[:300] for q in items.splitlines() if q.strip()]
    if not lines:
        raise VcaError(_("Enter at least one check, one per line."), "items")
    if template is None:
        template = VcaInspectionTemplate(active=True)
        db.session.add(template)
    template.name, template.items = name.strip(), "\n".join(lines)
    db.session.flush()
    return template


def plan_inspection(*, template_id: int, site_id: int | None, planned_on: dt.date, inspector_id: int | None) -> VcaInspection:
    from qms.auth.models import User
    from qms.organisation.models import Site

    template = get_row(VcaInspectionTemplate, template_id)
    if template is None or not template.active:
        raise VcaError(_("Choose a checklist from the list."), "template_id")
    if site_id is not None and get_row(Site, site_id) is None:
        raise VcaError(_("Choose a site from the list."), "site_id")
    if inspector_id is not None and get_row(User, inspector_id) is None:
        raise VcaError(_("Choose an inspector from the list."), "inspector_id")
    row = VcaInspection(template_id=template.id, site_id=site_id, planned_on=planned_on, inspector_id=inspector_id,
                        state=InspectionState.PLANNED)
    db.session.add(row)
    db.session.flush()
    return row


@dataclass
class Answer:
    item: str
    result: str
    note: str | None = None
    photo: object | None = None


def carry_out(inspection: VcaInspection, answers: list[Answer], *, done_on: dt.date, summary: str | None,
              user) -> VcaInspection:
    """Record the checks of an inspection (once: a done inspection is a record and is not rewritten).
    Each "not ok" finding opens a nonconformity in the corrective-action workflow."""
    if inspection.state is not InspectionState.PLANNED:
        raise VcaError(_("This inspection was already carried out; its findings are kept as they are."))
    if done_on > today():
        raise VcaError(_("The inspection date cannot lie in the future."), "done_on")
    checks = inspection.template.item_list
    if len(answers) != len(checks):
        raise VcaError(_("Answer every check of the list."))
    for check, answer in zip(checks, answers):
        try:
            result = FindingResult(answer.result)
        except ValueError:
            raise VcaError(_("Answer every check of the list.")) from None
        if result is FindingResult.NOT_OK and not (answer.note or "").strip():
            raise VcaError(_("Describe what is wrong for every check marked not OK."))
        finding = VcaInspectionFinding(inspection_id=inspection.id, item=check, result=result,
                                       note=(answer.note or "").strip() or None)
        if answer.photo is not None and getattr(answer.photo, "filename", None):
            finding.photo = uploads.store(answer.photo, allowed={"image"})
        db.session.add(finding)
        db.session.flush()
        if result is FindingResult.NOT_OK:
            where = inspection.site.name if inspection.site else inspection.template.name
            nc = integrations.open_nonconformity(
                title=f"{check} ({where})"[:200], description=finding.note, source_type="vca_inspection",
                source_id=str(inspection.id), severity="minor", opened_by=user,
                requirement=_requirement("inspections"))
            finding.nonconformity_id = nc.id if nc is not None else None
    inspection.state = InspectionState.DONE
    inspection.done_on = done_on
    inspection.summary = (summary or "").strip() or None
    if inspection.inspector_id is None and getattr(user, "id", None):
        inspection.inspector_id = user.id
    db.session.flush()
    return inspection


def _requirement(key: str) -> tuple[str, str, str] | None:
    from ..codes import code
    from .common import version

    found = code(version(), key)
    return ("vca", version(), found) if found else None


def overdue_inspections(on: dt.date) -> list[VcaInspection]:
    return list(db.session.scalars(select(VcaInspection).where(
        VcaInspection.state == InspectionState.PLANNED, VcaInspection.planned_on < on)
        .order_by(VcaInspection.planned_on)))
