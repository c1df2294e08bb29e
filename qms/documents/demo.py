"""Demo documents of Schoonmaakbedrijf De Glans: procedures, work instructions, forms and the VGM policy
statement; most published (one with a superseded first version), one in review, one draft, one withdrawn;
linked to ISO 9001, VCA and PSO requirements and distributed to the staff."""
from __future__ import annotations

import datetime as dt
import hashlib

from ..database import utcnow
from ..permissions import Role
from .content import sha256_text
from .models import (DistributionTarget, Document, DocumentRequirement, DocumentType, DocumentVersion,
                     ReadConfirmation, ReviewOutcome, ReviewRecord, Signature, SignatureMeaning, TargetKind,
                     VersionReviewer, VersionState)
from .services.register import reindex
from .workflow import next_review_date

T = DocumentType
ISO, VCA, PSO = ("iso9001", "2015"), ("vca", "2017-6.0"), ("pso", "1.9")


def _text(title: str, purpose: str, steps: list[str]) -> str:
    lines = [f"# {title}", "", "## Doel", "", purpose, "", "## Werkwijze", ""]
    lines += [f"{i}. {step}" for i, step in enumerate(steps, 1)]
    lines += ["", "## Verantwoordelijk", "", "De KAM-coördinator beheert dit document; de leidinggevende ziet toe op "
              "de uitvoering."]
    return "\n".join(lines)


