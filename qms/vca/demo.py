"""Demo data: a year of VCA work for De Glans — diplomas (with gaps, apprentices included), toolbox meetings
with attendance, inspections, equipment with one overdue keuring, PPE, RI&E and TRAs (one older than 12 months)."""
from __future__ import annotations

import datetime as dt

from qms.organisation.models import Employee
from qms.permissions import Role
from qms.training.models import TrainingRecord
from qms.training.models import kinds
from qms.training.rules import default_valid_until

from .models import (AssessmentKind, AttendanceMethod, Engagement, FindingResult, InspectionState, KeuringResult,
                     MeetingMode, MeetingState, VcaEquipment, VcaInspection, VcaInspectionFinding,
                     VcaInspectionTemplate, VcaKeuring, VcaLmraCard, VcaPpeIssue, VcaProfile, VcaRiskAssessment,
                     VcaRiskMeasure, VcaToolboxAttendance, VcaToolboxMeeting, VcaWorker)
from .rules import add_months

#: Office staff do no risky work; everyone else does, from their first day.
OFFICE = {"DG001", "DG002", "DG003", "DG004", "DG005"}
#: Who holds which VCA diploma, and how many years ago the exam was.
DIPLOMAS = {
    "DG006": ("vol_vca", 3), "DG007": ("vol_vca", 6), "DG008": ("vol_vca", 2), "DG009": ("b_vca", 5),
    "DG010": ("b_vca", 8), "DG011": ("b_vca", 4), "DG012": ("b_vca", 5), "DG013": ("b_vca", 9.85),
    "DG014": ("b_vca", 0.9), "DG016": ("b_vca", 1.2), "DG019": ("b_vca", 1.5),
    "DG020": ("b_vca", 3), "DG021": ("b_vca", 9.9), "DG022": ("b_vca", 6), "DG023": ("b_vca", 2),
    "DG024": ("b_vca", 11), "DG025": ("b_vca", 7), "DG003": ("vol_vca", 4),
}
TOPICS = [
    "Veilig werken met schoonmaakmiddelen", "Ladders en trappen: de 10 regels", "Werken op hoogte met de hoogwerker",
    "Rugklachten voorkomen: tillen en duwen", "Bijna-ongevallen melden: waarom en hoe",
    "Huid beschermen: handschoenen en verzorging", "Valbeveiliging en harnas controleren",
    "Gladde vloeren en afzetten", "Brand en ontruiming bij de klant", "Elektrische machines veilig gebruiken",
    "Agressie en ongewenst gedrag op locatie", "Werken in het ziekenhuis: hygiëne en prikaccidenten",
]
CHECKS = [
    "Werkplek afgezet en waarschuwingsborden geplaatst", "Juiste PBM gedragen (schoenen, handschoenen)",
    "Schoonmaakmiddelen in originele, geëtiketteerde verpakking", "Veiligheidsinformatiebladen aanwezig",
    "Machines en snoeren onbeschadigd", "Ladders en trappen gekeurd en juist opgesteld",
    "LMRA uitgevoerd voor start van het werk", "Nooduitgangen en blusmiddelen vrij",
]


def _years(demo, years: float) -> dt.date:
    return demo.today - dt.timedelta(days=round(years * 365.25))


