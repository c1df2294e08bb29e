"""The one PDF kit every package uses (ReportLab): the house styles, A4 pages with a footer and "Page X of Y",
tables that repeat their header row and wrap their cells, chart axes, and escaping by default.

ReportLab reads a Paragraph's text as markup, so a name such as ``de Vries <BV`` breaks the page and ``Jan <b>``
loses text. :func:`para` escapes every value; only a :class:`markupsafe.Markup` value (built with ``Markup``
and ``%`` or ``.format``, which escape their arguments) passes as markup. Packages build Paragraphs through
:func:`para` only, never with ReportLab's ``Paragraph`` on raw text.
"""
from __future__ import annotations

import io
import math
from typing import Iterable, Sequence

from flask import Response
from flask_babel import gettext as _
from markupsafe import Markup, escape
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as pdf_canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

__all__ = ["BRAND", "GREY", "Markup", "STYLES", "bold", "build", "count_axis", "facts", "grid", "numbered_canvas",
           "para", "qr", "response", "spacer", "style", "table", "text", "value_axis"]

BRAND = colors.HexColor("#0f5e66")
#: Footers, small print and empty-chart notes.
GREY = colors.HexColor("#55666a")
_base = getSampleStyleSheet()


def style(name: str, parent: ParagraphStyle, **overrides) -> ParagraphStyle:
    """A house style derived from another (for a document with a layout of its own, such as a card)."""
    return ParagraphStyle(f"qms-{name}", parent=parent, **overrides)


STYLES = {
    "title": style("title", _base["Title"], fontSize=18, leading=22, textColor=BRAND, alignment=0, spaceAfter=6),
    "h1": style("h1", _base["Heading1"], fontSize=15, leading=18, textColor=BRAND),
    "h2": style("h2", _base["Heading2"], fontSize=13, leading=16, textColor=BRAND, spaceBefore=10, spaceAfter=4),
    "h3": style("h3", _base["Heading3"], fontSize=11, leading=14, spaceBefore=6, spaceAfter=2),
    "body": style("body", _base["BodyText"], fontSize=9.5, leading=12.5),
    "italic": style("italic", _base["Italic"], fontSize=9.5, leading=12.5),
    "cell": style("cell", _base["BodyText"], fontSize=8.5, leading=10.5),
    "small": style("small", _base["BodyText"], fontSize=8, leading=10, textColor=GREY),
    "code": style("code", _base["Code"], fontSize=8.5, leading=10.5),
    "huge": style("huge", _base["Title"], fontSize=30, leading=36, textColor=BRAND),
    "card_title": style("card-title", _base["Title"], fontSize=12, leading=14, textColor=BRAND, alignment=0,
                        spaceAfter=2),
}


def text(value) -> str:
    """A value as Paragraph text: escaped (unless it is ``Markup``), line breaks kept, None as empty."""
    if value is None:
        return ""
    return str(value if isinstance(value, Markup) else escape(str(value))).replace("\n", "<br/>")


def para(value, style: str | ParagraphStyle = "body") -> Paragraph:
    """A Paragraph of ``value``, escaped by default; ``style`` is a house style's name or a style."""
    return Paragraph(text(value), STYLES[style] if isinstance(style, str) else style)


def bold(value) -> Markup:
    return Markup("<b>%s</b>") % value


def _cell(value, style: str) -> Flowable:
    return value if isinstance(value, Flowable) else para(value, style)


def table(header: Sequence, rows: Iterable[Sequence], widths: Sequence[float] | None = None, *,
          style: str = "cell") -> Table:
    """A table with a repeated bold header; every cell wraps (``widths`` in millimetres)."""
    data = [[para(bold(h), style) for h in header]]
    data += [[_cell(c, style) for c in row] for row in rows]
    result = Table(data, colWidths=[w * mm for w in widths] if widths else None, repeatRows=1)
    result.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6eef0")),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#b8c7ca")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]))
    return result


