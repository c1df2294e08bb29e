"""Demo data for the incident log: three years of hours worked and a year of incidents at the demo sites,
from fresh reports to closed ones with a checked prevention action. Written through the models (the audit
trail records it), without notifications."""
from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal


from ..database import utcnow
from ..permissions import Role
from . import figures
from .models import Incident, IncidentHours, IncidentPerson
from .services.reporting import next_number as next_incident_number
from .workflow import (ArboReason, HoursCategory, IncidentState, IncidentType, Method, PersonCategory,
                       Severity)

#: (days ago, type, site index, where, what happened, immediate action, lost days per injured person,
#:  Arbeidsinspectie reason)
INCIDENTS = [
    (350, IncidentType.NEAR_MISS, 1, "Trappenhuis", "Emmer met sop stond op de trap; collega struikelde bijna.",
     "Emmer weggezet.", [], None),
    (331, IncidentType.FIRST_AID, 3, "Operatiekamer 4", "Prikaccident met naald in afvalzak.",
     "Wond laten bloeden en gemeld bij bedrijfsarts.", [0], None),
    (318, IncidentType.UNSAFE_SITUATION, 5, "Kelder", "Stopcontact hangt los bij de schrobmachine.",
     "Stopcontact afgeplakt, huismeester gebeld.", [], None),
    (297, IncidentType.LTI, 2, "Glasgevel zuidzijde", "Glazenwasser gleed uit van de ladder (tweede tree).",
     "EHBO, collega naar huisarts gebracht.", [6], None),
    (280, IncidentType.NEAR_MISS, 0, "Magazijn", "Stelling met chemicaliën stond scheef.", "Stelling leeggehaald.",
     [], None),
    (266, IncidentType.PROPERTY_DAMAGE, 4, "Gang 2", "Schrobmachine raakte deurpost, verf beschadigd.",
     "Klant geïnformeerd.", [], None),
    (251, IncidentType.UNSAFE_ACT, 6, "Gymzaal", "Medewerker stond op stoel om lamp te poetsen.", "Aangesproken.",
     [], None),
    (240, IncidentType.NEAR_MISS, 3, "Afdeling 3B", "Natte vloer zonder waarschuwingsbord.", "Bord geplaatst.",
     [], None),
    (226, IncidentType.ENVIRONMENTAL, 0, "Werkplaats", "Jerrycan met ontkalker gelekt in de bus.",
     "Gelekte vloeistof opgenomen met absorptiekorrels.", [], None),
    (210, IncidentType.MEDICAL, 5, "Roltrap", "Vinger bekneld tussen trede en kam bij het poetsen.",
     "Naar huisartsenpost, dezelfde dag weer aan het werk.", [0], None),
    (196, IncidentType.NEAR_MISS, 2, "Parkeerdak", "Hoogwerker bijna tegen overkapping.", "Werk stilgelegd.",
     [], None),
    (183, IncidentType.LTI, 3, "Keuken", "Twee medewerkers uitgegleden op vette vloer tijdens het dweilen.",
     "EHBO; één collega naar het ziekenhuis, opgenomen ter observatie.", [5, 2], ArboReason.HOSPITAL),
    (170, IncidentType.UNSAFE_SITUATION, 7, "Kleedkamer", "Geen nooduitgang-verlichting.", "Klant gemeld.",
     [], None),
    (152, IncidentType.NEAR_MISS, 1, "Archief", "Doos viel van bovenste plank.", "Plank opgeruimd.", [], None),
    (139, IncidentType.FIRST_AID, 4, "Bewonerskamer", "Snee in hand aan gebroken glas.", "Pleister.", [0], None),
    (121, IncidentType.NEAR_MISS, 6, "Trap", "Kabel van stofzuiger over de trap.", "Kabel omgelegd.", [], None),
    (104, IncidentType.UNSAFE_ACT, 2, "Dak", "Werken op dak zonder valbeveiliging.", "Werk stilgelegd.", [], None),
    (92, IncidentType.NEAR_MISS, 5, "Winkelpassage", "Bezoeker liep bijna tegen natte vloer.",
     "Extra borden neergezet.", [], None),
    (77, IncidentType.PROPERTY_DAMAGE, 1, "Vergaderzaal", "Tafelblad bekrast door schuurspons.", "Gemeld.",
     [], None),
    (63, IncidentType.NEAR_MISS, 3, "Lift", "Schoonmaakkar rolde de lift uit.", "Rem gecontroleerd.", [], None),
    (48, IncidentType.UNSAFE_SITUATION, 2, "Glasgevel noord", "Ladder met gebroken voet in de bus.",
     "Ladder afgekeurd en gelabeld.", [], None),
    (36, IncidentType.NEAR_MISS, 0, "Parkeerplaats", "Bus reed bijna achteruit tegen collega.",
     "Afspraak: altijd iemand die helpt bij achteruit rijden.", [], None),
    (22, IncidentType.LTI, 7, "Sporthal", "Medewerker door de rug gegaan bij tillen van schrobmachine.",
     "Naar huis gebracht.", [4], None),
    (9, IncidentType.NEAR_MISS, 4, "Spoelruimte", "Chloor en ontkalker bijna gemengd.", "Flessen gescheiden.",
     [], None),
    (3, IncidentType.FIRST_AID, 1, "Toiletgroep", "Spatten schoonmaakmiddel in het oog.", "Oog gespoeld.",
     [0], None),
    (1, IncidentType.UNSAFE_SITUATION, 3, "Gang 1", "Noodverlichting defect.", "", [], None),
]

