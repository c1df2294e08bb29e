"""Controlled copies and the register export as PDF (ReportLab).

Every page of a controlled copy carries a header (number, title, version, status, effective date) and a footer
("Pagina X van Y" / "Page X of Y" and the print date); retired versions carry a large SUPERSEDED / WITHDRAWN
mark, unreleased versions a DRAFT mark. Authored Markdown is laid out from markdown-it tokens (no raw HTML);
an uploaded file gets a cover sheet with the same control data and the file's hash.
"""
from __future__ import annotations

import io
from xml.sax.saxutils import escape

from flask_babel import format_date, format_datetime
from flask_babel import gettext as _
from markdown_it import MarkdownIt
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as pdf_canvas
from reportlab.platypus import (KeepTogether, ListFlowable, ListItem, Paragraph, SimpleDocTemplate, Spacer, Table,
                                TableStyle)

from ..database import utcnow
from .labels import MEANING_LABELS, STATE_LABELS, TYPE_LABELS
from .models import DocumentVersion, VersionState

_md = MarkdownIt("commonmark", {"html": False}).enable("table")
MARGIN = 18 * mm
BRAND = colors.HexColor("#0f5257")


def _styles():
    base = getSampleStyleSheet()
    return {
        "body": ParagraphStyle("body", parent=base["BodyText"], fontSize=10, leading=13.5),
        "h1": ParagraphStyle("h1", parent=base["Heading1"], fontSize=15, leading=18, textColor=BRAND),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontSize=12.5, leading=15, textColor=BRAND),
        "h3": ParagraphStyle("h3", parent=base["Heading3"], fontSize=11, leading=14),
        "small": ParagraphStyle("small", parent=base["BodyText"], fontSize=8, leading=10),
        "code": ParagraphStyle("code", parent=base["Code"], fontSize=8.5, leading=10.5),
    }


def _numbered_canvas(header, mark: str | None):
    """A canvas that knows the page count at the end, so each page can say "page X of Y"."""

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
                header(self, total)
                if mark:
                    self._mark(mark)
                super().showPage()
            super().save()

        def _mark(self, text: str):
            width, height = self._pagesize
            self.saveState()
            self.setFillColor(colors.Color(0.75, 0.1, 0.1, alpha=0.25))
            self.setFont("Helvetica-Bold", 64 if len(text) < 12 else 44)
            self.translate(width / 2, height / 2)
            self.rotate(40)
            self.drawCentredString(0, 0, text)
            self.restoreState()

    return NumberedCanvas


def _inline(token) -> str:
    """ReportLab paragraph markup for an inline token: bold, italic, code; everything else as text."""
    out = []
    for child in token.children or []:
        kind = child.type
        if kind == "text":
            out.append(escape(child.content))
        elif kind in ("softbreak",):
            out.append(" ")
        elif kind == "hardbreak":
            out.append("<br/>")
        elif kind == "strong_open":
            out.append("<b>")
        elif kind == "strong_close":
            out.append("</b>")
        elif kind == "em_open":
            out.append("<i>")
        elif kind == "em_close":
            out.append("</i>")
        elif kind == "code_inline":
            out.append(f'<font face="Courier">{escape(child.content)}</font>')
        elif kind in ("html_inline",):
            out.append(escape(child.content))
    return "".join(out)


