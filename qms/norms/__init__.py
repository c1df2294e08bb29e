"""The Norm contract and the registry: the one place norm packages are discovered.

Each package listed in ``QMS_NORMS`` exposes a module-level ``norm`` (a :class:`Norm`). The core asks the
registry for requirements, KPIs, evidence providers, dashboard widgets, PDF sections and navigation; it never
imports a norm package. Core tables refer to a requirement by (norm code, version code, requirement code).
"""
from __future__ import annotations

import importlib
import pathlib
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator

from flask import Blueprint, Flask, current_app

from .catalogue import (APPLICABILITY, KINDS, REQUIRED_COLUMNS, STATUSES, CatalogueError, CatalogueVersion,  # noqa: F401
                        DuplicateNorm, Level, Requirement, _localised, anchor)
from .loader import load_catalogue_folder  # noqa: F401

@dataclass
class Kpi:
    """A key figure a norm contributes: ``compute()`` returns a display value (called in a request).

    With ``permission`` the dashboard computes and shows the figure only to users holding it (the pages the
    figure leads to); without, to everyone."""

    key: str
    label: Callable[[], str]
    compute: Callable[[], Any]
    permission: str | None = None


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
class NavItem:
    endpoint: str
    label: Callable[[], str]
    permission: str


@dataclass
class Norm:
    """A norm module: its catalogue and the hooks the shared workflows call."""

    code: str
    title_nl: str
    title_en: str
    package: str
    default_version: str
    versions: dict[str, CatalogueVersion] = field(default_factory=dict)
    blueprint: Blueprint | None = None
    kpis: list[Kpi] = field(default_factory=list)
    evidence_providers: list[Callable[..., Any]] = field(default_factory=list)
    dashboard_widgets: list[Callable[..., Any]] = field(default_factory=list)
    pdf_sections: list[Callable[..., Any]] = field(default_factory=list)
    navigation: list[NavItem] = field(default_factory=list)
    #: Management review input: callables ``(start: date, end: date) -> ReviewSection | None``.
    review_sections: list[Callable[..., Any]] = field(default_factory=list)
    #: Demo data: callables ``(demo: qms.demo.Demo) -> None`` run after the core demo steps.
    demo_steps: list[Callable[..., Any]] = field(default_factory=list)
    #: Called with the app once the norm is registered (signals, CLI commands).
    setup: Callable[[Flask], None] | None = None

    @property
    def title(self) -> str:
        return _localised(self, "title")

    @property
    def levels(self) -> list[Level]:
        return self.versions[self.default_version].levels

    def load_catalogue(self, folder: pathlib.Path | None = None) -> None:
        """Load and validate every catalogue version in the package's ``catalogue/`` folder."""
        if folder is None:
            module = importlib.import_module(self.package)
            folder = pathlib.Path(module.__file__).parent / "catalogue"
        self.versions = load_catalogue_folder(self.code, folder)
        if self.default_version not in self.versions:
            raise CatalogueError(f"{folder}: default version {self.default_version!r} of norm {self.code!r} has no manifest")

    def requirement(self, version: str, code: str) -> Requirement | None:
        cat = self.versions.get(version)
        return cat.requirements.get(code) if cat else None


class NormRegistry:
    """The enabled norms of one app, in configuration order; refuses duplicate codes."""

    def __init__(self) -> None:
        self._norms: dict[str, Norm] = {}

    def register(self, norm: Norm) -> None:
        if norm.code in self._norms:
            raise DuplicateNorm(f"norm {norm.code!r} is registered twice ({norm.package} and {self._norms[norm.code].package})")
        self._norms[norm.code] = norm

    def __iter__(self) -> Iterator[Norm]:
        return iter(self._norms.values())

    def __len__(self) -> int:
        return len(self._norms)

    def __contains__(self, code: object) -> bool:
        return code in self._norms

    def get(self, code: str) -> Norm | None:
        return self._norms.get(code)

    def requirement(self, norm: str, version: str, code: str) -> Requirement | None:
        found = self._norms.get(norm)
        return found.requirement(version, code) if found else None

    def kpis(self) -> Iterable[tuple[Norm, Kpi]]:
        return ((n, k) for n in self for k in n.kpis)

    def dashboard_widgets(self) -> Iterable[tuple[Norm, Callable[..., Any]]]:
        return ((n, w) for n in self for w in n.dashboard_widgets)

    def navigation(self) -> Iterable[tuple[Norm, NavItem]]:
        return ((n, item) for n in self for item in n.navigation)

    def live_evidence(self, norm: str, version: str, level: str) -> list[LiveEvidence]:
        """Every live-evidence rule of one norm version, evaluated now against ``level`` ("" without levels)."""
        found = self._norms.get(norm)
        if found is None:
            return []
        return [item for provider in found.evidence_providers for item in provider(version, level or "")]

    def review_sections(self) -> Iterable[tuple[Norm, Callable[..., Any]]]:
        return ((n, s) for n in self for s in n.review_sections)

    def demo_steps(self) -> Iterable[tuple[Norm, Callable[..., Any]]]:
        return ((n, s) for n in self for s in n.demo_steps)


def registry() -> NormRegistry:
    return current_app.extensions["qms_norms"]


def init_app(app: Flask) -> None:
    """Import every package in QMS_NORMS, load its catalogue and register it (and its blueprint)."""
    reg = NormRegistry()
    for dotted in app.config["QMS_NORMS"]:
        module = importlib.import_module(dotted)
        norm = getattr(module, "norm", None)
        if not isinstance(norm, Norm):
            raise RuntimeError(f"{dotted} does not expose a `norm` object (qms.norms.Norm)")
        if not norm.versions:
            norm.load_catalogue()
        reg.register(norm)
        if norm.blueprint is not None:
            app.register_blueprint(norm.blueprint)
        if norm.setup is not None:
            norm.setup(app)
    app.extensions["qms_norms"] = reg
    from ..signals import norms_loaded

    norms_loaded.send(app, registry=reg)