def add_vca_year(demo) -> None:
    s = demo.session
    today = demo.today
    coordinator = demo.users.get(Role.COORDINATOR)
    s.add(VcaProfile(version="2017-6.0", policy_title="VGM-beleidsverklaring De Glans",
                     policy_signed_on=_years(demo, 2.6), policy_signed_by="Peter de Graaf, algemeen directeur",
                     policy_evaluated_on=_years(demo, 2.6)))

    # People: risky work, a temporary worker and an intern on top of the register.
    temp = Employee(number="DG026", first_name="Marek", last_name="Nowak", function="Glazenwasser (uitzendkracht)",
                    department=demo.employees["DG022"].department, hired_on=today - dt.timedelta(days=150))
    intern = Employee(number="DG027", first_name="Noor", last_name="Vos", function="Stagiair schoonmaak",
                      department=demo.employees["DG021"].department, hired_on=today - dt.timedelta(days=40))
    s.add_all([temp, intern])
    s.flush()
    demo.employees["DG026"], demo.employees["DG027"] = temp, intern
    for number, employee in demo.employees.items():
        if number in OFFICE:
            continue
        engagement = {"DG026": Engagement.TEMPORARY, "DG027": Engagement.INTERN}.get(number, Engagement.OWN)
        s.add(VcaWorker(employee_id=employee.id, risky_work_since=employee.hired_on, engagement=engagement))

    # Diplomas (with their CDR numbers) and a few BHV / first-aid certificates.
    for i, (number, (kind, years)) in enumerate(sorted(DIPLOMAS.items())):
        exam = _years(demo, years)
        s.add(TrainingRecord(employee_id=demo.employees[number].id, kind=kind,
                             title={"b_vca": "B-VCA", "vol_vca": "VOL-VCA"}[kind], number=f"CDR{4100231 + i * 37}",
                             completed_on=exam, valid_until=default_valid_until(kinds()[kind], exam)))
    for number in ("DG003", "DG007", "DG008", "DG011"):
        exam = _years(demo, 0.7)
        s.add(TrainingRecord(employee_id=demo.employees[number].id, kind="bhv", title="BHV basis",
                             completed_on=exam, valid_until=add_months(exam, 12)))
    s.add(TrainingRecord(employee_id=demo.employees["DG009"].id, kind="first_aid", title="EHBO",
                         completed_on=_years(demo, 1.9), valid_until=add_months(_years(demo, 1.9), 24)))
    s.flush()

    # Toolbox meetings: monthly over the past year (none in the summer holiday), the latest open for signing,
    # the rest of the year planned.
    operational = [e for n, e in demo.employees.items() if n not in OFFICE]
    presenters = [demo.employees[n] for n in ("DG006", "DG007", "DG008", "DG009")]
    days = [add_months(today.replace(day=1), -i) + dt.timedelta(days=6) for i in range(12, -1, -1)]
    days = [d for d in days if d.month != 8 and d <= today]
    for i, day in enumerate(days):
        latest = i == len(days) - 1
        meeting = VcaToolboxMeeting(planned_on=day, held_on=day, topic=TOPICS[day.month - 1],
                                    presenter_id=presenters[i % 4].id,
                                    mode=MeetingMode.DIGITAL if day.month == 12 else MeetingMode.LIVE,
                                    state=MeetingState.HELD if latest else MeetingState.CLOSED)
        s.add(meeting)
        s.flush()
        for j, person in enumerate(operational):
            if person.hired_on > day or (j + i) % 9 == 0 or (latest and (j % 2 or person.number == "DG020")):
                continue  # not yet employed, missed it, or (the open meeting) not signed yet
            method = AttendanceMethod.RECORDED if j % 4 == 0 else AttendanceMethod.SIGNED
            s.add(VcaToolboxAttendance(meeting_id=meeting.id, employee_id=person.id, method=method,
                                       signed_at=dt.datetime.combine(day, dt.time(8, 15)),
                                       recorded_by_id=coordinator.id if coordinator else None))
    month = add_months(today.replace(day=1), 1)
    while month.year == today.year:
        s.add(VcaToolboxMeeting(planned_on=month + dt.timedelta(days=6), topic=TOPICS[month.month - 1],
                                state=MeetingState.PLANNED, presenter_id=presenters[month.month % 4].id))
        month = add_months(month, 1)

    # Workplace inspections: a checklist, a year of inspections (two findings), one overdue, two planned.
    template = VcaInspectionTemplate(name="Werkplekinspectie schoonmaak", items="\n".join(CHECKS), active=True)
    s.add(template)
    s.add(VcaInspectionTemplate(name="Glazenwassen op hoogte", active=True, items="\n".join([
        "Hoogwerker gekeurd en dagelijkse controle gedaan", "Harnas en vanglijn gecontroleerd",
        "Werkgebied onder de bak afgezet", "Weersomstandigheden beoordeeld (wind)", "LMRA ingevuld"])))
    s.flush()
    sites = list(demo.sites.values())
    for i in range(11, 0, -1):
        day = add_months(today, -i)
        inspection = VcaInspection(template_id=template.id, site_id=sites[i % len(sites)].id, planned_on=day,
                                   done_on=day, state=InspectionState.DONE,
                                   inspector_id=coordinator.id if coordinator else None)
        s.add(inspection)
        s.flush()
        for k, check in enumerate(CHECKS):
            bad = (i, k) in {(9, 1), (4, 4)}
            s.add(VcaInspectionFinding(inspection_id=inspection.id, item=check,
                                       result=FindingResult.NOT_OK if bad else FindingResult.OK,
                                       note="Medewerker zonder veiligheidsschoenen" if (i, k) == (9, 1) else (
                                           "Snoer van schrobmachine beschadigd, direct vervangen" if bad else None)))
    for delta in (-12, 10, 40):
        s.add(VcaInspection(template_id=template.id, site_id=sites[delta % len(sites)].id,
                            planned_on=today + dt.timedelta(days=delta), state=InspectionState.PLANNED))

    # Equipment with keuringen; the hoogwerker is overdue.
    for name, code, location, interval, last_months_ago in [
        ("Hoogwerker Genie GS-1932", "HW-01", "Depot Utrecht", 12, 13),
        ("Telescoopladder 3x10", "LD-07", "Bus 3", 12, 5), ("Reformladder 4x8", "LD-09", "Bus 5", 12, 9),
        ("Valharnas Miller", "VH-02", "Depot Utrecht", 12, 2), ("Schrobzuigmachine Nilfisk SC500", "SZ-04",
                                                                  "Rijnoever Ziekenhuis", 12, 7),
        ("Osmose-installatie glasbewassing", "OS-01", "Bus 2", 12, 4),
    ]:
        last = add_months(today, -last_months_ago)
        item = VcaEquipment(name=name, code=code, location=location, interval_months=interval, last_keuring_on=last,
                            next_keuring_on=add_months(last, interval), active=True)
        s.add(item)
        s.flush()
        s.add(VcaKeuring(equipment_id=item.id, inspected_on=last, result=KeuringResult.APPROVED,
                         inspected_by="Keurmeester Veilig Keuren B.V.", next_due=add_months(last, interval)))

    # PPE issued.
    for k, person in enumerate(operational[:14]):
        s.add(VcaPpeIssue(employee_id=person.id, item="Veiligheidsschoenen S3", size=str(39 + k % 8),
                          issued_on=add_months(today, -(k % 11) - 1), replace_on=add_months(today, 12 - k % 11)))
        if person.function.lower().startswith(("glazenwasser", "bbl-leerling glazenwasser")):
            s.add(VcaPpeIssue(employee_id=person.id, item="Valharnas", size="M", issued_on=add_months(today, -6)))

    # Risk assessments: the company RI&E with its plan of action, a function RI&E and three TRAs.
    rie = VcaRiskAssessment(kind=AssessmentKind.RIE, title="RI&E De Glans 2025", assessed_on=_years(demo, 1.5),
                            assessed_by="Arbodienst Midden B.V. (getoetst)", active=True)
    s.add(rie)
    s.add(VcaRiskAssessment(kind=AssessmentKind.FUNCTION_RIE, title="Functie-RI&E glazenwasser",
                            subject="Glazenwasser", assessed_on=_years(demo, 1.2), assessed_by="Jeroen Bakker",
                            active=True))
    for title, subject, months in [("TRA glasbewassing met hoogwerker", "Glasbewassing met hoogwerker", 4),
                                   ("TRA reinigen met chloorhoudende middelen", "Desinfectie ziekenhuis", 14),
                                   ("TRA gevelreiniging met ladder", "Gevelreiniging tot 6 m", 8)]:
        s.add(VcaRiskAssessment(kind=AssessmentKind.TRA, title=title, subject=subject,
                                assessed_on=add_months(today, -months), assessed_by="Ahmed Yilmaz", active=True))
    s.flush()
    owner = coordinator.id if coordinator else None
    s.add_all([
        VcaRiskMeasure(assessment_id=rie.id, measure="Tilhulpmiddelen aanschaffen voor emmers en machines",
                       owner_id=owner, due_on=_years(demo, 1.0), done_on=_years(demo, 1.1)),
        VcaRiskMeasure(assessment_id=rie.id, measure="Werkplekonderzoek huidbelasting ziekenhuisreiniging",
                       owner_id=owner, due_on=today + dt.timedelta(days=60)),
        VcaRiskMeasure(assessment_id=rie.id, measure="Alleenwerkprocedure avondschoonmaak vastleggen",
                       owner_id=owner, due_on=today + dt.timedelta(days=120)),
    ])
    s.add(VcaLmraCard(title="LMRA schoonmaak", task="Voor elke schoonmaakopdracht", active=True, questions="\n".join([
        "Weet ik wat ik moet doen en hoe?", "Heb ik de juiste middelen en PBM?", "Is de werkplek veilig en afgezet?",
        "Ken ik de nooduitgangen en het alarmnummer van de klant?", "Zijn er andere mensen in de buurt die gevaar lopen?"])))
    s.add(VcaLmraCard(title="LMRA werken op hoogte", task="Glasbewassing, ladder of hoogwerker", active=True,
                      questions="\n".join(["Is het materieel gekeurd (sticker geldig)?", "Staat de ladder stabiel op "
                                           "een vlakke ondergrond?", "Is de wind minder dan 6 Beaufort?",
                                           "Draag ik mijn harnas en is het aangelijnd?", "Is de ruimte eronder afgezet?"])))
    s.flush()
