"""Demo data for audits and nonconformities: this year's programme, a closed audit of last year, a reported
audit with findings and the nonconformities they opened in every state of the cycle. Written through the
models (the audit trail records it), without notifications."""
from __future__ import annotations

import datetime as dt

from flask import has_app_context

from ..actions.models import CorrectiveAction, EffectivenessCheck, Nonconformity
from ..actions.services import next_number as next_nc_number
from ..actions.workflow import ActionKind, NcState, Severity
from ..database import utcnow
from ..permissions import Role
from . import services
from .models import Audit, AuditItemLink, AuditMember, AuditNorm, AuditScope
from .rules import AuditState, AuditType, Result

#: Findings of the reported demo audit, by requirement code: (result, notes).
FINDINGS = {
    "7.5.3.2": (Result.MINOR, "Op locatie Maliesingel hing een verouderde werkinstructie (versie 2) in de werkkast."),
    "8.4.1": (Result.MAJOR, "Twee van de vijf vaste leveranciers zijn in 2025 niet beoordeeld."),
    "8.4.2": (Result.OBSERVATION, "Inkooporders worden per mail bevestigd; bevestiging niet altijd bewaard."),
    "7.5.2": (Result.IMPROVEMENT, "Documentnummering kan eenvoudiger: één reeks per documentsoort."),
}


def _audit(demo, number, title, type_, state, start, norms, scope, department=None, site=None, level=None,
           processes=None) -> Audit:
    users = demo.users
    audit = Audit(number=number, title=title, type=type_, state=AuditState.PLANNED, planned_start=start,
                  lead_auditor=users[Role.AUDITOR], level=level, processes=processes,
                  department=demo.departments.get(department) if department else None,
                  site=demo.sites.get(site) if site else None,
                  scope=f"{title}.", criteria="Normeisen en eigen procedures van De Glans.")
    audit.norms = [AuditNorm(norm=n, version=v) for n, v in norms]
    audit.scope_items = [AuditScope(norm=n, version=v, code=c) for n, v, c in scope]
    if Role.COORDINATOR in users:
        audit.members = [AuditMember(user_id=users[Role.COORDINATOR].id)]
    demo.session.add(audit)
    demo.session.flush()
    if state is not AuditState.PLANNED:
        services.generate_checklist(audit)
    audit.state = state
    return audit


