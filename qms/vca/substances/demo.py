"""Demo data: De Glans's cleaning products with safety data sheets (small placeholder PDFs made here), hazard
codes, substances, work instruction cards and a few confirmations; an extract of the CMR list so two products
ask for the extra registration (one done, one still open). Products, codes and combinations are invented but
consistent with their kind."""
from __future__ import annotations

import datetime as dt
import io

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from qms.permissions import Role
from qms.uploads import services as uploads

from . import reference
from .models import (ConcentrationBand, QuantityBand, SignalWord, Substitution, VcaCmrRegistration, VcaCmrSubstance,
                     VcaProduct, VcaProductIncident, VcaProductInstruction, VcaProductSite, VcaProductSubstance,
                     VcaProductToolbox, VcaSubstanceSettings)
from .pdf import placeholder_sheet

#: An extract of the CMR list for the demo (CAS, name, category); an administrator loads the full list.
CMR_EXTRACT = [
    ("50-00-0", "Formaldehyde", "CM"), ("872-50-4", "N-Methyl-2-pyrrolidon (NMP)", "R"),
    ("10043-35-3", "Boorzuur", "R"), ("5064-31-3", "Trinatriumnitrilotriacetaat (NTA)", "C"),
    ("109-86-4", "2-Methoxyethanol", "R"), ("71-43-2", "Benzeen", "CM"), ("7632-04-4", "Natriumperboraat", "R"),
]