def markdown_flowables(text: str | None, styles) -> list:
    """Headings, paragraphs, bullet and numbered lists, tables and code blocks from Markdown."""
    tokens = _md.parse(text or "")
    flow: list = []
    i = 0
    list_stack: list[tuple[list, str]] = []
    while i < len(tokens):
        tok = tokens[i]
        if tok.type == "heading_open":
            level = min(int(tok.tag[1]), 3)
            flow.append(Paragraph(_inline(tokens[i + 1]), styles[f"h{level}"]))
            i += 3
            continue
        if tok.type in ("bullet_list_open", "ordered_list_open"):
            list_stack.append(([], "bullet" if tok.type == "bullet_list_open" else "1"))
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            items, kind = list_stack.pop()
            lst = ListFlowable(items, bulletType=kind, leftIndent=14, bulletFontSize=9,
                               **({"bulletFormat": "%s."} if kind == "1" else {}))
            (list_stack[-1][0] if list_stack else flow).append(lst)
        elif tok.type == "inline" and tokens[i - 1].type == "paragraph_open":
            para = Paragraph(_inline(tok), styles["body"])
            if list_stack:
                list_stack[-1][0].append(ListItem(para))
            else:
                flow.append(para)
        elif tok.type in ("fence", "code_block"):
            flow.append(Paragraph(escape(tok.content).replace("\n", "<br/>"), styles["code"]))
        elif tok.type == "table_open":
            rows, row = [], []
            i += 1
            while tokens[i].type != "table_close":
                t = tokens[i]
                if t.type == "tr_open":
                    row = []
                elif t.type == "tr_close":
                    rows.append(row)
                elif t.type == "inline":
                    row.append(Paragraph(_inline(t), styles["body"]))
                i += 1
            if rows:
                width = max(len(r) for r in rows)
                rows = [r + [""] * (width - len(r)) for r in rows]
                table = Table(rows, repeatRows=1)
                table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                                           ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6ecec")),
                                           ("VALIGN", (0, 0), (-1, -1), "TOP")]))
                flow.append(table)
        elif tok.type == "hr":
            flow.append(Spacer(1, 6))
        i += 1
    return flow


