"""The register's rules: products and their sheets, substances matched against the CMR list, the extra CMR
registration, instruction confirmations, links, the filtered list and the figures. Services flush, never commit."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import and_, exists, func, select
from sqlalchemy.exc import IntegrityError

from qms.extensions import db
from qms.organisation.models import Employee, Site
from qms.core.dates import today
from qms.core.errors import DomainError
from qms.core.loaders import get_row as get
from qms.suppliers.models import Supplier
from qms.uploads import services as uploads

from . import reference, rules
from .models import (ConcentrationBand, HazardKind, QuantityBand, SignalWord, Substitution, VcaCmrRegistration,
                     VcaCmrSubstance, VcaProduct, VcaProductIncident, VcaProductInstruction, VcaProductSite,
                     VcaProductSubstance, VcaProductToolbox, VcaSubstanceSettings)



class SubstanceError(DomainError):
    """A rule of the register refused the change; ``field`` names the form field it belongs to."""


# --- settings ---------------------------------------------------------------------------------

def settings() -> VcaSubstanceSettings | None:
    return db.session.scalar(select(VcaSubstanceSettings).order_by(VcaSubstanceSettings.id).limit(1))


def max_age_years() -> int:
    found = settings()
    return found.sds_max_age_years if found else 3


def save_settings(max_age: int) -> VcaSubstanceSettings:
    if not 1 <= max_age <= 10:
        raise SubstanceError(_("Enter a period between 1 and 10 years."), "sds_max_age_years")
    found = settings()
    if found is None:
        found = VcaSubstanceSettings(sds_max_age_years=max_age)
        db.session.add(found)
    found.sds_max_age_years = max_age
    db.session.flush()
    return found


# --- products ---------------------------------------------------------------------------------

def function_names() -> list[str]:
    """The functions of the employee register (for the "used by" choice)."""
    return list(db.session.scalars(select(Employee.function).where(Employee.left_on.is_(None))
                                   .distinct().order_by(Employee.function)))


def _check_codes(codes: list[str], kind: HazardKind, field: str) -> str | None:
    if not codes:
        return None
    reference.ensure_hazard_codes()
    known = reference.known_codes(kind)
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise SubstanceError(_("Unknown code: %(codes)s. Use the codes of the reference list.",
                               codes=", ".join(unknown)), field)
    return ",".join(codes)


def save_product(product: VcaProduct | None, *, name: str, purpose: str | None, supplier_id: int | None,
                 site_ids: list[int], functions: list[str], quantity_band: str, signal_word: str,
                 pictograms: list[str], hazard_statements: str | None, precaution_statements: str | None,
                 ppe: list[str], do_text: str | None, dont_text: str | None, first_aid: str | None,
                 disposal: str | None, assessment_id: int | None = None) -> VcaProduct:
    name = (name or "").strip()
    if not name:
        raise SubstanceError(_("Enter the product name."), "name")
    if supplier_id is not None and get(Supplier, supplier_id) is None:
        raise SubstanceError(_("Choose a supplier from the list."), "supplier_id")
    if quantity_band not in {q.value for q in QuantityBand}:
        raise SubstanceError(_("Choose a quantity from the list."), "quantity_band")
    if signal_word not in {s.value for s in SignalWord}:
        raise SubstanceError(_("Choose a signal word from the list."), "signal_word")
    if set(pictograms) - set(rules.PICTOGRAMS):
        raise SubstanceError(_("Choose pictograms from the list."), "pictograms")
    if set(ppe) - set(rules.PPE):
        raise SubstanceError(_("Choose PPE from the list."), "ppe")
    known_functions = set(function_names())
    if set(functions) - known_functions:
        raise SubstanceError(_("Choose functions from the list."), "functions")
    sites = list(db.session.scalars(select(Site).where(Site.id.in_(site_ids)))) if site_ids else []
    if len(sites) != len(set(site_ids)):
        raise SubstanceError(_("Choose sites from the list."), "site_ids")
    if assessment_id is not None:
        from ..models import VcaRiskAssessment

        if get(VcaRiskAssessment, assessment_id) is None:
            raise SubstanceError(_("Choose a risk assessment from the list."), "assessment_id")
    hazards = _check_codes(rules.normalise_codes(hazard_statements), HazardKind.HAZARD, "hazard_statements")
    precautions = _check_codes(rules.normalise_codes(precaution_statements), HazardKind.PRECAUTION,
                               "precaution_statements")
    if signal_word == SignalWord.NONE.value and pictograms and set(pictograms) & {"GHS05", "GHS06", "GHS08"}:
        raise SubstanceError(_("A product with this pictogram has the signal word \"Danger\" or \"Warning\"."),
                             "signal_word")
    if product is None:
        product = VcaProduct(name=name)
        db.session.add(product)
    product.name = name[:160]
    product.purpose = (purpose or "").strip() or None
    product.supplier_id = supplier_id
    product.functions = ",".join(functions) or None
    product.quantity_band = QuantityBand(quantity_band)
    product.signal_word = SignalWord(signal_word)
    product.pictograms = ",".join(p for p in rules.PICTOGRAMS if p in pictograms) or None
    product.hazard_statements = hazards
    product.precaution_statements = precautions
    product.ppe = ",".join(k for k in rules.PPE if k in ppe) or None
    product.do_text, product.dont_text = do_text or None, dont_text or None
    product.first_aid, product.disposal = first_aid or None, disposal or None
    product.assessment_id = assessment_id
    db.session.flush()
    _set_sites(product, {s.id for s in sites})
    return product


def _set_sites(product: VcaProduct, wanted: set[int]) -> None:
    rows = {row.site_id: row for row in db.session.scalars(
        select(VcaProductSite).where(VcaProductSite.product_id == product.id))}
    for site_id, row in rows.items():
        if site_id not in wanted:
            db.session.delete(row)
    for site_id in wanted - rows.keys():
        db.session.add(VcaProductSite(product_id=product.id, site_id=site_id))
    db.session.flush()
    db.session.expire(product, ["sites"])


def set_active(product: VcaProduct, active: bool) -> None:
    product.active = active
    db.session.flush()


def upload_sheet(product: VcaProduct, file, issued_on: dt.date, language: str, revision: str | None) -> None:
    """A new safety data sheet becomes the current one (the announcement of a newer one is settled by it)."""
    if issued_on > today():
        raise SubstanceError(_("The issue date cannot lie in the future."), "issued_on")
    if language not in rules.SDS_LANGUAGES:
        raise SubstanceError(_("Choose a language from the list."), "language")
    if product.sds_issued_on and issued_on < product.sds_issued_on:
        raise SubstanceError(_("This sheet is older than the current one (%(date)s).",
                               date=product.sds_issued_on.isoformat()), "issued_on")
    stored = uploads.store(file, allowed={"pdf"})
    product.sds_file_id = stored.id
    product.sds_issued_on = issued_on
    product.sds_language = language
    product.sds_revision = (revision or "").strip()[:20] or None
    product.sds_reviewed_on = today()
    product.newer_revision_on = None
    db.session.flush()


def mark_sheet_reviewed(product: VcaProduct) -> None:
    """Checked with the supplier: the sheet on file is still their latest."""
    if product.sds_file_id is None:
        raise SubstanceError(_("Upload the safety data sheet first."))
    product.sds_reviewed_on = today()
    product.newer_revision_on = None
    db.session.flush()


def announce_newer_revision(product: VcaProduct, on: dt.date | None) -> None:
    if on is not None and on > today():
        raise SubstanceError(_("The date cannot lie in the future."), "announced_on")
    product.newer_revision_on = on or today()
    db.session.flush()


def sheet_status(product: VcaProduct, max_age: int | None = None, on: dt.date | None = None) -> rules.SheetStatus:
    return rules.sheet_status(product.sds_file_id is not None, product.sds_issued_on, product.sds_reviewed_on,
                              product.newer_revision_on, max_age if max_age is not None else max_age_years(),
                              on or today())


# --- substances and the CMR list --------------------------------------------------------------

_BANDS = {"<1": "lt1", "1-5": "1_5", "5-10": "5_10", "10-25": "10_25", "25-50": "25_50", ">50": "gt50"}


def parse_substance_lines(text: str) -> list[tuple[str | None, str, str]]:
    """Lines "CAS; name; band" (band as <1, 1-5, 5-10, 10-25, 25-50, >50) → (cas, name, band value)."""
    out = []
    for number, line in enumerate((text or "").splitlines(), 1):
        if not line.strip():
            continue
        parts = [p.strip() for p in re.split(r"[;\t]", line)]
        if len(parts) != 3:
            raise SubstanceError(_("Line %(line)s: write CAS number; name; concentration (for example "
                                   "7647-01-0; zoutzuur; 5-10).", line=number), "lines")
        cas, name, band = parts
        cas = cas or None
        if cas is not None and not rules.valid_cas(cas):
            raise SubstanceError(_("Line %(line)s: %(cas)s is not a valid CAS number.", line=number, cas=cas), "lines")
        if not name or len(name) > 200:
            raise SubstanceError(_("Line %(line)s: enter the name of the substance.", line=number), "lines")
        value = _BANDS.get(band.replace(" ", "").replace("%", ""))
        if value is None:
            raise SubstanceError(_("Line %(line)s: the concentration is one of <1, 1-5, 5-10, 10-25, 25-50, >50.",
                                   line=number), "lines")
        out.append((cas, name, value))
    return out


def band_label_text(value: ConcentrationBand) -> str:
    return {v: k for k, v in _BANDS.items()}[value.value]


def set_substances(product: VcaProduct, lines: str) -> None:
    """Replace the product's substances with the parsed lines."""
    parsed = parse_substance_lines(lines)
    for row in list(product.substances):
        product.substances.remove(row)
    db.session.flush()
    for cas, name, band in parsed:
        product.substances.append(VcaProductSubstance(cas=cas, name=name, concentration=ConcentrationBand(band)))
    db.session.flush()