#: Card texts per kind of product: (do, do not, first aid, disposal).
TEXTS = {
    "mild": ("Doser volgens het etiket (doseerpomp of dop).\nDraag handschoenen bij langer werk.\nSluit de fles na gebruik.",
             "Niet mengen met andere middelen.\nNiet overgieten in een fles zonder etiket.",
             "In de ogen: spoel met water.\nIngeslikt: mond spoelen en water drinken.",
             "Restjes verdund door de gootsteen; lege fles bij het plastic afval."),
    "acid": ("Draag handschoenen en een veiligheidsbril.\nDoseer eerst water, dan het middel.\nZorg voor frisse lucht.\n"
             "Spoel na met water.",
             "Nooit mengen met chloor: er komt giftig gas vrij.\nNiet gebruiken op marmer of natuursteen.\n"
             "Niet sproeien boven je hoofd.",
             "In de ogen: 15 minuten spoelen met de oogdouche, dan naar de huisarts.\n"
             "Op de huid: kleding uit, spoelen met veel water.\nIngeslikt: mond spoelen, niet laten braken, bel 112.",
             "Gemorst middel opnemen met veel water of absorptiekorrels.\nLege verpakking gespoeld bij het plastic afval."),
    "alkaline": ("Draag handschoenen, veiligheidsbril en schort.\nDoseer met de doseerpomp.\nZet de ruimte af als de vloer nat is.",
                 "Niet mengen met zuur of chloor.\nNiet op aluminium gebruiken.\nNiet met blote handen werken.",
                 "In de ogen: 15 minuten spoelen met de oogdouche, dan direct naar een arts.\n"
                 "Op de huid: kleding uit, lang spoelen met water.\nIngeslikt: mond spoelen, niet laten braken, bel 112.",
                 "Vuil water via de uitstort, niet in de regenput.\nLege can terug naar het magazijn."),
    "chlorine": ("Draag handschoenen en een veiligheidsbril.\nAlleen in een geventileerde ruimte gebruiken.\n"
                 "Verdun volgens de doseertabel (koud water).",
                 "NOOIT mengen met zuur, ontkalker of ammoniak: er komt chloorgas vrij.\nNiet op textiel of metaal.\n"
                 "Niet in warm water oplossen.",
                 "Ingeademd: naar buiten, rustig laten zitten, bel bij klachten de huisarts.\n"
                 "In de ogen: 15 minuten spoelen.\nOp de huid: spoelen met water.",
                 "Niet in het milieu laten komen: restjes verdund via de uitstort.\nLege fles gespoeld bij het plastic afval."),
    "alcohol": ("Gebruik weinig: een doek bevochtigen, niet sprayen in de ruimte.\nZorg voor frisse lucht.",
                "Niet roken of in de buurt van vuur of hete apparaten gebruiken.\nNiet op gelakte oppervlakken.",
                "Ingeademd: naar frisse lucht.\nIn de ogen: spoelen met water.",
                "Doeken laten drogen voor je ze weggooit.\nVoorraad koel en dicht bewaren."),
    "aerosol": ("Schud de bus en spuit op de doek, niet op het oppervlak.\nZorg voor frisse lucht.",
                "Niet in de buurt van vuur, vonken of hete oppervlakken.\nBus niet doorprikken of in de zon leggen.",
                "Ingeademd: naar frisse lucht.\nIn de ogen: spoelen met water.",
                "Lege bus bij het klein gevaarlijk afval (KGA), niet bij het restafval."),
    "oil": ("Breng een kleine hoeveelheid aan op een doek.\nWas je handen na het werk.",
            "Niet in flesjes zonder etiket overgieten.\nBuiten bereik van bezoekers bewaren.",
            "Ingeslikt: niet laten braken, direct 112 bellen (gevaar voor de longen).",
            "Vette doeken in de afgesloten afvalbak."),
    "cmr": ("Alleen gebruiken na instructie door je leidinggevende.\nDraag handschoenen, gelaatsscherm en schort.\n"
            "Zorg voor goede ventilatie; houd de emmer afgedekt.",
            "Niet gebruiken als je zwanger bent of borstvoeding geeft: meld het je leidinggevende.\n"
            "Niet mengen met andere middelen.\nNiet in kleine, slecht geventileerde ruimtes gebruiken.",
            "Op de huid: kleding uit, lang spoelen met water.\nIn de ogen: 15 minuten spoelen, dan naar een arts.\n"
            "Ingeademd: naar frisse lucht, bel bij klachten de huisarts.",
            "Resten en vuil stripwater als gevaarlijk afval afvoeren (vat in het magazijn)."),
    "cmr_disinfect": ("Alleen gebruiken na instructie door je leidinggevende.\nDraag handschoenen, veiligheidsbril en schort.\n"
                      "Gebruik een doek; niet sprayen.",
                      "Niet gebruiken als je zwanger bent of borstvoeding geeft: meld het je leidinggevende.\n"
                      "Niet mengen met andere middelen.\nNiet gebruiken in kleine ruimtes zonder ventilatie.",
                      "Op de huid: kleding uit, lang spoelen met water.\nIn de ogen: 15 minuten spoelen, dan naar een arts.\n"
                      "Ingeademd: naar frisse lucht, bel bij klachten de huisarts.",
                      "Restvoorraad niet meer bijbestellen; lege en halfvolle flessen als gevaarlijk afval afvoeren."),
}