def grid(rows: Sequence[Sequence], widths: Sequence[float] | None = None, *, header: bool = False,
         font_size: float = 8.5, wrap_over: int = 30) -> Table:
    """A fast table for long lists: short cells stay plain strings (never read as markup), longer or multi-line
    ones wrap as escaped Paragraphs; ``header`` makes the first row bold and repeated (``widths`` in points)."""
    cell = style("grid-cell", STYLES["cell"], fontSize=font_size, leading=font_size + 2)

    def value(v):
        if isinstance(v, Flowable):
            return v
        shown = "—" if v is None else str(v)
        return para(shown, cell) if len(shown) > wrap_over or "\n" in shown else shown

    result = Table([[value(v) for v in row] for row in rows], colWidths=widths, repeatRows=1 if header else 0)
    commands = [("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#b8c7ca")), ("FONTSIZE", (0, 0), (-1, -1), font_size),
                ("VALIGN", (0, 0), (-1, -1), "TOP")]
    if header:
        commands += [("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6eef0")),
                     ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold")]
    result.setStyle(TableStyle(commands))
    return result


def facts(pairs: Iterable[tuple[str, object]]) -> Table:
    """Label/value pairs as a borderless two-column table."""
    data = [[para(bold(k), "cell"), para(v, "cell")] for k, v in pairs]
    result = Table(data, colWidths=[45 * mm, 125 * mm])
    result.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return result


def spacer(height_mm: float = 4) -> Spacer:
    return Spacer(1, height_mm * mm)


def numbered_canvas(footer: str, decorate=None):
    """A canvas class that draws ``footer`` and "Page X of Y" on every page once the page count is known;
    ``decorate(canvas, page, pages)`` may draw more (a header, a watermark) on each page."""
    page_text = _("Page %(page)s of %(pages)s")

    class NumberedCanvas(pdf_canvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.saveState()
                self.setFont("Helvetica", 7.5)
                self.setFillColor(GREY)
                width = self._pagesize[0]
                self.drawString(18 * mm, 10 * mm, footer[:120])
                self.drawRightString(width - 18 * mm, 10 * mm, page_text % {"page": self._pageNumber,
                                                                            "pages": total})
                self.restoreState()
                if decorate is not None:
                    decorate(self, self._pageNumber, total)
                super().showPage()
            super().save()

    return NumberedCanvas


def build(story: list, *, title: str, footer: str = "", pagesize=A4, margin_mm: float = 18,
          top_mm: float | None = None, bottom_mm: float | None = None, decorate=None, numbered: bool = True,
          author: str = "QMS") -> bytes:
    """Render ``story`` with ``footer`` (the title by default) and "Page X of Y" at the foot of every page;
    ``decorate(canvas, page, pages)`` draws more on each page (a control header, a watermark). ``numbered=False``
    is for a card or a poster, without a footer."""
    buffer = io.BytesIO()
    margin = margin_mm * mm
    doc = SimpleDocTemplate(buffer, pagesize=pagesize, leftMargin=margin, rightMargin=margin,
                            topMargin=(top_mm if top_mm is not None else min(margin_mm, 16)) * mm,
                            bottomMargin=(bottom_mm if bottom_mm is not None else margin_mm) * mm, title=title,
                            author=author)
    if numbered:
        doc.build(story, canvasmaker=numbered_canvas(footer or title, decorate))
    else:
        doc.build(story)
    return buffer.getvalue()


#: Steps an axis may use, times a power of ten (1, 2, 2.5, 5 → 10, 20, 25, 50 …).
_NICE_STEPS = (1, 2, 2.5, 5, 10)
MAX_TICKS = 8


def value_axis(highest: float) -> tuple[float, float]:
    """(top, step) of a value axis that reaches above ``highest`` with at most MAX_TICKS even steps."""
    highest = max(float(highest or 0), 0.0)
    if highest == 0:
        return 1.0, 1.0
    magnitude = 10 ** math.floor(math.log10(highest / MAX_TICKS)) if highest / MAX_TICKS > 0 else 1
    for nice in _NICE_STEPS:
        step = nice * magnitude
        top = math.ceil(highest / step) * step
        if top / step <= MAX_TICKS:
            return float(top), float(step)
    return float(math.ceil(highest / (10 * magnitude)) * 10 * magnitude), float(10 * magnitude)


def count_axis(highest: int) -> tuple[int, int]:
    """(top, step) of an axis of counts: whole steps only (no half incidents), top at or above ``highest``."""
    highest = max(int(highest or 0), 1)
    step = 1
    while math.ceil(highest / step) > MAX_TICKS:
        step = next(s * 10 ** e for e in range(0, 9) for s in (1, 2, 5) if s * 10 ** e > step)
    return math.ceil(highest / step) * step, step


def qr(url: str, size: float) -> Drawing:
    """A QR code of ``url``, ``size`` points square."""
    widget = QrCodeWidget(url, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


def response(data: bytes, filename: str) -> Response:
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
