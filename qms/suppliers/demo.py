"""Demo suppliers of De Glans with their certificates (one expiring soon, one expired) — fictional."""
from __future__ import annotations

import datetime as dt

from .models import Supplier, SupplierCertificate

#: (name, supplies, city, KvK, contact, [(scheme, level, number, days valid from today)])
SUPPLIERS = [
    ("Schoonmaakgroothandel Van Rijn B.V.", "Reinigingsmiddelen en verbruiksartikelen", "Utrecht", "30187654",
     "Marco van Rijn", [("iso9001", "ISO 9001:2015", "Q-48213", 540), ("vca", "VCA**", "VCA-77120", 40)]),
    ("Kärcher-dealer Midden B.V.", "Schoonmaakmachines en onderhoud", "Nieuwegein", "30211876", "Els de Wit",
     [("iso9001", "ISO 9001:2015", "Q-50117", 800)]),
    ("Glastec Hoogwerkers", "Hoogwerkers en glasbewassingsmateriaal", "Houten", "30256611", "Rik Smeets",
     [("vca", "VCA*", "VCA-66051", -12)]),
    ("Werkbedrijf Lekstroom", "Inleen van medewerkers (sociale onderneming)", "Nieuwegein", "30299401",
     "Yvonne Bos", [("pso", "trede 3", "PSO-2231", 300)]),
    ("Textielservice Centraal", "Werkkleding en microvezeldoeken", "Zeist", "30177123", "Hans Groen", []),
    ("Afvalbeheer Stad Utrecht", "Afvalinzameling en container huur", "Utrecht", "30311208", "Noor Bakker",
     [("iso9001", "ISO 9001:2015", "Q-61922", 400), ("other", "ISO 14001:2015", "E-11873", 400)]),
]


def add_suppliers(demo) -> None:
    demo.suppliers = {}
    for name, supplies, city, kvk, contact, certificates in SUPPLIERS:
        supplier = Supplier(name=name, supplies=supplies, city=city, kvk_number=kvk, contact=contact,
                            email=f"info@{kvk}.example", active=True)
        for scheme, level, number, days in certificates:
            supplier.certificates.append(SupplierCertificate(
                scheme=scheme, level=level, number=number,
                valid_until=demo.today + dt.timedelta(days=days)))
        demo.session.add(supplier)
        demo.suppliers[name] = supplier
    demo.session.flush()