def _plain(text: str) -> str:
    """Babel puts narrow and non-breaking spaces in dates and times; the PDF core fonts lack the narrow one."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def _mark_for(version: DocumentVersion) -> str | None:
    if version.state is VersionState.SUPERSEDED:
        return _("SUPERSEDED")
    if version.state is VersionState.WITHDRAWN:
        return _("WITHDRAWN")
    if version.state is not VersionState.PUBLISHED:
        return _("DRAFT - NOT RELEASED")
    return None


def _approval_block(version: DocumentVersion, styles) -> list:
    rows = [[Paragraph(f"<b>{escape(label)}</b>", styles["small"]) for label in (
        _("Signer"), _("Meaning"), _("Time (UTC)"), _("SHA-256 signed"), _("Status"))]]
    for s in version.signatures:
        rows.append([Paragraph(escape(s.signer_name), styles["small"]), str(MEANING_LABELS[s.meaning]),
                     s.signed_at.strftime("%Y-%m-%d %H:%M:%S"), Paragraph(s.sha256, styles["small"]),
                     _("void") if s.void else _("valid")])
    if len(rows) == 1:
        rows.append([_("No signatures."), "", "", "", ""])
    table = Table(rows, colWidths=[40 * mm, 22 * mm, 33 * mm, 56 * mm, 16 * mm], repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("FONTSIZE", (0, 0), (-1, -1), 8),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6ecec")),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return [KeepTogether([Paragraph(_("Approval"), styles["h2"]), table])]


def controlled_copy(version: DocumentVersion) -> bytes:
    """The PDF of one version: control header and footer on every page, content, approval block."""
    document = version.document
    styles = _styles()
    printed = _plain(format_datetime(utcnow(), "short"))
    state = str(STATE_LABELS[version.state])
    effective = _plain(format_date(version.effective_date)) if version.effective_date else "—"

    mark = _mark_for(version)

    def header(canv, total):
        width, height = A4
        canv.saveState()
        if mark:
            canv.setFillColor(colors.HexColor("#b3261e"))
            canv.setFont("Helvetica-Bold", 11)
            canv.drawRightString(width - MARGIN, height - 12 * mm, mark)
        canv.setFillColor(BRAND)
        canv.setFont("Helvetica-Bold", 10)
        canv.drawString(MARGIN, height - 12 * mm, f"{document.number}  {document.title}"[:95])
        canv.setFont("Helvetica", 8.5)
        canv.setFillColor(colors.black)
        canv.drawString(MARGIN, height - 16.5 * mm,
                        _("Version %(label)s · Status: %(state)s · Effective date: %(date)s",
                          label=version.label, state=state, date=effective))
        canv.setStrokeColor(BRAND)
        canv.line(MARGIN, height - 18.5 * mm, width - MARGIN, height - 18.5 * mm)
        canv.line(MARGIN, 14 * mm, width - MARGIN, 14 * mm)
        canv.drawString(MARGIN, 10 * mm, _("Printed %(when)s · uncontrolled once printed; the version in use is in QMS",
                                           when=printed))
        canv.drawRightString(width - MARGIN, 10 * mm, _("Page %(page)s of %(pages)s", page=canv.getPageNumber(),
                                                        pages=total))
        canv.restoreState()

    buffer = io.BytesIO()
    pdf = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=24 * mm,
                            bottomMargin=20 * mm, title=f"{document.number} {document.title} {version.label}",
                            author=version.author.name if version.author else "")
    story: list = []
    facts = [[_("Number"), document.number], [_("Title"), Paragraph(escape(document.title), styles["body"])],
             [_("Type"), str(TYPE_LABELS[document.type])], [_("Version"), version.label], [_("Status"), state],
             [_("Effective date"), effective], [_("Author"), version.author.name if version.author else "—"],
             [_("Change summary"), Paragraph(escape(version.change_summary or "—"), styles["body"])],
             [_("SHA-256"), Paragraph(version.sha256, styles["small"])]]
    facts = [[Paragraph(escape(label), styles["small"]), value] for label, value in facts]
    table = Table(facts, colWidths=[40 * mm, 128 * mm])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("FONTSIZE", (0, 0), (-1, -1), 9),
                               ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#e6ecec"))]))
    story += [table, Spacer(1, 8)]
    if version.stored_file is not None:
        story.append(Paragraph(_("Cover sheet"), styles["h1"]))
        story.append(Paragraph(escape(_("The content of this version is the attached file %(name)s (SHA-256 %(hash)s). "
                                         "This sheet carries its control data.",
                                         name=version.stored_file.original_name, hash=version.stored_file.sha256)),
                               styles["body"]))
        story.append(Spacer(1, 8))
    else:
        story += markdown_flowables(version.content_markdown, styles)
        story.append(Spacer(1, 10))
    story += _approval_block(version, styles)
    pdf.build(story, canvasmaker=_numbered_canvas(header, mark))
    return buffer.getvalue()


def register_pdf(documents) -> bytes:
    """The document register as a landscape table, with page numbers and print date."""
    from .services.register import current_version

    styles = _styles()
    printed = _plain(format_datetime(utcnow(), "short"))
    page_size = landscape(A4)

    def header(canv, total):
        width, height = page_size
        canv.saveState()
        canv.setFont("Helvetica-Bold", 11)
        canv.setFillColor(BRAND)
        canv.drawString(MARGIN, height - 12 * mm, _("Document register"))
        canv.setFillColor(colors.black)
        canv.setFont("Helvetica", 8.5)
        canv.drawString(MARGIN, 10 * mm, _("Printed %(when)s", when=printed))
        canv.drawRightString(width - MARGIN, 10 * mm, _("Page %(page)s of %(pages)s", page=canv.getPageNumber(),
                                                        pages=total))
        canv.restoreState()

    rows = [[Paragraph(f"<b>{escape(label)}</b>", styles["small"]) for label in (
        _("Number"), _("Title"), _("Type"), _("Status"), _("Version"), _("Effective date"), _("Owner"),
        _("Next review"), _("Requirements"))]]
    for d in documents:
        current = current_version(d)
        rows.append([d.number, Paragraph(escape(d.title), styles["small"]), str(TYPE_LABELS[d.type]),
                     str(STATE_LABELS[d.status]), current.label if current else "—",
                     _plain(format_date(current.effective_date)) if current and current.effective_date else "—",
                     Paragraph(escape(d.owner.name if d.owner else "—"), styles["small"]),
                     _plain(format_date(d.next_review_on)) if d.next_review_on else "—",
                     Paragraph(escape(", ".join(f"{r.norm} {r.requirement}" for r in d.requirements)), styles["small"])])
    table = Table(rows, repeatRows=1, colWidths=[20 * mm, 70 * mm, 30 * mm, 20 * mm, 15 * mm, 24 * mm, 35 * mm,
                                                 22 * mm, 25 * mm])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.3, colors.grey), ("FONTSIZE", (0, 0), (-1, -1), 7.5),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6ecec")),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    buffer = io.BytesIO()
    pdf = SimpleDocTemplate(buffer, pagesize=page_size, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=18 * mm,
                            bottomMargin=18 * mm, title=_("Document register"))
    pdf.build([table], canvasmaker=_numbered_canvas(header, None))
    return buffer.getvalue()