#: Kinds assessed as a risk in the company RI&E (with measures in its plan of action).
CORROSIVE_OR_CMR = ("acid", "alkaline", "chlorine", "cmr", "cmr_disinfect")
B = ConcentrationBand
#: (name, purpose, kind, signal word, pictograms, H, P, PPE, substances, sites, functions, quantity,
#:  sheet age in years or None, newer revision announced)
PRODUCTS = [
    ("Allesreiniger Citrus", "Allesreiniger", "mild", "none", "", "EUH208", "P102,P101", "gloves",
     [("68439-50-9", "Alcoholethoxylaten C12-14", B.FROM_1), ("5989-27-5", "d-Limoneen", B.BELOW_1)],
     "office", "clean", "large", 1.2, False),
    ("Allesreiniger Neutraal Concentraat", "Allesreiniger", "mild", "warning", "GHS07", "H319",
     "P264,P280,P305+P351+P338,P337+P313", "gloves,goggles",
     [("68585-34-2", "Natriumlaurylethersulfaat", B.FROM_5)], "office", "clean", "large", 0.8, False),
    ("Sanitairreiniger Zuur", "Sanitairreiniger met zoutzuur", "acid", "danger", "GHS05,GHS07", "H290,H314,H335",
     "P260,P280,P303+P361+P353,P305+P351+P338,P310,P405,P501", "gloves,goggles,apron",
     [("7647-01-0", "Zoutzuur", B.FROM_5)], "all", "clean", "medium", 1.5, False),
    ("Sanitairreiniger Dagelijks", "Sanitairreiniger (melkzuur)", "acid", "warning", "GHS07", "H319",
     "P280,P305+P351+P338,P337+P313", "gloves,goggles", [("79-33-4", "Melkzuur", B.FROM_1)], "all", "clean",
     "large", 0.6, False),
    ("Toiletreiniger Gel", "Toiletreiniger (fosforzuur)", "acid", "danger", "GHS05", "H290,H314",
     "P102,P280,P301+P330+P331,P303+P361+P353,P305+P351+P338,P310", "gloves,goggles",
     [("7664-38-2", "Fosforzuur", B.FROM_10)], "all", "clean", "medium", 2.1, False),
    ("Chloorbleek 4%", "Chloorbleekmiddel", "chlorine", "danger", "GHS05,GHS09", "H290,H314,H410,EUH031,EUH206",
     "P102,P260,P273,P280,P303+P361+P353,P305+P351+P338,P310,P501", "gloves,goggles,apron",
     [("7681-52-9", "Natriumhypochloriet", B.FROM_1), ("1310-73-2", "Natriumhydroxide", B.BELOW_1)],
     "care", "care", "medium", 3.6, False),
    ("Ontkalker Sulfamine", "Ontkalker (amidosulfonzuur)", "acid", "warning", "GHS07", "H315,H319,H412",
     "P264,P273,P280,P302+P352,P305+P351+P338", "gloves,goggles", [("5329-14-6", "Amidosulfonzuur", B.FROM_10)],
     "all", "clean", "medium", 1.9, True),
    ("Ontkalker Citroenzuur", "Ontkalker (citroenzuur)", "acid", "warning", "GHS07", "H319",
     "P280,P305+P351+P338,P337+P313", "gloves,goggles", [("77-92-9", "Citroenzuur", B.FROM_10)], "office",
     "clean", "medium", 0.4, False),
    ("Glasreiniger Streeploos", "Glasreiniger (gebruiksklaar)", "mild", "none", "", "EUH210", "P102",
     "", [("67-63-0", "Isopropanol", B.FROM_1)], "all", "glass", "large", 1.0, False),
    ("Glasreiniger Concentraat", "Glasreiniger (concentraat)", "alcohol", "warning", "GHS02,GHS07", "H226,H319,H336",
     "P210,P261,P271,P280,P305+P351+P338,P403+P233", "gloves,goggles",
     [("67-63-0", "Isopropanol", B.FROM_10), ("64-17-5", "Ethanol", B.FROM_5)], "office", "glass", "medium", 2.4,
     False),
    ("Vloerstripper Krachtig", "Vloerstripper", "cmr", "danger", "GHS05,GHS08", "H314,H360D",
     "P201,P260,P280,P303+P361+P353,P305+P351+P338,P308+P313,P405,P501", "gloves,goggles,face_shield,apron,boots",
     [("872-50-4", "N-Methyl-2-pyrrolidon (NMP)", B.FROM_10), ("141-43-5", "Ethanolamine", B.FROM_5),
      ("1310-58-3", "Kaliumhydroxide", B.FROM_1)], "floors", "floors", "small", 2.8, False),
    ("Vloerstripper Ecologisch", "Vloerstripper zonder oplosmiddel", "alkaline", "danger", "GHS05", "H314",
     "P260,P280,P303+P361+P353,P305+P351+P338,P310,P501", "gloves,goggles,apron,boots",
     [("141-43-5", "Ethanolamine", B.FROM_5), ("6834-92-0", "Natriummetasilicaat", B.FROM_1)], "floors", "floors",
     "small", 0.9, False),
    ("Desinfectiemiddel Quat", "Desinfectiemiddel (quaternaire ammonium)", "alkaline", "danger", "GHS05,GHS09",
     "H314,H410", "P273,P280,P303+P361+P353,P305+P351+P338,P310,P391,P501", "gloves,goggles",
     [("68424-85-1", "Benzalkoniumchloride", B.FROM_5), ("7173-51-5", "Didecyldimethylammoniumchloride", B.FROM_1)],
     "care", "care", "medium", 1.1, False),
    ("Desinfectiemiddel Alcohol 70%", "Oppervlaktedesinfectie (alcohol)", "alcohol", "danger", "GHS02,GHS07",
     "H225,H319", "P210,P280,P305+P351+P338,P403+P233", "gloves",
     [("64-17-5", "Ethanol", B.ABOVE_50)], "care", "care", "large", 0.7, False),
    ("Oppervlaktedesinfectie F (restvoorraad)", "Desinfectiemiddel met formaldehyde", "cmr_disinfect", "danger",
     "GHS05,GHS07,GHS08", "H314,H317,H351", "P201,P260,P280,P303+P361+P353,P305+P351+P338,P308+P313,P405",
     "gloves,goggles,apron", [("50-00-0", "Formaldehyde", B.FROM_1), ("111-30-8", "Glutaaraldehyde", B.FROM_1)],
     "care", "care", "small", 4.3, False),
    ("Chloortabletten", "Desinfectietabletten (chloor)", "chlorine", "danger", "GHS03,GHS07,GHS09",
     "H272,H302,H319,H335,H410,EUH031", "P210,P273,P280,P305+P351+P338,P501", "gloves,goggles",
     [("51580-86-0", "Natriumdichloorisocyanuraat", B.ABOVE_50)], "care", "care", "small", 1.6, False),
    ("RVS-reiniger Spray", "RVS-reiniger (spuitbus)", "aerosol", "danger", "GHS02", "H222,H229",
     "P102,P210,P251,P410+P412", "", [("8042-47-5", "Witte minerale olie", B.FROM_25),
                                     ("74-98-6", "Propaan", B.FROM_10), ("106-97-8", "Butaan", B.FROM_10)],
     "office", "clean", "small", 1.3, False),
    ("RVS-onderhoudsolie", "RVS-onderhoud (fles)", "oil", "danger", "GHS08", "H304", "P301+P330+P331,P310,P405",
     "gloves", [("8042-47-5", "Witte minerale olie", B.ABOVE_50)], "office", "clean", "small", 2.0, False),
    ("Vaatwasmiddel Machine", "Vaatwasmiddel (kaliloog)", "alkaline", "danger", "GHS05", "H290,H314",
     "P260,P280,P303+P361+P353,P305+P351+P338,P310,P501", "gloves,goggles,apron",
     [("1310-58-3", "Kaliumhydroxide", B.FROM_10)], "care", "care", "large", 0.5, False),
    ("Handafwasmiddel", "Handafwasmiddel", "mild", "warning", "GHS07", "H319", "P102,P280,P305+P351+P338",
     "gloves", [("68585-34-2", "Natriumlaurylethersulfaat", B.FROM_10)], "all", "clean", "medium", 1.7, False),
    ("Vloerreiniger Zeep", "Vloerreiniger (zeep)", "mild", "none", "", "EUH208", "P102", "",
     [("61790-44-1", "Kaliumzeep van tallolievetzuren", B.FROM_5)], "all", "floors", "large", 2.2, False),
    ("Tapijtreiniger Sprayextractie", "Tapijtreiniger", "mild", "warning", "GHS07", "H319",
     "P264,P280,P305+P351+P338", "gloves,goggles", [("497-19-8", "Natriumcarbonaat", B.FROM_10)], "office",
     "floors", "small", None, False),
    ("Ontvetter Keuken", "Ontvetter (alkalisch)", "alkaline", "danger", "GHS05", "H290,H314",
     "P260,P280,P303+P361+P353,P305+P351+P338,P310", "gloves,goggles,apron",
     [("1310-73-2", "Natriumhydroxide", B.FROM_1), ("111-76-2", "2-Butoxyethanol", B.FROM_1)], "care", "clean",
     "medium", 1.4, False),
    ("Sanitair Ontkalker Azijn", "Ontkalker (azijnzuur)", "acid", "warning", "GHS07", "H315,H319",
     "P264,P280,P302+P352,P305+P351+P338", "gloves", [("64-19-7", "Azijnzuur", B.FROM_5)], "office", "clean",
     "medium", 0.3, False),
    ("Zuurstofbleek Wasversterker", "Wasmiddel voor mops (percarbonaat)", "alkaline", "danger", "GHS05,GHS07",
     "H302,H318", "P264,P270,P280,P305+P351+P338,P310", "gloves,goggles",
     [("15630-89-4", "Natriumpercarbonaat", B.FROM_25)], "care", "care", "medium", 2.6, False),
    ("Vloerpolish Hoogglans", "Vloerpolish", "mild", "none", "", "EUH208", "P102,P273", "gloves",
     [(None, "Acrylaatpolymeer", B.FROM_10), ("78-51-3", "Tris(2-butoxyethyl)fosfaat", B.FROM_1)], "floors",
     "floors", "small", 3.2, False),
    ("Waterstofperoxide Reiniger 3%", "Reiniger op basis van waterstofperoxide", "mild", "warning", "GHS07", "H319",
     "P280,P305+P351+P338,P337+P313", "gloves,goggles", [("7722-84-1", "Waterstofperoxide", B.FROM_1)], "care",
     "care", "medium", 0.9, False),
]