#: number, title, type, requirements, department, state of the newest version, extra versions, content.
DOCUMENTS = [
    ("VGM-001", "VGM-beleidsverklaring", T.POLICY, [VCA + ("1.1",), ISO + ("5.2.1",)], None, "published_twice",
     _text("VGM-beleidsverklaring", "De directie van De Glans verklaart dat veiligheid, gezondheid en milieu bij al "
           "ons werk voorop staan.",
           ["Wij voldoen aan de Arbowet en de eisen van VCA**.", "Wij voorkomen ongevallen en beroepsziekten door "
            "risico's te inventariseren en maatregelen te nemen.", "Iedere medewerker mag onveilig werk stoppen.",
            "Wij beoordelen dit beleid elk jaar in de directiebeoordeling."])),
    ("KB-001", "Kwaliteitsbeleid", T.POLICY, [ISO + ("5.2.1",)], None, "published",
     _text("Kwaliteitsbeleid", "Schone gebouwen, afspraken nakomen en tevreden opdrachtgevers.",
           ["Wij meten de tevredenheid van opdrachtgevers twee keer per jaar.", "Klachten lossen wij binnen 48 uur op.",
            "Wij leggen kwaliteitscontroles vast in QMS."])),
    ("PR-001", "Beheersing van gedocumenteerde informatie", T.PROCEDURE, [ISO + ("7.5",)], None, "published",
     _text("Beheersing van gedocumenteerde informatie", "Iedereen werkt met de goedgekeurde, geldende versie.",
           ["De KAM-coördinator maakt of wijzigt een document als concept.", "Een beoordelaar en een goedkeurder "
            "(niet de auteur) ondertekenen elektronisch.", "Na publicatie vervalt de vorige versie automatisch.",
            "Medewerkers bevestigen het lezen in QMS.", "Elk document wordt minstens eens per jaar beoordeeld."])),
    ("PR-002", "Klachtenbehandeling", T.PROCEDURE, [ISO + ("9.1.2",), ISO + ("10.2.1",)], None, "published",
     _text("Klachtenbehandeling", "Klachten van opdrachtgevers snel en zichtbaar oplossen.",
           ["Noteer de klacht dezelfde dag.", "De objectleider neemt binnen 24 uur contact op.",
            "Bij een herhaalde klacht volgt een afwijkingsrapport."])),
    ("PR-003", "Interne audits", T.PROCEDURE, [ISO + ("9.2",), VCA + ("1.6",)], None, "published",
     _text("Interne audits", "Elk jaar toetsen of wij doen wat wij beschreven hebben.",
           ["De interne auditor maakt een jaarprogramma.", "Bevindingen worden afwijkingen met acties.",
            "De resultaten gaan naar de directiebeoordeling."])),
    ("PR-004", "Melden en onderzoeken van incidenten", T.PROCEDURE, [VCA + ("11.1",), VCA + ("11.2",)], None,
     "published",
     _text("Melden en onderzoeken van incidenten", "Leren van ongevallen en bijna-ongevallen.",
           ["Meld elk incident direct aan je leidinggevende en in QMS.", "Bij letsel: eerst hulp, dan melden.",
            "De KAM-coördinator onderzoekt de oorzaak en bespreekt de les in de toolbox."])),
    ("PR-005", "Inkoop en leveranciersbeoordeling", T.PROCEDURE, [ISO + ("8.4",), VCA + ("9.1",), PSO + ("Q.5.1",)],
     None, "in_review",
     _text("Inkoop en leveranciersbeoordeling", "Goede leveranciers, veilig materiaal en sociaal inkopen.",
           ["Kies leveranciers met VCA- of PSO-certificaat waar dat kan.", "Beoordeel leveranciers jaarlijks.",
            "Leg certificaten met geldigheidsdatum vast."])),
    ("PR-006", "Werken met medewerkers uit de doelgroep", T.PROCEDURE, [PSO + ("K.2",), PSO + ("K.4",)], None,
     "published",
     _text("Werken met medewerkers uit de doelgroep", "Iedere nieuwe collega krijgt passend werk en begeleiding.",
           ["Een leermeester begeleidt de eerste drie maanden.", "Wij bespreken de voortgang elke maand.",
            "Gegevens over de doelgroep zijn alleen voor HR zichtbaar."])),
    ("WI-001", "Dagelijks onderhoud kantoren", T.WORK_INSTRUCTION, [ISO + ("7.5",)], "Kantoorschoonmaak",
     "published",
     _text("Dagelijks onderhoud kantoren", "Een vaste volgorde zodat niets vergeten wordt.",
           ["Prullenbakken legen en zakken vervangen.", "Bureaus en deurklinken afnemen met microvezeldoek.",
            "Sanitair reinigen met de **rode** doek, nooit met een andere kleur.", "Vloeren stofwissen, daarna nat "
            "moppen.", "Afwijkingen melden in de objectmap."])),
    ("WI-002", "Glasbewassing met telescoopsteel", T.WORK_INSTRUCTION, [VCA + ("3.4",), VCA + ("9.3",)],
     "Glasbewassing", "published",
     _text("Glasbewassing met telescoopsteel", "Veilig ramen wassen vanaf de grond tot 20 meter.",
           ["Controleer steel en slangen voor gebruik.", "Zet de werkplek af met pionnen.",
            "Werk niet bij windkracht 6 of meer.", "Draag veiligheidsschoenen en handschoenen."])),
    ("WI-003", "Werken met schoonmaakmiddelen", T.WORK_INSTRUCTION, [VCA + ("8.2",), VCA + ("9.3",)], None,
     "published",
     _text("Werken met schoonmaakmiddelen", "Geen huidklachten of ongelukken met middelen.",
           ["Lees het etiket en de werkplekinstructiekaart.", "Doseer met de doseerpomp, nooit op het oog.",
            "Meng nooit chloor met zuur.", "Draag handschoenen bij het verdunnen."])),
    ("WI-004", "Vloeronderhoud met oude schrobmachine", T.WORK_INSTRUCTION, [], "Kantoorschoonmaak", "withdrawn",
     _text("Vloeronderhoud met oude schrobmachine", "Vervallen: de machine is vervangen.",
           ["Gebruik de nieuwe instructie van de leverancier."])),
    ("F-001", "Werkplekinspectie", T.FORM, [VCA + ("7.1",)], None, "published",
     "# Werkplekinspectie\n\n| Punt | In orde | Opmerking |\n|---|---|---|\n| Opslag middelen | ja / nee | |\n"
     "| PBM aanwezig | ja / nee | |\n| Nooduitgang vrij | ja / nee | |\n\nDatum, naam en handtekening leidinggevende."),
    ("F-002", "Toolboxregistratie", T.RECORD_TEMPLATE, [VCA + ("4.1",)], None, "draft",
     "# Toolboxregistratie\n\nOnderwerp:\n\nDatum:\n\n| Naam | Handtekening |\n|---|---|\n| | |"),
]