def cmr_exists():
    return exists().where(VcaProductSubstance.product_id == VcaProduct.id,
                          VcaProductSubstance.cas == VcaCmrSubstance.cas)


def cmr_product_ids(product_ids=None) -> set[int]:
    """Products with at least one substance on the CMR list (one query)."""
    stmt = (select(VcaProductSubstance.product_id).join(VcaCmrSubstance, VcaCmrSubstance.cas == VcaProductSubstance.cas)
            .distinct())
    if product_ids is not None:
        ids = list(product_ids)
        if not ids:
            return set()
        stmt = stmt.where(VcaProductSubstance.product_id.in_(ids))
    return set(db.session.scalars(stmt))


def cmr_matches(product: VcaProduct) -> list[tuple[VcaProductSubstance, VcaCmrSubstance]]:
    return list(db.session.execute(
        select(VcaProductSubstance, VcaCmrSubstance)
        .join(VcaCmrSubstance, VcaCmrSubstance.cas == VcaProductSubstance.cas)
        .where(VcaProductSubstance.product_id == product.id)).all())


def cmr_registration(product: VcaProduct) -> VcaCmrRegistration | None:
    return db.session.scalar(select(VcaCmrRegistration).where(VcaCmrRegistration.product_id == product.id))


def registration_complete(row: VcaCmrRegistration | None) -> bool:
    return bool(row and row.exposed and row.exposure and row.measures)