FUNCTIONS = {
    "clean": ["Schoonmaakmedewerker", "Allround schoonmaker", "Leermeester kantoorschoonmaak",
              "BBL-leerling schoonmaak niveau 2"],
    "care": ["Medewerker ziekenhuisreiniging", "Leermeester ziekenhuisreiniging", "Objectleider ziekenhuisreiniging"],
    "glass": ["Glazenwasser", "Leermeester glasbewassing", "Voorman glasbewassing"],
    "floors": ["Allround schoonmaker", "Leidinggevende kantoorschoonmaak"],
}
SITES = {
    "office": ["Kantoorpand Maliesingel", "Bedrijvenpark Papendorp", "Scholengemeenschap Het Baken"],
    "care": ["Rijnoever Ziekenhuis, locatie Nieuwegein", "Zorgcentrum De Linde"],
    "floors": ["Winkelcentrum Overvecht", "Sportpark De Wetering", "Scholengemeenschap Het Baken"],
    "all": None,
}
SUPPLIER = "Schoonmaakgroothandel Van Rijn B.V."


def _sheet(demo, name: str, issued: dt.date) -> int:
    data = placeholder_sheet(f"Veiligheidsinformatieblad – {name}", [
        "Voorbeeldblad voor de demo-omgeving; geen echt veiligheidsinformatieblad.",
        f"Uitgiftedatum: {issued.isoformat()}", "Leverancier: " + SUPPLIER,
        "Rubriek 2: gevarenaanduiding · Rubriek 3: samenstelling · Rubriek 4: eerste hulp · Rubriek 8: PBM"])
    slug = "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")
    return uploads.store(FileStorage(stream=io.BytesIO(data), filename=f"vib-{slug}.pdf"), allowed={"pdf"}).id


