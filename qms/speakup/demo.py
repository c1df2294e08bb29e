"""Demo data for the speak-up channel: the company's reporting procedure as a published document (chosen in the
settings) and one anonymous case the confidential counsellor is handling. The reporter's mailbox opens with case
code :data:`DEMO_CODE` and the demo password as the secret. Written through the models, without notifications."""
from __future__ import annotations

import datetime as dt

from ..auth.passwords import hash_password
from ..documents.content import sha256_text
from ..documents.models import (Document, DocumentType, DocumentVersion, Signature, SignatureMeaning,
                                VersionState)
from ..documents.workflow import next_review_date
from ..permissions import Role
from .models import SpeakupCase, SpeakupMessage, SpeakupSettings
from .workflow import Author, CaseState, Category, MessageKind

DEMO_CODE = "DEMO-2026-MELD"

PROCEDURE = """# Meldregeling integriteit

## Doel

Iedereen die bij De Glans werkt, ook uitzendkrachten, stagiairs en leerlingen, kan een vermoeden van een
misstand of een integriteitsprobleem veilig melden. Deze regeling volgt de Wet bescherming klokkenluiders.
De ondernemingsraad heeft met deze regeling ingestemd.

## Hoe meld je?

1. Scan de QR-code op je werkplek of open *Melden integriteit* in QMS. Je hebt geen account nodig.
2. Kies of je anoniem blijft. Je krijgt een meldcode; je kiest zelf een geheim.
3. Met de meldcode en je geheim lees je de antwoorden en stel je vragen.

## Wie leest je melding?

Alleen de vertrouwenspersoon. Niet je leidinggevende, niet de KAM-coördinator en niet de directie.

## Wat mag je verwachten?

- Binnen **7 dagen** hoor je dat je melding is ontvangen.
- Binnen **3 maanden** hoor je wat er met je melding is gedaan.
- Je hebt geen nadeel van een melding te goeder trouw.

## Extern melden

Je mag ook direct melden bij het Huis voor Klokkenluiders of een andere bevoegde instantie.
"""


def add_speakup(demo) -> None:
    counsellor = demo.users.get(Role.COUNSELLOR)
    admin, auditor = demo.users.get(Role.ADMIN), demo.users.get(Role.AUDITOR)
    if counsellor is None or admin is None or auditor is None:
        return
    session = demo.session
    effective = demo.today - dt.timedelta(days=120)
    at = dt.datetime.combine(effective - dt.timedelta(days=2), dt.time(10, 0))
    document = Document(number="PR-020", title="Meldregeling integriteit", type=DocumentType.PROCEDURE,
                        owner_id=admin.id, review_interval_months=24, status=VersionState.PUBLISHED,
                        search_text="PR-020 Meldregeling integriteit " + PROCEDURE,
                        next_review_on=next_review_date(effective, 24))
    session.add(document)
    session.flush()
    version = DocumentVersion(document=document, major=1, minor=0, state=VersionState.PUBLISHED,
                              content_markdown=PROCEDURE, sha256=sha256_text(PROCEDURE), author_id=admin.id,
                              approver_id=admin.id, change_summary="Eerste versie, met instemming van de OR",
                              effective_date=effective, created_at=at, published_at=at + dt.timedelta(days=1))
    version.signatures = [
        Signature(signer_id=auditor.id, signer_name=auditor.name, meaning=SignatureMeaning.REVIEWED, signed_at=at,
                  sha256=version.sha256),
        Signature(signer_id=admin.id, signer_name=admin.name, meaning=SignatureMeaning.APPROVED,
                  signed_at=at + dt.timedelta(hours=3), sha256=version.sha256)]
    session.add(version)
    session.add(SpeakupSettings(procedure_document_id=document.id))

    received = demo.today - dt.timedelta(days=5)
    received_at = dt.datetime.combine(received, dt.time(21, 40))
    case = SpeakupCase(
        number=f"MLD-{received.year}-0001", code=DEMO_CODE, secret_hash=hash_password(demo.password),
        category=Category.HARASSMENT, state=CaseState.ACKNOWLEDGED, anonymous=True,
        subject="Opmerkingen van een voorman over collega's",
        description="Een voorman maakt al weken grappen over de afkomst van twee nieuwe collega's in de ploeg. "
                    "Als iemand er iets van zegt, krijgt die de zwaarste diensten. Ik durf het niet zelf te zeggen.",
        received_at=received_at, received_on=received,
        acknowledged_at=received_at + dt.timedelta(days=1, hours=12), acknowledged_on=received + dt.timedelta(days=1))
    session.add(case)
    session.flush()
    session.add_all([
        SpeakupMessage(case_id=case.id, author=Author.HANDLER, kind=MessageKind.TO_REPORTER,
                       author_user_id=counsellor.id, created_at=case.acknowledged_at,
                       body="Dank je voor je melding. Ik heb hem ontvangen en ga ermee aan de slag. Weet je in welke "
                            "ploeg en op welk object dit gebeurt?"),
        SpeakupMessage(case_id=case.id, author=Author.REPORTER, kind=MessageKind.REPORTER,
                       created_at=case.acknowledged_at + dt.timedelta(days=1),
                       body="Het is de avondploeg op een kantoorpand in de binnenstad."),
        SpeakupMessage(case_id=case.id, author=Author.HANDLER, kind=MessageKind.INTERNAL_NOTE,
                       author_user_id=counsellor.id, created_at=case.acknowledged_at + dt.timedelta(days=2),
                       body="Gesprek met HR gepland (zonder naam van de melder)."),
    ])
