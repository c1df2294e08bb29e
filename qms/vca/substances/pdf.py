"""The work instruction card (werkplekinstructiekaart) of a product: one A4 page for the cleaning trolley with
the GHS pictograms (drawn with ReportLab shapes), what to do and not to do, PPE, first aid, disposal and a QR
code that opens the same card on a phone. Takes plain values already in the user's language; returns bytes."""
from __future__ import annotations

import io
import math
from dataclasses import dataclass, field

from reportlab.graphics.shapes import Circle, Drawing, Ellipse, Line, Polygon, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import KeepInFrame, Paragraph, SimpleDocTemplate, Table, TableStyle

from qms.core.pdf import BRAND, STYLES, build, para, qr, spacer, style

RED = colors.HexColor("#d7141a")
INK = colors.black
_S = {
    "name": style("card-name", STYLES["title"], fontSize=22, leading=26, spaceAfter=2),
    "sub": style("card-sub", STYLES["body"], fontSize=10, leading=13, textColor=colors.HexColor("#333333")),
    "signal": style("card-signal", STYLES["body"], fontSize=18, leading=22, textColor=RED,
                    fontName="Helvetica-Bold"),
    "head": style("card-head", STYLES["body"], fontSize=11, leading=14, textColor=colors.white,
                  fontName="Helvetica-Bold"),
    "text": style("card-text", STYLES["body"], fontSize=10, leading=13),
    "small": style("card-small", STYLES["body"], fontSize=7.5, leading=9.5, textColor=colors.HexColor("#555555")),
    "label": style("card-label", STYLES["body"], fontSize=7.5, leading=9, alignment=1),
}


@dataclass
class Card:
    """What the card shows, already translated."""

    name: str
    subtitle: str
    signal_word: str | None
    title: str
    #: (code, short text) per pictogram.
    pictograms: list[tuple[str, str]] = field(default_factory=list)
    #: (heading, lines) blocks in reading order: do, do not, PPE, first aid, disposal, hazards, precautions.
    blocks: list[tuple[str, list[str]]] = field(default_factory=list)
    url: str = ""
    qr_caption: str = ""
    footer: str = ""


# --- pictograms -------------------------------------------------------------------------------

