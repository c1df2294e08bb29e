"""Demo data for evidence: a few evidence files (small generated PDFs) serving requirements of several
norms, the company's ISO 9001, VCA** and PSO trede 3 certificates, and a readiness history for the chart."""
from __future__ import annotations

import datetime as dt
import io

from flask import has_app_context
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from werkzeug.datastructures import FileStorage

from ..norms import registry
from ..permissions import Role
from ..uploads import services as uploads
from .models import Certificate, EvidenceItem, EvidenceRequirement, ReadinessSnapshot, ReviewStatus
from .services.files import first_revision

#: (title, file name, [(norm, version, code)], valid_until in days from today or None, accepted)
ITEMS = [
    ("Beleidsverklaring kwaliteit en VGM 2026", "beleidsverklaring-2026.pdf",
     [("iso9001", "2015", "5.2.1"), ("vca", "2017-6.0", "1.1")], 700, True),
    ("RI&E met plan van aanpak", "rie-plan-van-aanpak.pdf",
     [("vca", "2017-6.0", "2.1"), ("iso9001", "2015", "6.1.1")], 40, True),
    ("Organogram en taakomschrijvingen", "organogram.pdf",
     [("vca", "2017-6.0", "1.2"), ("iso9001", "2015", "7.5.1")], None, True),
    ("Intern auditrapport 2025", "interne-audit-2025.pdf",
     [("iso9001", "2015", "9.2.1"), ("vca", "2017-6.0", "1.6")], 300, True),
    ("Directiebeoordeling 2025", "directiebeoordeling-2025.pdf", [("iso9001", "2015", "9.3.1")], 300, True),
    ("Opleidingsmatrix 2026", "opleidingsmatrix-2026.pdf",
     [("vca", "2017-6.0", "3.1"), ("iso9001", "2015", "7.2")], 400, False),
    ("Toolboxplanning 2025", "toolboxplanning-2025.pdf", [("vca", "2017-6.0", "4.1")], -10, True),
    ("BHV-certificaten en ploegindeling", "bhv-overzicht.pdf", [("vca", "2017-6.0", "6.2")], 200, True),
    ("KvK-uittreksel", "kvk-uittreksel.pdf", [("pso", "1.9", "Q.1")], 300, True),
    ("Loonadministratie peiljaar 2025 (FTE-overzicht)", "fte-overzicht-2025.pdf", [("pso", "1.9", "Q.3")], None, True),
]


def _pdf(title: str) -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.setTitle(title)
    page.setFont("Helvetica-Bold", 16)
    page.drawString(72, 770, title)
    page.setFont("Helvetica", 11)
    page.drawString(72, 745, "Schoonmaakbedrijf De Glans B.V. - voorbeeldbewijs (demo)")
    page.showPage()
    page.save()
    return buffer.getvalue()


def add_evidence(demo) -> None:
    """Evidence files, certificates and a readiness history (needs the app: files go to the upload folder)."""
    if not has_app_context():
        return
    enabled = registry()
    owner = demo.users.get(Role.COORDINATOR)
    for title, name, keys, days, accepted in ITEMS:
        keys = [k for k in keys if enabled.requirement(*k) is not None]
        if not keys:
            continue
        stored = uploads.store(FileStorage(stream=io.BytesIO(_pdf(title)), filename=name), allowed={"pdf"})
        item = EvidenceItem(title=title, file_id=stored.id, owner_id=owner.id if owner else None,
                            valid_from=demo.today - dt.timedelta(days=60),
                            valid_until=demo.today + dt.timedelta(days=days) if days is not None else None,
                            review_status=ReviewStatus.ACCEPTED if accepted else ReviewStatus.PENDING,
                            reviewed_by_id=owner.id if owner and accepted else None)
        item.requirements = [EvidenceRequirement(norm=n, version=v, code=c) for n, v, c in keys]
        item.file = stored
        first_revision(item)
        demo.session.add(item)
    certificates = [
        ("iso9001", None, "CertiNed B.V.", "Q-2024-1187", 480, 3),
        ("vca", "vca2", "Veilig Gecertificeerd B.V.", "VCA-2023-0456", 3 * 365 - 70, 3),
        ("pso", "trede3", "PSO-certificering Midden B.V.", "PSO-2026-0212", 200, 2),
    ]
    for norm, level, body, number, days_ago, years in certificates:
        if norm not in enabled:
            continue
        issued = demo.today - dt.timedelta(days=days_ago)
        demo.session.add(Certificate(norm=norm, level=level, certifying_body=body, number=number,
                                     scope="Schoonmaak- en glasbewassingswerkzaamheden in kantoren, zorginstellingen "
                                           "en scholen.", issued_on=issued,
                                     expires_on=issued.replace(year=issued.year + years)))
    targets = {"iso9001": "", "vca": "vca2", "pso": "trede3"}
    for norm in enabled:
        level = targets.get(norm.code, "")
        for weeks in range(12, 0, -1):
            percent = max(3, 26 - weeks * 2)
            demo.session.add(ReadinessSnapshot(norm=norm.code, version=norm.default_version, level=level,
                                               on_date=demo.today - dt.timedelta(weeks=weeks), percent=percent,
                                               required=100, covered=percent, missing=100 - percent, expired=0,
                                               expiring=0))
    demo.session.flush()
