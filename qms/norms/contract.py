"""What a norm hands the registry, as plain data: key figures, live evidence, review sections, certificate
extensions, start-page tasks and menu entries (the core reads them without knowing the norm)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable


@dataclass
class Kpi:
    """A key figure a norm contributes: ``compute()`` returns a display value (called in a request).

    With ``permission`` the dashboard computes and shows the figure only to users holding it (the pages the
    figure leads to); without, to everyone."""

    key: str
    label: Callable[[], str]
    compute: Callable[[], Any]
    permission: str | None = None
    #: The page behind the figure (the dashboard's card links there when the user may open it).
    endpoint: str | None = None
    endpoint_args: dict[str, Any] = field(default_factory=dict)


@dataclass
class LiveEvidence:
    """A rule a norm evaluates on the fly for one requirement, shown with its current value.

    Example: VCA 4.1 "at least 10 toolbox meetings in the last 12 months" → value "11", ok True.
    Returned by a norm's ``evidence_providers``: each is called as ``provider(version_code, level_code)`` in a
    request and returns an iterable of these for that catalogue version, judged against that level (the level
    being assessed or viewed, never the company's default target: VCA** needs 10 toolbox meetings where VCA*
    needs 4). ``level_code`` is "" for a norm or version without levels."""

    #: Requirement code in the catalogue version the provider was asked about (e.g. "4.1").
    requirement: str
    #: What the rule checks, in the current language.
    label: str
    #: The current value, ready to show ("11 of 10", "2026 programme present").
    value: str
    #: Whether the rule is met now.
    ok: bool
    #: Where the user sees the records behind the value (endpoint name and its arguments), if anywhere.
    endpoint: str | None = None
    endpoint_args: dict[str, Any] = field(default_factory=dict)


@dataclass
class ReviewSection:
    """One section of a management review's input pack (ISO 9001 9.3), contributed by the module that owns it.

    ``rows`` are (label, value) pairs; ``text`` an optional paragraph; both already in the current language
    (numbers and dates through qms.i18n). A pack frozen at the meeting is assembled once per interface language,
    so a provider is called under each language in turn."""

    key: str
    title: str
    rows: list[tuple[str, str]] = field(default_factory=list)
    text: str = ""
    #: Sort position in the pack (ISO 9001 9.3.2 order: 10 previous actions … 90 improvement).
    order: int = 50
    endpoint: str | None = None
    endpoint_args: dict[str, Any] = field(default_factory=dict)


@dataclass
class CertificateExtension:
    """A norm whose certificates may extend an earlier one (the shared certificate register shows an "extends"
    field). The norm keeps the chain in its own table; the register calls these with its certificates."""

    #: Label and help text of the field on the certificate form.
    label: Any
    description: Any
    #: ``choices(exclude_id) -> [(certificate id, label)]``: the certificates one may extend.
    choices: Callable[..., list[tuple[int, str]]]
    #: ``check(data, cert_or_None)`` raises qms.evidence.services.EvidenceError when the choice is not allowed.
    check: Callable[..., None]
    #: ``current(cert) -> id | None`` and ``save(cert, extends_id_or_None)`` (flushes, audited).
    current: Callable[..., int | None]
    save: Callable[..., None]
    #: ``badges(certificate ids) -> {id: text}`` shown beside an extension in the register.
    badges: Callable[..., dict[int, str]]


#: Order of a task's urgency on the start page: a legal deadline first, then overdue, due soon, the rest.
TASK_URGENCIES = ("alarm", "overdue", "due", "todo")


@dataclass
class Task:
    """One thing a person has to do, shown at the top of their start page as a link to where it is done.

    Built by a task source (``add_task_source``) in a request, already in the current language."""

    label: str
    url: str
    #: One of :data:`TASK_URGENCIES`: "alarm" (a legal deadline such as the Arbeidsinspectie's), "overdue",
    #: "due" (soon) or "todo".
    urgency: str = "todo"
    #: The deadline (a date or a UTC datetime), shown beside the label; None without one.
    due: Any = None
    #: A second line ("3 steps to sign off", the record's number).
    detail: str = ""
    #: What kind of task this is (the source's key), for styling and tests.
    kind: str = ""


@dataclass
class TaskSource:
    """Where a kind of task comes from: ``collect(user, today)`` returns the user's :class:`Task` items.

    Only called for users holding ``permission``. A source runs a fixed number of queries (counts and short
    lists in the database, never one per row), so the start page costs the same with ten or ten thousand
    records."""

    key: str
    permission: str
    collect: Callable[..., Iterable[Task]]
    #: Tie-break between sources with tasks of the same urgency (lower first).
    order: int = 50


@dataclass
class NavItem:
    endpoint: str
    label: Callable[[], str]
    permission: str
