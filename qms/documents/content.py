"""Pure helpers for version content: safe Markdown rendering, the content hash and a side-by-side diff."""
from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markupsafe import Markup

#: CommonMark with tables, raw HTML switched off: any tag in the text is shown as text, never run.
_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")
_SAFE_SCHEMES = ("http:", "https:", "mailto:", "/", "#")


def _validate_link(url: str) -> bool:
    return url.strip().lower().startswith(_SAFE_SCHEMES)


_md.validateLink = _validate_link


def render_markdown(text: str | None) -> Markup:
    """HTML for authored content; raw HTML is escaped and only http(s), mailto and local links survive."""
    return Markup(_md.render(text or ""))


def sha256_text(text: str | None) -> str:
    return hashlib.sha256((text or "").encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class DiffRow:
    """One row of a side-by-side diff: kind is equal, replace, delete or insert."""

    kind: str
    left_no: int | None
    left: str
    right_no: int | None
    right: str


def side_by_side(old: str | None, new: str | None) -> list[DiffRow]:
    """Line-by-line comparison of two texts, aligned for a two-column table."""
    a, b = (old or "").splitlines(), (new or "").splitlines()
    rows: list[DiffRow] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            rows += [DiffRow("equal", i1 + k + 1, a[i1 + k], j1 + k + 1, b[j1 + k]) for k in range(i2 - i1)]
            continue
        for k in range(max(i2 - i1, j2 - j1)):
            left = i1 + k < i2
            right = j1 + k < j2
            kind = "replace" if left and right else ("delete" if left else "insert")
            rows.append(DiffRow(kind, i1 + k + 1 if left else None, a[i1 + k] if left else "",
                                j1 + k + 1 if right else None, b[j1 + k] if right else ""))
    return rows