def _signatures(version: DocumentVersion, reviewer, approver, at: dt.datetime) -> None:
    version.reviewers = [VersionReviewer(user_id=reviewer.id)]
    version.approver_id = approver.id
    version.signatures = [
        Signature(signer_id=reviewer.id, signer_name=reviewer.name, meaning=SignatureMeaning.REVIEWED,
                  signed_at=at, sha256=version.sha256),
        Signature(signer_id=approver.id, signer_name=approver.name, meaning=SignatureMeaning.APPROVED,
                  signed_at=at + dt.timedelta(hours=2), sha256=version.sha256)]


#: Documents that everyone working at a site must read as well (document number → site name).
SITE_TARGETS = {"WI-001": "Kantoorpand Maliesingel"}


def add_documents(demo) -> None:
    author = demo.users.get(Role.COORDINATOR)
    reviewer = demo.users.get(Role.AUDITOR)
    approver = demo.users.get(Role.ADMIN)
    staff = demo.users.get(Role.STAFF)
    if author is None or reviewer is None or approver is None:
        return
    session = demo.session
    for index, (number, title, kind, requirements, department, state, content) in enumerate(DOCUMENTS):
        document = Document(number=number, title=title, type=kind, owner_id=author.id, review_interval_months=12,
                            retention_years=7 if kind in (T.FORM, T.RECORD_TEMPLATE) else None, search_text="",
                            department=demo.departments.get(department) if department else None)
        document.requirements = [DocumentRequirement(norm=n, norm_version=v, requirement=c) for n, v, c in requirements]
        if department:
            document.targets = [DistributionTarget(kind=TargetKind.DEPARTMENT,
                                                   department_id=demo.departments[department].id)]
            if number in SITE_TARGETS and SITE_TARGETS[number] in demo.sites:
                document.targets.append(DistributionTarget(kind=TargetKind.SITE,
                                                           site_id=demo.sites[SITE_TARGETS[number]].id))
        else:
            document.targets = [DistributionTarget(kind=TargetKind.ROLE, role=role.value)
                                for role in (Role.STAFF, Role.COORDINATOR, Role.HR)]
        session.add(document)
        session.flush()
        effective = demo.today - dt.timedelta(days=300 - index * 17)
        at = dt.datetime.combine(effective - dt.timedelta(days=3), dt.time(9, 30))
        versions = []
        if state == "published_twice":
            old = DocumentVersion(document=document, major=1, minor=0, state=VersionState.SUPERSEDED,
                                  content_markdown=content.replace("VCA**", "VCA*"), author_id=author.id,
                                  change_summary="Eerste versie", effective_date=demo.years_ago(2),
                                  published_at=at - dt.timedelta(days=700), retired_at=at, created_at=at)
            old.sha256 = sha256_text(old.content_markdown)
            _signatures(old, reviewer, approver, at - dt.timedelta(days=703))
            versions.append(old)
        final = {"published": VersionState.PUBLISHED, "published_twice": VersionState.PUBLISHED,
                 "in_review": VersionState.IN_REVIEW, "draft": VersionState.DRAFT,
                 "withdrawn": VersionState.WITHDRAWN}[state]
        major = 2 if state == "published_twice" else 1
        version = DocumentVersion(document=document, major=major, minor=0, state=final, content_markdown=content,
                                  author_id=author.id, created_at=at,
                                  change_summary="Overgang naar VCA**" if major == 2 else "Eerste versie")
        version.sha256 = sha256_text(content)
        if final is VersionState.IN_REVIEW:
            version.reviewers = [VersionReviewer(user_id=reviewer.id)]
            version.approver_id = approver.id
        elif final in (VersionState.PUBLISHED, VersionState.WITHDRAWN):
            _signatures(version, reviewer, approver, at)
            version.effective_date = effective
            version.published_at = at + dt.timedelta(days=1)
            if final is VersionState.WITHDRAWN:
                version.retired_at = utcnow()
                version.withdraw_reason = "De schrobmachine is vervangen; de leverancier levert een nieuwe instructie."
            else:
                document.next_review_on = next_review_date(effective, document.review_interval_months)
        versions.append(version)
        session.add_all(versions)
        session.flush()
        if final is VersionState.PUBLISHED and staff is not None and number not in ("VGM-001", "WI-001", "PR-006"):
            session.add(ReadConfirmation(user_id=staff.id, version_id=version.id, document_id=document.id,
                                         major=version.major, confirmed_at=at + dt.timedelta(days=4)))
        if number == "PR-001":
            session.add(ReviewRecord(document_id=document.id, version_id=version.id, reviewed_by_id=author.id,
                                     reviewed_on=effective + dt.timedelta(days=30), outcome=ReviewOutcome.CONFIRMED,
                                     note="Procedure klopt nog met de praktijk."))
        if number == "KB-001":  # a review coming due, for the reminders and the due list
            document.next_review_on = demo.today + dt.timedelta(days=10)
        if number == "PR-002":
            document.next_review_on = demo.today - dt.timedelta(days=5)
        reindex(document)
    session.flush()