def _symbol(d: Drawing, code: str, cx: float, cy: float, s: float) -> None:
    """A simple black symbol for the pictogram, centred on (cx, cy), about ``s`` wide."""
    k = dict(fillColor=INK, strokeColor=INK, strokeWidth=0)
    if code == "GHS01":  # explosion: a burst
        pts = []
        for i in range(16):
            r = s * (0.48 if i % 2 == 0 else 0.22)
            a = math.pi * 2 * i / 16
            pts += [cx + r * math.cos(a), cy + r * math.sin(a)]
        d.add(Polygon(pts, **k))
    elif code in ("GHS02", "GHS03"):  # flame, over a circle for oxidising
        base = cy - s * 0.35
        if code == "GHS03":
            d.add(Circle(cx, base + s * 0.05, s * 0.2, fillColor=colors.white, strokeColor=INK, strokeWidth=s * 0.07))
            base += s * 0.15
        d.add(Polygon([cx - s * 0.28, base, cx + s * 0.28, base, cx + s * 0.3, base + s * 0.3, cx + s * 0.1,
                       base + s * 0.45, cx + s * 0.12, base + s * 0.75, cx - s * 0.08, base + s * 0.5,
                       cx - s * 0.15, base + s * 0.65, cx - s * 0.32, base + s * 0.3], **k))
        d.add(Rect(cx - s * 0.36, cy - s * 0.42, s * 0.72, s * 0.05, **k))
    elif code == "GHS04":  # gas cylinder lying down
        d.add(Rect(cx - s * 0.38, cy - s * 0.14, s * 0.66, s * 0.28, rx=s * 0.12, ry=s * 0.12, **k))
        d.add(Rect(cx + s * 0.26, cy - s * 0.06, s * 0.14, s * 0.12, **k))
    elif code == "GHS05":  # corrosion: two drops falling on a hand and a bar
        for x in (cx - s * 0.2, cx + s * 0.2):
            d.add(Rect(x - s * 0.09, cy + s * 0.12, s * 0.18, s * 0.3, **k))
            d.add(Circle(x, cy - s * 0.02, s * 0.05, **k))
        d.add(Rect(cx - s * 0.42, cy - s * 0.4, s * 0.32, s * 0.16, **k))
        d.add(Polygon([cx + s * 0.04, cy - s * 0.4, cx + s * 0.42, cy - s * 0.4, cx + s * 0.42, cy - s * 0.26,
                       cx + s * 0.12, cy - s * 0.2], **k))
    elif code == "GHS06":  # skull and crossbones
        d.add(Line(cx - s * 0.38, cy - s * 0.38, cx + s * 0.38, cy + s * 0.02, strokeColor=INK, strokeWidth=s * 0.08))
        d.add(Line(cx + s * 0.38, cy - s * 0.38, cx - s * 0.38, cy + s * 0.02, strokeColor=INK, strokeWidth=s * 0.08))
        d.add(Ellipse(cx, cy + s * 0.18, s * 0.24, s * 0.22, **k))
        d.add(Rect(cx - s * 0.12, cy - s * 0.06, s * 0.24, s * 0.1, **k))
        for x in (cx - s * 0.1, cx + s * 0.1):
            d.add(Circle(x, cy + s * 0.2, s * 0.06, fillColor=colors.white, strokeWidth=0))
    elif code == "GHS07":  # exclamation mark
        d.add(Polygon([cx - s * 0.09, cy + s * 0.42, cx + s * 0.09, cy + s * 0.42, cx + s * 0.05, cy - s * 0.15,
                       cx - s * 0.05, cy - s * 0.15], **k))
        d.add(Circle(cx, cy - s * 0.3, s * 0.08, **k))
    elif code == "GHS08":  # health hazard: a bust with a star on the chest
        d.add(Circle(cx, cy + s * 0.3, s * 0.14, **k))
        d.add(Polygon([cx - s * 0.38, cy - s * 0.42, cx + s * 0.38, cy - s * 0.42, cx + s * 0.3, cy + s * 0.1,
                       cx - s * 0.3, cy + s * 0.1], **k))
        pts = []
        for i in range(10):
            r = s * (0.2 if i % 2 == 0 else 0.08)
            a = math.pi / 2 + math.pi * 2 * i / 10
            pts += [cx + r * math.cos(a), cy - s * 0.14 + r * math.sin(a)]
        d.add(Polygon(pts, fillColor=colors.white, strokeWidth=0))
    elif code == "GHS09":  # environment: a bare tree and a dead fish
        d.add(Line(cx - s * 0.2, cy - s * 0.1, cx - s * 0.2, cy + s * 0.42, strokeColor=INK, strokeWidth=s * 0.06))
        d.add(Line(cx - s * 0.2, cy + s * 0.2, cx - s * 0.38, cy + s * 0.36, strokeColor=INK, strokeWidth=s * 0.04))
        d.add(Line(cx - s * 0.2, cy + s * 0.12, cx + s * 0.02, cy + s * 0.32, strokeColor=INK, strokeWidth=s * 0.04))
        d.add(Ellipse(cx + s * 0.08, cy - s * 0.28, s * 0.24, s * 0.09, **k))
        d.add(Polygon([cx + s * 0.3, cy - s * 0.28, cx + s * 0.44, cy - s * 0.18, cx + s * 0.44, cy - s * 0.38], **k))
        d.add(Rect(cx - s * 0.44, cy - s * 0.12, s * 0.88, s * 0.03, **k))


def pictogram(code: str, size: float = 26 * mm) -> Drawing:
    """A GHS-style diamond: red border, white field, a simple black symbol and the code underneath."""
    d = Drawing(size, size)
    c, r = size / 2, size / 2 - 1.5
    d.add(Polygon([c, c + r, c + r, c, c, c - r, c - r, c], fillColor=colors.white, strokeColor=RED,
                  strokeWidth=size * 0.06, strokeLineJoin=1))
    _symbol(d, code, c, c + size * 0.1, size * 0.46)
    d.add(String(c, c - r * 0.66, code, fontName="Helvetica-Bold", fontSize=size * 0.09, textAnchor="middle",
                 fillColor=INK))
    return d


