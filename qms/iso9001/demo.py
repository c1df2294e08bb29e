"""ISO 9001 demo data for De Glans (fictional): every register filled, a master trainer with a login."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ..auth.models import User
from ..permissions import Role
from ..suppliers.models import Supplier
from . import scoring
from .models import (Channel, Competence, Complaint, ComplaintState, ContextReview, ContextStatement, Decision,
                     Direction, EmployeeFunction, Exclusion, FeedbackKind, InterestedParty, Issue, IssueKind,
                     JobFunction, LearningAssignment, LearningPath, LearningStep, Measurement, Objective, Process,
                     Risk, RiskKind, RiskState, SatisfactionResult, StepSignoff, SupplierEvaluation)
from .services.customers import next_number as next_complaint_number

MASTER_TRAINER = "DG010"

SCOPE = ("Schoonmaakdiensten voor kantoren, zorginstellingen, scholen en winkelcentra, glasbewassing en "
         "ziekenhuisreiniging in de regio Utrecht, vanuit de vestiging Nijverheidsweg 18, Utrecht.")
CLIMATE = ("Relevant. Opdrachtgevers (zorg, overheid) vragen CO2-reductie en duurzame middelen; hittegolven "
           "beïnvloeden werktijden en gezondheid van medewerkers; extreem weer legt glasbewassing op hoogte stil.")

ISSUES = [
    (IssueKind.EXTERNAL, "Krappe arbeidsmarkt voor schoonmakers en glazenwassers", "Werving via BBL en leerwerkbedrijf.", False),
    (IssueKind.EXTERNAL, "Aanbestedingen eisen ISO 9001, VCA** en PSO", "Certificaten actueel houden.", False),
    (IssueKind.EXTERNAL, "Klimaat: opdrachtgevers vragen CO2-reductie, hitte en storm beïnvloeden het werk",
     "Elektrische bussen, hitteprotocol, weer-check voor werk op hoogte.", True),
    (IssueKind.EXTERNAL, "Cao-verhogingen Schoonmaak- en glazenwassersbranche", "Jaarlijks prijzen herzien.", False),
    (IssueKind.INTERNAL, "Veel nieuwe medewerkers en leerlingen", "Inwerkprogramma en leermeesters.", False),
    (IssueKind.INTERNAL, "Digitale werkbonnen en kwaliteitsmetingen (VSR) nog niet overal", "Uitrol telefoon-app.", False),
]

PARTIES = [
    ("Opdrachtgevers", "Afgesproken kwaliteitsniveau (VSR-KMS), vaste gezichten, snelle klachtafhandeling, CO2-rapportage.",
     "Kwartaalgesprekken en kwaliteitsmetingen.", True),
    ("Medewerkers", "Veilig werk, goede planning, opleiding, eerlijke beloning.", "Werkoverleg en MTO.", False),
    ("Certificerende instelling", "Aantoonbare naleving ISO 9001, VCA en PSO.", "Jaarlijkse audits.", False),
    ("Gemeente Utrecht (inkoop)", "Social return, duurzaamheid, PSO-trede.", "Contractgesprekken.", True),
    ("Leveranciers", "Duidelijke bestellingen, betaling op tijd.", "Leveranciersbeoordeling.", False),
]

#: (name, category, owner role)
PROCESSES = [
    ("Directie en beleid", "management", Role.ADMIN), ("Verkoop en offertes", "core", Role.ADMIN),
    ("Planning en uitvoering schoonmaak", "core", Role.COORDINATOR), ("Kwaliteitsmeting en klachten", "core", Role.COORDINATOR),
    ("Personeel, opleiding en PSO", "support", Role.HR), ("Inkoop en leveranciers", "support", Role.COORDINATOR),
]

#: (kind, title, likelihood, impact, actions, review in days, state)
RISKS = [
    (RiskKind.RISK, "Uitval door personeelstekort in de zomer", 4, 4, "Invalpool, vakantieplanning in februari.", 30, RiskState.TREATED),
    (RiskKind.RISK, "Val bij glasbewassing op hoogte", 2, 5, "Hoogwerkers, VCA-instructie, toolbox.", 60, RiskState.TREATED),
    (RiskKind.RISK, "Verlies van een grote opdrachtgever bij aanbesteding", 3, 4, "Relatiebeheer en kwaliteitsrapportages.", 90, RiskState.OPEN),
    (RiskKind.RISK, "Verkeerde middelen in ziekenhuis (hygiëne)", 2, 4, "Werkinstructie en kleurcodering.", -10, RiskState.TREATED),
    (RiskKind.RISK, "Hittegolf: gezondheid medewerkers", 3, 3, "Hitteprotocol, werktijden vervroegen.", 120, RiskState.OPEN),
    (RiskKind.RISK, "Storing planningssoftware", 2, 2, "Back-up en papieren noodplanning.", 180, RiskState.OPEN),
    (RiskKind.OPPORTUNITY, "Groene schoonmaak als onderscheidend aanbod", 3, 4, "Pilot met ecologische middelen.", 90, RiskState.OPEN),
    (RiskKind.OPPORTUNITY, "Samenwerking met leerwerkbedrijf voor instroom", 4, 3, "Convenant met Werkbedrijf Lekstroom.", 60, RiskState.TREATED),
]

#: (title, target, unit, direction, evaluation, monthly values oldest first)
OBJECTIVES = [
    ("Klanttevredenheid gemiddeld minimaal 7,5", "7.5", "cijfer", Direction.AT_LEAST, "Kwartaalmeting bij alle opdrachtgevers; KAM-coördinator",
     ["7.1", "7.3", "7.2", "7.6", "7.8", "7.7"]),
    ("Klachten per maand maximaal 3", "3", "klachten", Direction.AT_MOST, "Telling uit het klachtenregister, maandelijks",
     ["5", "4", "4", "3", "2", "3"]),
    ("VSR-kwaliteitsmetingen goedgekeurd", "95", "%", Direction.AT_LEAST, "Steekproef VSR-KMS per object, maandelijks",
     ["91", "93", "92", "94", "96", "95"]),
    ("Ziekteverzuim onder 5 %", "5", "%", Direction.AT_MOST, "Verzuimregistratie HR, maandelijks", ["6.2", "5.8", "5.9", "5.4", "5.6", "5.3"]),
]

#: (kind, channel, days ago, client, site, description, state, response, answered days after receipt)
COMPLAINTS = [
    (FeedbackKind.COMPLAINT, Channel.EMAIL, 70, "Notariskantoor Van Dijk & Bakker", "Kantoorpand Maliesingel",
     "Prullenbakken op de tweede verdieping twee keer niet geleegd.", ComplaintState.CLOSED,
     "Excuses aangeboden; objectkaart aangepast en medewerker opnieuw ingewerkt.", 4),
    (FeedbackKind.COMPLAINT, Channel.PHONE, 45, "Stichting Rijnoever Zorggroep", "Rijnoever Ziekenhuis, locatie Nieuwegein",
     "Isolatiekamer niet volgens protocol gereinigd (verkeerde doekkleur).", ComplaintState.ANSWERED,
     "Direct opnieuw gereinigd; alle medewerkers op de afdeling opnieuw geïnstrueerd.", 2),
    (FeedbackKind.COMPLAINT, Channel.LOGBOOK, 20, "VvE Winkelcentrum Overvecht", "Winkelcentrum Overvecht",
     "Strepen op de glazen pui na de glasbewassing.", ComplaintState.IN_PROGRESS, None, None),
    (FeedbackKind.COMPLAINT, Channel.IN_PERSON, 3, "Stichting Het Baken", "Scholengemeenschap Het Baken",
     "Gymzaal vloer plakkerig na reiniging.", ComplaintState.RECEIVED, None, None),
    (FeedbackKind.COMPLAINT, Channel.EMAIL, 30, "Vastgoedbeheer Papendorp B.V.", "Bedrijvenpark Papendorp",
     "Toiletten in de ochtend nog niet schoon.", ComplaintState.RECEIVED, None, None),
    (FeedbackKind.COMPLIMENT, Channel.EMAIL, 15, "Stichting De Linde", "Zorgcentrum De Linde",
     "Bewoners zijn erg tevreden over de vaste schoonmaakster.", ComplaintState.CLOSED, None, 1),
    (FeedbackKind.FEEDBACK, Channel.PHONE, 8, "Sportstichting De Wetering", "Sportpark De Wetering",
     "Verzoek om de kleedkamers op zaterdag extra te reinigen.", ComplaintState.IN_PROGRESS, None, None),
]

SATISFACTION = [(300, "Notariskantoor Van Dijk & Bakker", "7.8"), (280, "Stichting Rijnoever Zorggroep", "7.2"),
                (200, "VvE Winkelcentrum Overvecht", "6.9"), (120, "Stichting De Linde", "8.4"),
                (90, "Vastgoedbeheer Papendorp B.V.", "7.4"), (40, "Stichting Het Baken", "7.9"),
                (20, "Sportstichting De Wetering", "8.1")]

#: supplier name → list of (days ago, quality, delivery, communication, price, sustainability, decision, next in days)
EVALUATIONS = {
    "Schoonmaakgroothandel Van Rijn B.V.": [(400, 4, 3, 4, 3, 3, Decision.APPROVED, -35), (35, 4, 4, 4, 3, 4, Decision.APPROVED, 330)],
    "Kärcher-dealer Midden B.V.": [(120, 5, 4, 4, 3, 3, Decision.APPROVED, 245)],
    "Glastec Hoogwerkers": [(380, 3, 2, 3, 3, 2, Decision.CONDITIONAL, -15)],
    "Werkbedrijf Lekstroom": [(60, 4, 4, 5, 4, 5, Decision.APPROVED, 305)],
    "Textielservice Centraal": [(200, 2, 2, 2, 3, 2, Decision.REJECTED, 165)],
}

#: function → [(competence, training kind, training title)]
FUNCTIONS = {
    "Schoonmaakmedewerker": [("Basisveiligheid VCA", "b_vca", None), ("Werken volgens objectkaart", None, None)],
    "Glazenwasser": [("Basisveiligheid VCA", "b_vca", None), ("Werken op hoogte (hoogwerker)", "other", "hoogwerker"),
                     ("Glasbewassing vakdiploma", None, None)],
    "Leidinggevende / voorman": [("VOL-VCA", "vol_vca", None), ("BHV", "bhv", None)],
    "Ziekenhuisreiniging": [("Basisveiligheid VCA", "b_vca", None), ("Hygiëneprotocol ziekenhuis", "other", "hygiëne")],
    "Leermeester": [("Praktijkopleider (leermeester)", None, None)],
}

#: function → personnel numbers
HOLDERS = {
    "Schoonmaakmedewerker": ["DG020", "DG021", "DG025", "DG014", "DG018"],
    "Glazenwasser": ["DG022", "DG010", "DG015", "DG017"],
    "Leidinggevende / voorman": ["DG006", "DG007", "DG008", "DG009"],
    "Ziekenhuisreiniging": ["DG023", "DG024", "DG012", "DG016", "DG019"],
    "Leermeester": ["DG010", "DG011", "DG012", "DG013"],
}

PATHS = {
    "BBL Glazenwasser niveau 2": ["Veilig werken met ladder en steiger", "Glasbewassing binnen: methode en middelen",
                                  "Glasbewassing buiten met telescoopsteel", "Werken met de hoogwerker onder begeleiding",
                                  "Zelfstandig een object uitvoeren"],
    "BBL Schoonmaak niveau 2": ["Objectkaart lezen en volgen", "Sanitair reinigen volgens methode",
                                "Vloeronderhoud: stofwissen en moppen", "Kwaliteitsmeting VSR met leermeester",
                                "Zelfstandig een object uitvoeren"],
}

#: apprentice → (path, steps signed)
#: Only DG010 has a login in the demo, so only his apprentices have sign-offs.
APPRENTICES = {"DG015": ("BBL Glazenwasser niveau 2", 2), "DG017": ("BBL Glazenwasser niveau 2", 0),
               "DG014": ("BBL Schoonmaak niveau 2", 0), "DG016": ("BBL Schoonmaak niveau 2", 0),
               "DG018": ("BBL Schoonmaak niveau 2", 0), "DG019": ("BBL Schoonmaak niveau 2", 0)}


#: "Other" training that the function requirements look for: (number, title, days still valid).
OTHER_TRAINING = [("DG022", "Hoogwerker (IPAF) 3a/3b", 700), ("DG010", "Hoogwerker (IPAF) 3a/3b", 45),
                  ("DG023", "Hygiëne ziekenhuisreiniging", 500), ("DG024", "Hygiëne ziekenhuisreiniging", 300),
                  ("DG012", "Hygiëne ziekenhuisreiniging", 900)]


def _competence_evidence(demo, functions: dict, coordinator) -> None:
    """On-the-job evidence for qualified staff (apprentices are still learning) and some specific training."""
    from ..training.models import TrainingKind, TrainingRecord
    from .models import CompetenceEvidence

    s, today = demo.session, demo.today
    for name, numbers in HOLDERS.items():
        for competence in functions[name].competences:
            if competence.training_kind:
                continue
            for number in numbers:
                employee = demo.employees[number]
                if employee.is_apprentice:
                    continue
                s.add(CompetenceEvidence(employee_id=employee.id, competence_id=competence.id,
                                         obtained_on=employee.hired_on + dt.timedelta(days=180), valid_until=None,
                                         note="Beoordeeld op de werkvloer", recorded_by_id=coordinator.id if coordinator else None))
    for number, title, days_left in OTHER_TRAINING:
        s.add(TrainingRecord(employee_id=demo.employees[number].id, kind=TrainingKind.OTHER, title=title,
                             completed_on=today - dt.timedelta(days=400), valid_until=today + dt.timedelta(days=days_left)))


def add_iso9001(demo) -> None:
    s, today = demo.session, demo.today
    users = demo.users
    coordinator = users.get(Role.COORDINATOR)
    days = lambda n: today - dt.timedelta(days=n)  # noqa: E731

    s.add(ContextStatement(scope=SCOPE, climate_relevant=True, climate_reasoning=CLIMATE,
                           climate_determined_on=days(60)))
    s.add(ContextReview(reviewed_on=days(60), reviewed_by_id=coordinator.id if coordinator else None,
                        note="Jaarlijkse herziening; klimaat toegevoegd (wijziging 2024)."))
    for kind, description, effect, climate in ISSUES:
        s.add(Issue(kind=kind, description=description, effect=effect, climate_related=climate, active=True))
    for name, requirements, monitoring, climate in PARTIES:
        s.add(InterestedParty(name=name, requirements=requirements, monitoring=monitoring, climate_related=climate,
                              active=True))
    s.add(Exclusion(norm_version="2015", requirement="8.3",
                    justification="Wij ontwerpen geen diensten: opdrachtgevers leggen het bestek vast; "
                                  "wij voeren schoonmaak uit volgens vaste branchemethoden."))
    for name, category, role in PROCESSES:
        s.add(Process(name=name, category=category, owner=users.get(role), active=True))

    for kind, title, likelihood, impact, actions, review, state in RISKS:
        s.add(Risk(kind=kind, title=title, likelihood=likelihood, impact=impact, actions=actions, owner=coordinator,
                   review_on=today + dt.timedelta(days=review), state=state))
    reviewed = Risk(kind=RiskKind.RISK, title="Diefstal van sleutels en toegangspassen", likelihood=1, impact=4,
                    actions="Sleutelregistratie en sleutelkluis.", owner=coordinator, state=RiskState.TREATED,
                    review_on=today + dt.timedelta(days=200), reviewed_on=days(30), effective=True,
                    effectiveness="Geen incidenten sinds invoering sleutelkluis.")
    s.add(reviewed)

    for title, target, unit, direction, evaluation, values in OBJECTIVES:
        objective = Objective(title=title, target=Decimal(target), unit=unit, direction=direction, owner=coordinator,
                              resources="KAM-coördinator 4 uur per maand", deadline=dt.date(today.year, 12, 31)
                              if today.month < 11 else dt.date(today.year + 1, 6, 30), evaluation=evaluation)
        s.add(objective)
        for i, value in enumerate(values):
            s.add(Measurement(objective=objective, measured_on=days(30 * (len(values) - 1 - i) + 5),
                              value=Decimal(value), recorded_by_id=coordinator.id if coordinator else None))
    s.flush()

    sites = {site.name: site for site in demo.sites.values()}
    complaints = []
    for kind, channel, ago, client, site, description, state, response, answered in COMPLAINTS:
        received = days(ago)
        complaint = Complaint(number=next_complaint_number(received.year), kind=kind, channel=channel,
                              received_on=received, client=client, site=sites.get(site), description=description,
                              deadline=scoring.default_deadline(kind.value, received), state=state, owner=coordinator,
                              response=response,
                              answered_on=received + dt.timedelta(days=answered) if answered is not None else None,
                              closed_on=received + dt.timedelta(days=answered + 3) if state == ComplaintState.CLOSED else None)
        s.add(complaint)
        complaints.append(complaint)
    s.flush()
    try:
        from .services import customers
        customers.to_nonconformity(complaints[1], user=coordinator, severity="minor",
                                   action="Alle medewerkers ziekenhuisreiniging opnieuw instrueren over de kleurcodering",
                                   owner_id=coordinator.id, due_date=today + dt.timedelta(days=14))
    except ImportError:  # pragma: no cover - corrective actions not installed
        pass
    for ago, client, score in SATISFACTION:
        s.add(SatisfactionResult(surveyed_on=days(ago), client=client, score=Decimal(score), method="Enquête"))

    suppliers = getattr(demo, "suppliers", None) or {}
    for name, rows in EVALUATIONS.items():
        supplier = suppliers.get(name) or s.query(Supplier).filter_by(name=name).first()
        if supplier is None:
            continue
        for ago, quality, delivery, communication, price, sustainability, decision, next_in in rows:
            scores = dict(quality=quality, delivery=delivery, communication=communication, price=price,
                          sustainability=sustainability)
            s.add(SupplierEvaluation(supplier=supplier, evaluated_on=days(ago), evaluated_by_id=coordinator.id if coordinator else None,
                                     score=scoring.supplier_score(scores), decision=decision,
                                     next_evaluation=today + dt.timedelta(days=next_in),
                                     note=None if decision == Decision.APPROVED else "Verbeterplan gevraagd.", **scores))

    functions = {}
    for name, competences in FUNCTIONS.items():
        function = JobFunction(name=name, active=True)
        for competence, kind, title in competences:
            function.competences.append(Competence(name=competence, training_kind=kind, training_title=title))
        s.add(function)
        functions[name] = function
    s.flush()
    for name, numbers in HOLDERS.items():
        for number in numbers:
            s.add(EmployeeFunction(employee_id=demo.employees[number].id, function_id=functions[name].id))

    _competence_evidence(demo, functions, coordinator)
    trainer_user = demo.session.get(User, demo.employees[MASTER_TRAINER].user_id)
    demo.master_trainer_user = trainer_user
    paths = {}
    for name, steps in PATHS.items():
        path = LearningPath(name=name, description="Leerroute voor BBL-leerlingen met een leermeester.")
        for position, title in enumerate(steps, start=1):
            path.steps.append(LearningStep(position=position, title=title))
        s.add(path)
        paths[name] = path
    s.flush()
    for number, (path_name, signed) in APPRENTICES.items():
        apprentice = demo.employees[number]
        path = paths[path_name]
        s.add(LearningAssignment(employee_id=apprentice.id, path_id=path.id, started_on=apprentice.hired_on))
        mentor = apprentice.mentor
        for step in path.steps[:signed]:
            s.add(StepSignoff(employee_id=apprentice.id, step_id=step.id, signed_by_employee_id=mentor.id,
                              signed_by_user_id=trainer_user.id, signed_on=days(20 * (signed - step.position) + 10)))
    s.flush()
