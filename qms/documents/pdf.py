"""Controlled copies and the register export as PDF (ReportLab).

Every page of a controlled copy carries a header (number, title, version, status, effective date) and a footer
("Pagina X van Y" / "Page X of Y" and the print date); retired versions carry a large SUPERSEDED / WITHDRAWN
mark, unreleased versions a DRAFT mark. Authored Markdown is laid out from markdown-it tokens (no raw HTML);
an uploaded file gets a cover sheet with the same control data and the file's hash.
"""
from __future__ import annotations

from flask_babel import format_date, format_datetime, format_decimal
from flask_babel import gettext as _
from markdown_it import MarkdownIt
from markupsafe import Markup, escape
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, ListFlowable, ListItem, Spacer, Table, TableStyle

from ..core.pdf import BRAND, STYLES, bold, build, para
from ..database import utcnow
from .labels import MEANING_LABELS, STATE_LABELS, TYPE_LABELS
from .models import DocumentVersion, VersionState

_md = MarkdownIt("commonmark", {"html": False}).enable("table")
MARGIN = 18 * mm


def _mark(canv, text: str) -> None:
    """The large diagonal SUPERSEDED / WITHDRAWN / DRAFT mark across a page."""
    width, height = canv._pagesize
    canv.saveState()
    canv.setFillColor(colors.Color(0.75, 0.1, 0.1, alpha=0.25))
    canv.setFont("Helvetica-Bold", 64 if len(text) < 12 else 44)
    canv.translate(width / 2, height / 2)
    canv.rotate(40)
    canv.drawCentredString(0, 0, text)
    canv.restoreState()


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
    return Markup("".join(out))


def markdown_flowables(text: str | None, styles=STYLES) -> list:
    """Headings, paragraphs, bullet and numbered lists, tables and code blocks from Markdown."""
    tokens = _md.parse(text or "")
    flow: list = []
    i = 0
    list_stack: list[tuple[list, str]] = []
    while i < len(tokens):
        tok = tokens[i]
        if tok.type == "heading_open":
            level = min(int(tok.tag[1]), 3)
            flow.append(para(_inline(tokens[i + 1]), styles[f"h{level}"]))
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
            block = para(_inline(tok), styles["body"])
            if list_stack:
                list_stack[-1][0].append(ListItem(block))
            else:
                flow.append(block)
        elif tok.type in ("fence", "code_block"):
            flow.append(para(tok.content, styles["code"]))
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
                    row.append(para(_inline(t), styles["body"]))
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


def _approval_block(version: DocumentVersion) -> list:
    rows = [[para(bold(label), "small") for label in (
        _("Signer"), _("Meaning"), _("Time (UTC)"), _("SHA-256 signed"), _("Status"))]]
    for s in version.signatures:
        rows.append([para(s.signer_name, "small"), str(MEANING_LABELS[s.meaning]),
                     s.signed_at.strftime("%Y-%m-%d %H:%M:%S"), para(s.sha256, "small"),
                     _("void") if s.void else _("valid")])
    if len(rows) == 1:
        rows.append([_("No signatures."), "", "", "", ""])
    table = Table(rows, colWidths=[40 * mm, 22 * mm, 33 * mm, 56 * mm, 16 * mm], repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("FONTSIZE", (0, 0), (-1, -1), 8),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6ecec")),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return [KeepTogether([para(_("Approval"), "h2"), table])]


def controlled_copy(version: DocumentVersion) -> bytes:
    """The PDF of one version: control header and footer on every page, content, approval block."""
    document = version.document
    printed = _plain(format_datetime(utcnow(), "short"))
    state = str(STATE_LABELS[version.state])
    effective = _plain(format_date(version.effective_date)) if version.effective_date else "—"

    mark = _mark_for(version)

    def header(canv, page, total):
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
        canv.restoreState()
        if mark:
            _mark(canv, mark)

    story: list = []
    facts = [[_("Number"), document.number], [_("Title"), para(document.title, "body")],
             [_("Type"), str(TYPE_LABELS[document.type])], [_("Version"), version.label], [_("Status"), state],
             [_("Effective date"), effective], [_("Author"), version.author.name if version.author else "—"],
             [_("Change summary"), para(version.change_summary or "—", "body")],
             [_("SHA-256"), para(version.sha256, "small")]]
    facts = [[para(label, "small"), value] for label, value in facts]
    table = Table(facts, colWidths=[40 * mm, 128 * mm])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("FONTSIZE", (0, 0), (-1, -1), 9),
                               ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#e6ecec"))]))
    story += [table, Spacer(1, 8)]
    if version.stored_file is not None:
        story.append(para(_("Cover sheet"), "h1"))
        story.append(para(_("The content of this version is the attached file %(name)s (SHA-256 %(hash)s). "
                            "This sheet carries its control data.",
                            name=version.stored_file.original_name, hash=version.stored_file.sha256)))
        story.append(Spacer(1, 8))
    else:
        story += markdown_flowables(version.content_markdown)
        story.append(Spacer(1, 10))
    story += _approval_block(version)
    return build(story, title=f"{document.number} {document.title} {version.label}", top_mm=24, bottom_mm=20,
                 footer=_("Printed %(when)s · uncontrolled once printed; the version in use is in QMS", when=printed),
                 decorate=header, author=version.author.name if version.author else "")


#: Most documents the register PDF lists (about 40 pages); the spreadsheet export holds every one.
PDF_ROWS = 1000


def register_pdf(documents, total: int | None = None) -> bytes:
    """The document register as a landscape table, with page numbers and print date; ``total`` (when more than
    the documents given) is named above the table, with where the rest is."""
    from .services.register import current_version

    printed = _plain(format_datetime(utcnow(), "short"))
    page_size = landscape(A4)

    def header(canv, page, total):
        canv.saveState()
        canv.setFont("Helvetica-Bold", 11)
        canv.setFillColor(BRAND)
        canv.drawString(MARGIN, page_size[1] - 12 * mm, _("Document register"))
        canv.restoreState()

    rows = [[para(bold(label), "small") for label in (
        _("Number"), _("Title"), _("Type"), _("Status"), _("Version"), _("Effective date"), _("Owner"),
        _("Next review"), _("Requirements"))]]
    for d in documents:
        current = current_version(d)
        rows.append([d.number, para(d.title, "small"), str(TYPE_LABELS[d.type]),
                     str(STATE_LABELS[d.status]), current.label if current else "—",
                     _plain(format_date(current.effective_date)) if current and current.effective_date else "—",
                     para(d.owner.name if d.owner else "—", "small"),
                     _plain(format_date(d.next_review_on)) if d.next_review_on else "—",
                     para(", ".join(f"{r.norm} {r.requirement}" for r in d.requirements), "small")])
    table = Table(rows, repeatRows=1, colWidths=[20 * mm, 70 * mm, 30 * mm, 20 * mm, 15 * mm, 24 * mm, 35 * mm,
                                                 22 * mm, 25 * mm])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.3, colors.grey), ("FONTSIZE", (0, 0), (-1, -1), 7.5),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6ecec")),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story = [table]
    if total is not None and total > len(documents):
        story.insert(0, para(_("The first %(shown)s of %(total)s documents. Narrow the register with its filters, "
                               "or download it as a spreadsheet for all of them.",
                               shown=format_decimal(len(documents)), total=format_decimal(total))))
        story.insert(1, Spacer(1, 3 * mm))
    return build(story, title=_("Document register"), pagesize=page_size, top_mm=18,
                 footer=_("Printed %(when)s", when=printed), decorate=header)