def add_substances(demo) -> None:
    from qms.incidents.models import Incident

    from ..models import AssessmentKind, VcaRiskAssessment, VcaToolboxMeeting

    s = demo.session
    reference.load_hazard_codes(reference.HAZARD_FILE.read_text(encoding="utf-8"))
    s.add(VcaSubstanceSettings(sds_max_age_years=3))
    list_date = dt.date(demo.today.year if demo.today.month >= 7 else demo.today.year - 1, 7, 1)
    for cas, name, category in CMR_EXTRACT:
        s.add(VcaCmrSubstance(cas=cas, name=name, category=category, source="SZW-lijst (uittreksel voor de demo)",
                              version_date=list_date))
    suppliers = getattr(demo, "suppliers", {}) or {}
    supplier = suppliers.get(SUPPLIER)
    rie = s.scalar(select(VcaRiskAssessment).where(VcaRiskAssessment.kind == AssessmentKind.RIE).limit(1))
    all_sites = [site for site in demo.sites.values() if site.active]
    products: dict[str, VcaProduct] = {}
    for (name, purpose, kind, word, pictograms, hazards, precautions, ppe, substances, sites, functions, quantity,
         age, newer) in PRODUCTS:
        do, dont, aid, disposal = TEXTS[kind]
        product = VcaProduct(name=name, purpose=purpose, supplier=supplier, signal_word=SignalWord(word),
                             pictograms=pictograms or None, hazard_statements=hazards or None,
                             precaution_statements=precautions or None, ppe=ppe or None,
                             functions=",".join(FUNCTIONS[functions]), quantity_band=QuantityBand(quantity),
                             do_text=do, dont_text=dont, first_aid=aid, disposal=disposal,
                             assessment_id=rie.id if rie is not None and kind in CORROSIVE_OR_CMR else None)
        if age is not None:
            issued = demo.years_ago(age)
            product.sds_file_id = _sheet(demo, name, issued)
            product.sds_issued_on, product.sds_language = issued, "nl"
            product.sds_revision = f"{1 + int(age * 2) % 5}.{int(age * 10) % 10}"
            product.sds_reviewed_on = issued
            if newer:
                product.newer_revision_on = demo.today - dt.timedelta(days=12)
        for cas, substance, band in substances:
            product.substances.append(VcaProductSubstance(cas=cas, name=substance, concentration=band))
        s.add(product)
        s.flush()
        wanted = all_sites if SITES[sites] is None else [demo.sites[n] for n in SITES[sites] if n in demo.sites]
        for site in wanted:
            s.add(VcaProductSite(product_id=product.id, site_id=site.id))
        products[name] = product
    s.flush()

    stripper = products["Vloerstripper Krachtig"]
    s.add(VcaCmrRegistration(
        product_id=stripper.id, exposed="Allround schoonmakers en de leidinggevende kantoorschoonmaak (4 personen)",
        exposure="1 tot 2 uur per keer, ongeveer één keer per maand (periodiek vloeronderhoud)",
        measures="Alleen na instructie; gelaatsscherm, handschoenen en schort; ruimte ventileren; niet door "
                 "zwangere medewerkers; resten als gevaarlijk afval.",
        substitution=Substitution.PLANNED, substitution_planned_on=demo.today + dt.timedelta(days=60),
        substitution_reason=None, checked_on=demo.today - dt.timedelta(days=30)))
    # "Oppervlaktedesinfectie F" has no registration yet: the register and the evidence show the gap.

    meeting = s.scalar(select(VcaToolboxMeeting).where(VcaToolboxMeeting.topic.like("%schoonmaakmiddelen%"))
                       .order_by(VcaToolboxMeeting.planned_on.desc()).limit(1))
    if meeting is not None:
        for name in ("Sanitairreiniger Zuur", "Chloorbleek 4%", "Ontkalker Sulfamine"):
            s.add(VcaProductToolbox(product_id=products[name].id, meeting_id=meeting.id))
    for text, names in (("Chloor en ontkalker", ("Chloorbleek 4%", "Ontkalker Sulfamine")),
                        ("schoonmaakmiddel in het oog", ("Sanitairreiniger Zuur",))):
        incident = s.scalar(select(Incident).where(Incident.description.like(f"%{text}%")).limit(1))
        if incident is not None:
            for name in names:
                s.add(VcaProductIncident(product_id=products[name].id, incident_id=incident.id))
    staff = demo.users.get(Role.STAFF)
    if staff is not None:
        for name in ("Sanitairreiniger Zuur", "Chloorbleek 4%", "Allesreiniger Citrus", "Glasreiniger Streeploos"):
            s.add(VcaProductInstruction(product_id=products[name].id, user_id=staff.id,
                                        confirmed_at=dt.datetime.combine(demo.today - dt.timedelta(days=20),
                                                                         dt.time(9, 30))))
    s.flush()
