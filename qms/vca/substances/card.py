"""The content of a product's work instruction card, shared by the PDF and the phone page (one source)."""
from __future__ import annotations

from flask import url_for
from flask_babel import format_date
from flask_babel import gettext as _

from ...notifications.services import absolute_url
from . import reference, rules
from .models import SignalWord, VcaProduct
from .pdf import Card


def _lines(text: str | None) -> list[str]:
    return [line.strip(" -•\t") for line in (text or "").splitlines() if line.strip(" -•\t")]


def signal_label(word: SignalWord) -> str | None:
    return {SignalWord.DANGER: _("Danger"), SignalWord.WARNING: _("Warning")}.get(word)


def content(product: VcaProduct) -> Card:
    codes = product.pictogram_list + product.hazard_list + product.precaution_list
    texts = reference.hazard_texts(codes)
    subtitle = " · ".join(x for x in (product.purpose, product.supplier.name if product.supplier else None) if x)
    if product.sds_issued_on is None:
        sheet = _("No safety data sheet on file yet.")
    elif product.sds_revision:
        sheet = _("Safety data sheet of %(date)s, revision %(revision)s", date=format_date(product.sds_issued_on),
                  revision=product.sds_revision)
    else:
        sheet = _("Safety data sheet of %(date)s", date=format_date(product.sds_issued_on))
    blocks = [
        (_("What to do"), _lines(product.do_text)),
        (_("What not to do"), _lines(product.dont_text)),
        (_("PPE you wear"), [str(rules.PPE[k]) for k in product.ppe_list]),
        (_("First aid"), _lines(product.first_aid)),
        (_("Disposal and spills"), _lines(product.disposal)),
        (_("Hazards"), [f"{c}: {texts.get(c, '')}".rstrip(": ") for c in product.hazard_list]),
        (_("Precautions"), [f"{c}: {texts.get(c, '')}".rstrip(": ") for c in product.precaution_list]),
    ]
    return Card(
        name=product.name, subtitle=subtitle, signal_word=signal_label(product.signal_word),
        title=_("Work instruction card %(name)s", name=product.name),
        pictograms=[(c, texts.get(c, c)) for c in product.pictogram_list], blocks=blocks,
        url=absolute_url(url_for("substances.card", product_id=product.id)),
        qr_caption=_("Scan the code to open this card on your phone and confirm that you were instructed."),
        footer=sheet + " · " + _("Printed on %(date)s", date=format_date(rules_today())),
    )


def rules_today():
    from .services import today

    return today()