SEVERITY = {IncidentType.LTI: Severity.HIGH, IncidentType.MEDICAL: Severity.MEDIUM,
            IncidentType.FIRST_AID: Severity.LOW, IncidentType.ENVIRONMENTAL: Severity.MEDIUM}


def _state(days_ago: int) -> IncidentState:
    if days_ago > 60:
        return IncidentState.CLOSED
    if days_ago > 30:
        return IncidentState.ACTIONS
    if days_ago > 15:
        return IncidentState.INVESTIGATING
    if days_ago > 5:
        return IncidentState.TRIAGED
    return IncidentState.REPORTED


def add_hours(demo) -> None:
    """Hours worked per month for three years (own staff, temporary workers, subcontractors)."""
    rng = random.Random(7)
    year, month = figures.shift_month(demo.today.year, demo.today.month, -36)
    while (year, month) < (demo.today.year, demo.today.month):
        for category, base in ((HoursCategory.OWN_STAFF, 3800), (HoursCategory.TEMPORARY, 650),
                               (HoursCategory.SUBCONTRACTOR, 280)):
            hours = Decimal(base + rng.randint(-base // 10, base // 10))
            demo.session.add(IncidentHours(year=year, month=month, category=category, hours=hours))
        year, month = figures.shift_month(year, month, 1)


def _nonconformity(demo, incident: Incident, coordinator, owner, closed: bool) -> None:
    """A prevention action through the shared corrective-action tables (checked and closed when ``closed``)."""
    from ..actions.models import CorrectiveAction, EffectivenessCheck, Nonconformity
    from ..actions.workflow import ActionKind, NcState, Severity as NcSeverity

    opened = incident.occurred_on + dt.timedelta(days=7)
    from ..actions.services import next_number as next_nc_number

    nc = Nonconformity(number=next_nc_number(opened.year), title=f"Incident {incident.number}: herhaling voorkomen",
                       description=incident.description, source_type="incident", source_id=str(incident.id),
                       severity=NcSeverity.MINOR, state=NcState.CLOSED if closed else NcState.ACTIONS_PLANNED,
                       root_cause=incident.root_causes, correction=incident.immediate_action, owner=coordinator,
                       opened_by_id=coordinator.id, opened_on=opened, closed_on=opened + dt.timedelta(days=40) if closed else None)
    action = CorrectiveAction(kind=ActionKind.PREVENTIVE, description="Werkinstructie aangepast en besproken in toolbox.",
                              owner=owner, due_date=opened + dt.timedelta(days=21))
    nc.actions.append(action)
    if closed:
        action.done_at = dt.datetime.combine(opened + dt.timedelta(days=20), dt.time(14, 0))
        action.done_by_id = owner.id
        action.done_note = "Instructie aangepast, toolbox gehouden."
        nc.checks.append(EffectivenessCheck(checked_by_id=coordinator.id, checked_on=opened + dt.timedelta(days=40),
                                            effective=True, note="Geen herhaling in de weken erna."))
    demo.session.add(nc)
    demo.session.flush()


def add_incidents(demo) -> None:
    """A year of incidents, each in the state its age makes likely; figures follow from the persons."""
    add_hours(demo)
    sites = list(demo.sites.values())
    coordinator = demo.users.get(Role.COORDINATOR)
    staff = demo.users.get(Role.STAFF)
    for days_ago, kind, site_index, where, what, done, lost, arbo in INCIDENTS:
        occurred = dt.datetime.combine(demo.today - dt.timedelta(days=days_ago), dt.time(9 + days_ago % 8, 15))
        year = occurred.year
        state = _state(days_ago)
        incident = Incident(
            number=next_incident_number(year), type=kind, state=state, occurred_at=occurred - dt.timedelta(hours=1),
            occurred_on=occurred.date(), site=sites[site_index % len(sites)], location=where,
            involved="own_staff" if days_ago % 3 else "own_staff,temporary", injured_count=len(lost),
            description=what, immediate_action=done or None, reporter_id=staff.id if staff and days_ago % 4 else None,
            anonymous=not (staff and days_ago % 4), via_qr=not (staff and days_ago % 4),
            reported_at=occurred + dt.timedelta(hours=2), arbo_reason=arbo,
            arbo_notified_at=occurred + dt.timedelta(hours=5) if arbo else None)
        if state is not IncidentState.REPORTED:
            incident.severity = SEVERITY.get(kind, Severity.LOW)
            incident.triaged_at = incident.reported_at + dt.timedelta(days=1)
        if state in (IncidentState.INVESTIGATING, IncidentState.ACTIONS, IncidentState.CLOSED):
            incident.method = Method.FIVE_WHYS if days_ago % 2 else Method.TRIPOD
            incident.root_causes = "Werkinstructie beschreef deze situatie niet; geen vaste controle vooraf."
            incident.contributing_factors = "Tijdsdruk aan het eind van de dienst."
            incident.lessons = f"Les uit {where.lower()}: eerst de werkplek controleren (LMRA)."
            incident.lessons_for_toolbox = True
            if days_ago > 90:
                incident.lessons_discussed_on = incident.occurred_on + dt.timedelta(days=30)
                incident.lessons_meeting_ref = "Toolbox " + (incident.occurred_on + dt.timedelta(days=30)).strftime("%m-%Y")
        for n, days in enumerate(lost):
            incident.persons.append(IncidentPerson(
                category=PersonCategory.OWN_STAFF if n == 0 else PersonCategory.TEMPORARY, lost_days=days,
                name=f"{demo.employees['DG02' + str(n + 1)].full_name}" if 'DG021' in demo.employees else None))
        incident.lti_count = figures.lti_count([(p.category.value, p.lost_days) for p in incident.persons],
                                               incident.injured_count, kind is IncidentType.LTI)
        incident.lost_days = sum(lost)
        incident.max_lost_days = max(lost, default=0)
        incident.on_arbowet_list = figures.on_arbowet_list(kind.is_accident, arbo is not None, incident.max_lost_days)
        if state is IncidentState.CLOSED:
            incident.closed_at = utcnow() - dt.timedelta(days=days_ago - 50)
        demo.session.add(incident)
        demo.session.flush()
        if state in (IncidentState.ACTIONS, IncidentState.CLOSED) and coordinator is not None:
            _nonconformity(demo, incident, coordinator, staff or coordinator, closed=state is IncidentState.CLOSED)