def substitution_decided(row: VcaCmrRegistration | None) -> bool:
    return bool(row and row.substitution is not Substitution.OPEN)


def save_cmr_registration(product: VcaProduct, *, exposed: str | None, exposure: str | None, measures: str | None,
                          substitution: str, reason: str | None, planned_on: dt.date | None) -> VcaCmrRegistration:
    if not cmr_matches(product):
        raise SubstanceError(_("This product has no substance on the CMR list."))
    if not (exposed and exposure and measures):
        raise SubstanceError(_("Fill in who is exposed, how long and how often, and the measures."),
                             "exposed" if not exposed else ("exposure" if not exposure else "measures"))
    if substitution not in {s.value for s in Substitution}:
        raise SubstanceError(_("Choose an outcome from the list."), "substitution")
    outcome = Substitution(substitution)
    if outcome is Substitution.NOT_POSSIBLE and not (reason or "").strip():
        raise SubstanceError(_("Say why substitution is not possible."), "reason")
    if outcome is Substitution.PLANNED and planned_on is None:
        raise SubstanceError(_("Enter the date the substitution is planned for."), "planned_on")
    row = cmr_registration(product)
    if row is None:
        row = VcaCmrRegistration(product_id=product.id)
        db.session.add(row)
    row.exposed, row.exposure, row.measures = exposed, exposure[:300], measures
    row.substitution = outcome
    row.substitution_reason = (reason or "").strip() or None
    row.substitution_planned_on = planned_on if outcome is Substitution.PLANNED else None
    row.checked_on = today()
    db.session.flush()
    return row