def add_audits(demo) -> None:
    if not has_app_context() or Role.AUDITOR not in demo.users:
        return
    from ..norms import registry

    if registry().get("iso9001") is None:
        return
    today = demo.today
    year = today.year
    auditor = demo.users[Role.AUDITOR]
    coordinator = demo.users.get(Role.COORDINATOR, auditor)

    # last year: a closed audit of chapters 4–6, all conform
    old = _audit(demo, f"AU-{year - 1}-01", "Interne audit context, leiderschap en planning", AuditType.INTERNAL,
                 AuditState.IN_PROGRESS, today - dt.timedelta(days=300), [("iso9001", "2015")],
                 [("iso9001", "2015", "4"), ("iso9001", "2015", "5"), ("iso9001", "2015", "6")],
                 department="Bedrijfsbureau", processes="Directie, KAM")
    for item in services.items(old):
        item.result, item.answered_by_id, item.answered_at = Result.CONFORM, auditor.id, utcnow()
    old.conducted_on, old.reported_on, old.closed_on = old.planned_start, old.planned_start, old.planned_start
    old.conclusion = "Context en beleid zijn actueel; geen afwijkingen."
    old.state = AuditState.CLOSED

    # this year: a reported audit with findings
    start = today - dt.timedelta(days=45)
    reported = _audit(demo, f"AU-{year}-01", "Interne audit documentbeheer en inkoop", AuditType.INTERNAL,
                      AuditState.IN_PROGRESS, start, [("iso9001", "2015")],
                      [("iso9001", "2015", "7.5"), ("iso9001", "2015", "8.4")], department="Bedrijfsbureau",
                      site="Hoofdkantoor De Glans", processes="Documentbeheer, Inkoop")
    reported.conducted_on = start
    for item in services.items(reported):
        result, notes = FINDINGS.get(item.requirement, (Result.CONFORM, None))
        item.result, item.notes, item.answered_by_id, item.answered_at = result, notes, auditor.id, utcnow()
        if item.requirement == "8.4.1":
            item.links.append(AuditItemLink(kind="other", label="Leverancierslijst 2025 (Excel, Bedrijfsbureau)"))
    own = services.add_question(reported, "Worden afleverbonnen van schoonmaakmiddelen bewaard?")
    own.result, own.notes, own.answered_by_id, own.answered_at = Result.CONFORM, "Map in magazijn, compleet.", \
        auditor.id, utcnow()
    reported.state = AuditState.IN_PROGRESS
    demo.session.flush()
    ncs = services._open_nonconformities(reported, services.items(reported), auditor)
    reported.conclusion = ("Documentbeheer werkt in de basis; leveranciersbeoordeling moet op orde. "
                           "Twee afwijkingen, één observatie, één verbeterkans.")
    reported.reported_on = start + dt.timedelta(days=2)
    reported.state = AuditState.REPORTED
    for nc in ncs:
        nc.owner_id = coordinator.id
    by_code = {nc.requirement: nc for nc in ncs}
    if "7.5.3.2" in by_code:  # minor: corrected, action done, awaiting the effectiveness check
        nc = by_code["7.5.3.2"]
        nc.correction = "Verouderde instructie direct weggehaald en vervangen."
        nc.root_cause = "Bij een nieuwe versie worden de papieren exemplaren op locatie niet ingenomen."
        nc.actions.append(CorrectiveAction(kind=ActionKind.CORRECTIVE, owner_id=coordinator.id,
                                           description="Verspreidingslijst per locatie bijhouden en oude "
                                                       "versies innemen.",
                                           due_date=today - dt.timedelta(days=10), done_at=utcnow(),
                                           done_by_id=coordinator.id, done_note="Lijst gemaakt, rondgang gedaan."))
        nc.state = NcState.AWAITING_CHECK
    if "8.4.1" in by_code:  # major: actions planned, one overdue
        nc = by_code["8.4.1"]
        nc.correction = "De twee leveranciers alsnog beoordeeld."
        nc.root_cause = "Geen vast moment in het jaar voor de leveranciersbeoordeling."
        nc.actions.append(CorrectiveAction(kind=ActionKind.CORRECTIVE, owner_id=coordinator.id,
                                           description="Jaarlijkse beoordeling in de KAM-jaarplanning opnemen.",
                                           due_date=today - dt.timedelta(days=5)))
        nc.actions.append(CorrectiveAction(kind=ActionKind.PREVENTIVE, owner_id=demo.users.get(Role.ADMIN, auditor).id,
                                           description="Herinnering in het systeem voor de beoordeling in januari.",
                                           due_date=today + dt.timedelta(days=20)))
        nc.state = NcState.ACTIONS_PLANNED

    # a nonconformity from a complaint that went through the whole cycle, ineffective check included
    staff = demo.users.get(Role.STAFF, coordinator)
    closed = Nonconformity(number=next_nc_number(year if today.month > 4 else year - 1),
                           title="Sanitair bij Zorgcentrum De Linde twee keer overgeslagen",
                           description="Klacht van de locatiemanager: toiletten vleugel B niet gereinigd.",
                           source_type="complaint", severity=Severity.MINOR, norm="iso9001", norm_version="2015",
                           requirement="8.5.1", owner_id=coordinator.id, opened_by_id=coordinator.id,
                           opened_on=today - dt.timedelta(days=120), state=NcState.CLOSED,
                           correction="Dezelfde dag alsnog gereinigd.",
                           root_cause="Werkprogramma vleugel B ontbrak in de map van de invaller.",
                           closed_on=today - dt.timedelta(days=20))
    demo.session.add(closed)
    demo.session.flush()
    closed.actions.append(CorrectiveAction(kind=ActionKind.CORRECTIVE, owner_id=staff.id,
                                           description="Werkprogramma in de map van de invaller leggen.",
                                           due_date=today - dt.timedelta(days=100), done_at=utcnow(),
                                           done_by_id=staff.id, done_note="Gedaan."))
    closed.checks.append(EffectivenessCheck(checked_by_id=coordinator.id, checked_on=today - dt.timedelta(days=70),
                                            effective=False, note="Nieuwe klacht: map was weer zoek."))
    closed.actions.append(CorrectiveAction(kind=ActionKind.PREVENTIVE, owner_id=coordinator.id,
                                           description="Werkprogramma's digitaal op de telefoon van elke invaller.",
                                           due_date=today - dt.timedelta(days=40), done_at=utcnow(),
                                           done_by_id=coordinator.id, done_note="Ingericht via de planning-app."))
    closed.checks.append(EffectivenessCheck(checked_by_id=coordinator.id, checked_on=today - dt.timedelta(days=20),
                                            effective=True, note="Zes weken geen klachten; steekproef in orde."))
    demo.session.add(Nonconformity(number=next_nc_number(today.year), title="Hoogwerker zonder keuringssticker",
                                   description="Bij een werkplekinspectie stond een hoogwerker zonder geldige keuring.",
                                   source_type="inspection", severity=Severity.MAJOR, norm="vca",
                                   norm_version="2017-6.0", requirement="6.1", owner_id=coordinator.id,
                                   opened_by_id=auditor.id, opened_on=today - dt.timedelta(days=3),
                                   state=NcState.OPEN))

    # the rest of this year's programme
    end_of_year = dt.date(year, 12, 31)
    step = max(1, (end_of_year - today).days // 3)
    _audit(demo, f"AU-{year}-02", "Interne VCA-audit toolboxen en inspecties", AuditType.INTERNAL, AuditState.PREPARED,
           today + dt.timedelta(days=min(step, 7)), [("vca", "2017-6.0")] if registry().get("vca") else
           [("iso9001", "2015")], [("vca", "2017-6.0", "4")] if registry().get("vca") else [],
           department="Glasbewassing", site="Bedrijvenpark Papendorp", level="vca2" if registry().get("vca") else None,
           processes="Toolboxmeetings, werkplekinspecties")
    if registry().get("pso"):
        pso = registry().get("pso")
        _audit(demo, f"AU-{year}-03", "Interne PSO-audit", AuditType.INTERNAL, AuditState.PLANNED,
               today + dt.timedelta(days=2 * step), [("pso", pso.default_version)], [], department="Bedrijfsbureau",
               processes="HR, inkoop bij sociale ondernemingen")
    _audit(demo, f"AU-{year}-04", "Hercertificatie-audit ISO 9001", AuditType.CERTIFYING_BODY, AuditState.PLANNED,
           today + dt.timedelta(days=3 * step), [("iso9001", "2015")], [])
    demo.session.flush()