def seed_documents(session, count: int, owner_id: int | None = None, batch: int = 2000) -> None:
    """Bench helper: ``count`` published documents with authored text, in bulk (no audit rows, no FTS per row
    through the ORM; the SQLite FTS table is filled with one INSERT … SELECT)."""
    from sqlalchemy import insert, text

    words = ("schoonmaak vloer glas sanitair veiligheid middelen ladder toolbox klacht audit inspectie "
             "kantoor ziekenhuis hygiëne microvezel dweil stofzuiger machine instructie formulier").split()
    today = utcnow().date()
    kinds = list(DocumentType)
    for start in range(0, count, batch):
        rows, versions = [], []
        for i in range(start, min(count, start + batch)):
            body = " ".join(words[(i * 7 + k * 3) % len(words)] for k in range(60)) + f" kenmerk{i}"
            title = f"{words[i % len(words)].capitalize()} {words[(i // 3) % len(words)]} {i}"
            rows.append({"number": f"BN-{i + 1:05d}", "title": title, "type": kinds[i % len(kinds)],
                         "owner_id": owner_id, "review_interval_months": 12, "status": VersionState.PUBLISHED,
                         "next_review_on": today + dt.timedelta(days=(i % 400) - 30),
                         "search_text": f"BN-{i + 1:05d}\n{title}\n{body}", "created_at": utcnow()})
            versions.append(body)
        session.execute(insert(Document), rows)
        ids = dict(session.execute(text("SELECT number, id FROM document WHERE number >= :a AND number <= :b"),
                                   {"a": rows[0]["number"], "b": rows[-1]["number"]}).all())
        session.execute(insert(DocumentVersion), [
            {"document_id": ids[row["number"]], "major": 1, "minor": 0, "state": VersionState.PUBLISHED,
             "content_markdown": body, "change_summary": "", "author_id": owner_id,
             "sha256": hashlib.sha256(body.encode()).hexdigest(), "effective_date": today,
             "created_at": utcnow(), "updated_at": utcnow(), "published_at": utcnow(), "lock_version": 1}
            for row, body in zip(rows, versions)])
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("INSERT INTO document_fts (rowid, body) SELECT id, search_text FROM document "
                             "WHERE number LIKE 'BN-%'"))
    session.flush()