# --- instruction confirmations ----------------------------------------------------------------

def confirmation(product: VcaProduct, user) -> VcaProductInstruction | None:
    return db.session.scalar(select(VcaProductInstruction).where(VcaProductInstruction.product_id == product.id,
                                                                 VcaProductInstruction.user_id == user.id))


def confirm_instruction(product: VcaProduct, user) -> VcaProductInstruction:
    """One tap: the user was instructed on this product. A second tap (or two at once) keeps the first."""
    if not product.active:
        raise SubstanceError(_("This product is no longer in use."))
    existing = confirmation(product, user)
    if existing is not None:
        return existing
    try:
        with db.session.begin_nested():
            row = VcaProductInstruction(product_id=product.id, user_id=user.id)
            db.session.add(row)
    except IntegrityError:  # the other tap won the race
        return confirmation(product, user)
    return row


def confirmations(product: VcaProduct):
    from qms.auth.models import User

    return list(db.session.execute(
        select(User.name, VcaProductInstruction.confirmed_at).join(User, User.id == VcaProductInstruction.user_id)
        .where(VcaProductInstruction.product_id == product.id).order_by(User.name)))


# --- links ------------------------------------------------------------------------------------

def _link(product: VcaProduct, link, field: str, target_id: int | None) -> None:
    """Link ``product`` to the record ``target_id`` through the table ``link`` (whose column ``field`` names the
    record); a link that is already there stays the one link."""
    column = getattr(link, field)
    if db.session.scalar(select(link.id).where(link.product_id == product.id, column == target_id)):
        return
    db.session.add(link(product_id=product.id, **{field: target_id}))
    db.session.flush()


def link_incident(product: VcaProduct, incident_id: int | None) -> None:
    from qms.incidents.models import Incident

    if get(Incident, incident_id) is None:
        raise SubstanceError(_("Choose an incident from the list."), "incident_id")
    _link(product, VcaProductIncident, "incident_id", incident_id)


def link_meeting(product: VcaProduct, meeting_id: int | None) -> None:
    from ..models import VcaToolboxMeeting

    if get(VcaToolboxMeeting, meeting_id) is None:
        raise SubstanceError(_("Choose a toolbox meeting from the list."), "meeting_id")
    _link(product, VcaProductToolbox, "meeting_id", meeting_id)


def unlink(model, product: VcaProduct, link_id: int) -> None:
    row = get(model, link_id)
    if row is None or row.product_id != product.id:
        raise SubstanceError(_("This link no longer exists."))
    db.session.delete(row)
    db.session.flush()
