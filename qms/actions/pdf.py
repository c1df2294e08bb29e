"""Small ReportLab helpers shared by the PDFs of every package: A4, "Page X of Y" footers, a header line,
tables that repeat their header row and wrap their cells."""
from __future__ import annotations

import io
from typing import Iterable, Sequence
from xml.sax.saxutils import escape

from flask import Response
from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as pdf_canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

BRAND = colors.HexColor("#0f5e66")
_base = getSampleStyleSheet()
STYLES = {
    "title": ParagraphStyle("qms-title", parent=_base["Title"], fontSize=18, leading=22, textColor=BRAND,
                            alignment=0, spaceAfter=6),
    "h2": ParagraphStyle("qms-h2", parent=_base["Heading2"], fontSize=13, leading=16, textColor=BRAND,
                         spaceBefore=10, spaceAfter=4),
    "h3": ParagraphStyle("qms-h3", parent=_base["Heading3"], fontSize=11, leading=14, spaceBefore=6, spaceAfter=2),
    "body": ParagraphStyle("qms-body", parent=_base["BodyText"], fontSize=9.5, leading=12.5),
    "cell": ParagraphStyle("qms-cell", parent=_base["BodyText"], fontSize=8.5, leading=10.5),
    "small": ParagraphStyle("qms-small", parent=_base["BodyText"], fontSize=8, leading=10,
                            textColor=colors.HexColor("#55666a")),
}


def text(value) -> str:
    """Escape a value for a Paragraph and keep its line breaks."""
    return escape("" if value is None else str(value)).replace("\n", "<br/>")


def para(value, style: str = "body") -> Paragraph:
    return Paragraph(text(value), STYLES[style])


def table(header: Sequence[str], rows: Iterable[Sequence], widths: Sequence[float] | None = None) -> Table:
    """A table with a repeated bold header; every cell wraps."""
    data = [[Paragraph(f"<b>{text(h)}</b>", STYLES["cell"]) for h in header]]
    data += [[c if isinstance(c, Paragraph) else para(c, "cell") for c in row] for row in rows]
    result = Table(data, colWidths=[w * mm for w in widths] if widths else None, repeatRows=1)
    result.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6eef0")),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#b8c7ca")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]))
    return result


def facts(pairs: Iterable[tuple[str, object]]) -> Table:
    """Label/value pairs as a borderless two-column table."""
    data = [[Paragraph(f"<b>{text(k)}</b>", STYLES["cell"]), para(v, "cell")] for k, v in pairs]
    result = Table(data, colWidths=[45 * mm, 125 * mm])
    result.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return result


def spacer(height_mm: float = 4) -> Spacer:
    return Spacer(1, height_mm * mm)


def numbered_canvas(footer: str):
    """A canvas class that draws ``footer`` and "Page X of Y" on every page once the page count is known."""
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
                self.setFillColor(colors.HexColor("#55666a"))
                width = self._pagesize[0]
                self.drawString(18 * mm, 10 * mm, footer[:120])
                self.drawRightString(width - 18 * mm, 10 * mm, page_text % {"page": self._pageNumber,
                                                                            "pages": total})
                self.restoreState()
                super().showPage()
            super().save()

    return NumberedCanvas


def build(story: list, *, title: str, footer: str = "") -> bytes:
    """Render ``story`` on A4 with the title and "Page X of Y" in the footer of every page."""
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                            bottomMargin=18 * mm, title=title, author="QMS")
    doc.build(story, canvasmaker=numbered_canvas(footer or title))
    return buffer.getvalue()


#: Steps an axis may use, times a power of ten (1, 2, 2.5, 5 → 10, 20, 25, 50 …).
_NICE_STEPS = (1, 2, 2.5, 5, 10)
MAX_TICKS = 8


def value_axis(highest: float) -> tuple[float, float]:
    """(top, step) of a value axis that reaches above ``highest`` with at most MAX_TICKS even steps."""
    import math

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
    import math

    highest = max(int(highest or 0), 1)
    step = 1
    while math.ceil(highest / step) > MAX_TICKS:
        step = next(s * 10 ** e for e in range(0, 9) for s in (1, 2, 5) if s * 10 ** e > step)
    return math.ceil(highest / step) * step, step


def response(data: bytes, filename: str) -> Response:
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