# --- the card ---------------------------------------------------------------------------------

def _para(text: str, name: str = "text") -> Paragraph:
    return para(text, _S[name])


def _block(heading: str, lines: list[str], width: float, colour) -> Table:
    body = [_para("• " + line) for line in lines] or [_para("—")]
    table = Table([[_para(heading, "head")]] + [[p] for p in body], colWidths=[width])
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), colour), ("BOX", (0, 0), (-1, -1), 0.8, colour),
        ("TOPPADDING", (0, 1), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 1), (-1, -1), 1.5),
        ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


#: Room kept free at the bottom of the page for the QR code and the footer.
QR_BAND = 44 * mm


def _qr_band(card: Card):
    """Draw the QR code and the footer at the foot of the page (fixed place, whatever the content)."""
    def draw(canvas, doc):
        canvas.saveState()
        left, bottom = doc.leftMargin, 12 * mm
        canvas.setStrokeColor(BRAND)
        canvas.setLineWidth(0.8)
        canvas.line(left, bottom + QR_BAND - 8 * mm, A4[0] - doc.rightMargin, bottom + QR_BAND - 8 * mm)
        size = 30 * mm
        from reportlab.graphics import renderPDF

        renderPDF.draw(qr(card.url, size), canvas, left, bottom)
        frame_width = A4[0] - doc.rightMargin - left - size - 6 * mm
        y = bottom + size
        for text, name in ((card.qr_caption, "text"), (card.url, "small"), (card.footer, "small")):
            line = _para(text, name)
            _w, h = line.wrap(frame_width, 20 * mm)
            y -= h
            line.drawOn(canvas, left + size + 6 * mm, y)
            y -= 2 * mm
        canvas.restoreState()
    return draw


def instruction_card(card: Card) -> bytes:
    """One A4 page: whatever the amount of text, the content is shrunk to fit above the QR band."""
    buffer = io.BytesIO()
    top_margin, bottom_margin = 12 * mm, 12 * mm + QR_BAND
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=14 * mm, rightMargin=14 * mm, topMargin=top_margin,
                            bottomMargin=bottom_margin, title=card.title, author="QMS")
    width = A4[0] - 28 * mm
    height = A4[1] - top_margin - bottom_margin - 2 * mm
    head = [_para(card.name, "name"), _para(card.subtitle, "sub")]
    signal = _para(card.signal_word, "signal") if card.signal_word else _para("")
    top = Table([[head, signal]], colWidths=[width - 45 * mm, 45 * mm])
    top.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                             ("LINEBELOW", (0, 0), (-1, 0), 2, BRAND), ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))
    content = [top, spacer(4)]
    if card.pictograms:
        cells = [[pictogram(code) for code, _text in card.pictograms],
                 [_para(text, "label") for _code, text in card.pictograms]]
        pics = Table(cells, colWidths=[30 * mm] * len(card.pictograms), hAlign="LEFT")
        pics.setStyle(TableStyle([("ALIGN", (0, 0), (-1, -1), "CENTER"), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        content += [pics, spacer(3)]
    half = (width - 4 * mm) / 2
    colours = [colors.HexColor("#1b7a3e"), RED] + [BRAND] * max(0, len(card.blocks) - 2)
    # Two columns, filled in turn: do | do not, then the rest balanced by length.
    columns: list[list] = [[], []]
    weight = [0, 0]
    for index, (heading, lines) in enumerate(card.blocks):
        side = index if index < 2 else (0 if weight[0] <= weight[1] else 1)
        columns[side] += [_block(heading, lines, half, colours[index]), spacer(3)]
        weight[side] += 2 + sum(1 + len(line) // 45 for line in lines)
    grid = Table([columns], colWidths=[half + 4 * mm, half])
    grid.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                              ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    content.append(grid)
    draw = _qr_band(card)
    doc.build([KeepInFrame(width, height, content, mode="shrink")], onFirstPage=draw, onLaterPages=draw)
    return buffer.getvalue()


def placeholder_sheet(title: str, lines: list[str]) -> bytes:
    """A small stand-in safety data sheet (demo data): a title and a few lines on one page."""
    return build([para(title, "title")] + [_para(line) for line in lines], title=title, numbered=False)
