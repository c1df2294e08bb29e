"""The Norm contract and the registry: the one place norm packages are discovered and plug in.

Each package listed in ``QMS_NORMS`` exposes a module-level ``norm`` (a :class:`Norm`: its identity, catalogue,
blueprint, demo steps and ``setup``). In ``setup(app)`` the norm registers everything else on its app's
:class:`NormRegistry` (``registry(app)``): permissions, upload restrictions and access checks, record names,
KPIs, live evidence, review sections, reminders, jobs, menu entries, action and process sources, evidence
record types, supplier panels, start-page task sources, its certification cycle, its diploma kinds and certificate extensions. Nothing is kept per process, so
two apps in one process never see each other's registrations. The core asks the registry and never imports
or names a norm. Core tables refer to a requirement by (norm code, version code, requirement code).
"""
from __future__ import annotations

import copy
import datetime as dt
import importlib
import pathlib
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator

from flask import Blueprint, Flask, current_app

from .catalogue import (APPLICABILITY, KINDS, REQUIRED_COLUMNS, STATUSES, CatalogueError, CatalogueVersion,  # noqa: F401
                        DuplicateNorm, Level, Requirement, _localised, anchor)
from .contract import (TASK_URGENCIES, CertificateExtension, Kpi, LiveEvidence, NavItem,  # noqa: F401
                       ReviewSection, Task, TaskSource)
from .loader import load_catalogue_folder  # noqa: F401


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
    #: Demo data: callables ``(demo: qms.demo.Demo) -> None`` run after the core demo steps.
    demo_steps: list[Callable[..., Any]] = field(default_factory=list)
    #: Called with the app once the norm is registered: registers everything else on ``registry(app)``.
    setup: Callable[[Flask], None] | None = None

    #: What the footer and other tight places show ("PSO"); the title when empty.
    short: str = ""

    @property
    def title(self) -> str:
        return _localised(self, "title")

    @property
    def short_title(self) -> str:
        return self.short or self.title

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

    def version_for(self, day: dt.date) -> str:
        """The version audits on ``day`` use by default: the latest whose ``audits_from`` has come, else the
        working version (VCA 2026/6.1 from 1 July 2026)."""
        due = [cat for cat in self.versions.values() if cat.audits_from is not None and cat.audits_from <= day]
        return max(due, key=lambda cat: cat.audits_from).code if due else self.default_version


class NormRegistry:
    """The enabled norms of one app, in configuration order (refuses duplicate codes), and everything the norms
    and the core's packages plug in. One per app, on ``app.extensions``; ``registry(app)`` finds it."""

    def __init__(self) -> None:
        self._norms: dict[str, Norm] = {}
        #: Permission name -> roles holding it (the core's own are in qms.permissions.PERMISSIONS).
        self.permissions: dict[str, frozenset] = {}
        #: ``restriction(stored_file) -> permission | None`` and ``check(user, stored_file) -> bool``.
        self.upload_restrictions: list[Callable[..., Any]] = []
        self.upload_checks: list[Callable[..., Any]] = []
        #: Audit-trail entity type -> readable name, and -> the permission needed to read its values.
        self.record_names: dict[str, Any] = {}
        self.restricted_records: dict[str, str] = {}
        #: Job task name -> handler(job).
        self.jobs: dict[str, Callable[..., Any]] = {}
        #: Reminder collectors ``(today) -> Iterable[Reminder]``.
        self.reminders: list[Callable[..., Any]] = []
        #: Nonconformity source type -> qms.actions.services.Source.
        self.action_sources: dict[str, Any] = {}
        #: Sources of known process names for audits: ``() -> Iterable[(name, owner ids)]``.
        self.process_sources: list[Callable[..., Any]] = []
        #: Evidence record type code -> qms.evidence.records.RecordType.
        self.record_types: dict[str, Any] = {}
        #: ``panel(supplier) -> html`` sections on the supplier page.
        self.supplier_panels: list[Callable[..., Any]] = []
        #: Norm code -> qms.evidence.cycles.Cycle.
        self.cycles: dict[str, Any] = {}
        #: Training kind code -> qms.training.rules.DiplomaKind.
        self.diploma_kinds: dict[str, Any] = {}
        #: Norms whose certificates may extend an earlier one (:class:`CertificateExtension`).
        self.certificate_extensions: list[CertificateExtension] = []
        self._kpis: list[tuple[str, Kpi]] = []
        self._evidence: list[tuple[str, Callable[..., Any]]] = []
        self._review: list[tuple[str, Callable[..., Any]]] = []
        self._menu: list[tuple[str, NavItem]] = []
        #: Where the start page's "my tasks" come from (the core packages' and the norms').
        self.task_sources: list[TaskSource] = []
        #: ``check(norm, version) -> count`` of frozen records naming a catalogue version (qms.catalogue.store).
        self.catalogue_usage: list[Callable[[str, str], int]] = []
        #: Bulk-import register name -> qms.core.imports.Importer (the core's and the norms' registers).
        self.importers: dict[str, Any] = {}
        #: API blueprints of the norms, with their token area (qms.api.register_api keyword arguments).
        self.api_blueprints: list[tuple[Blueprint, dict[str, Any]]] = []
        #: Per norm code: the versions of its shipped catalogue files (imports are laid over a copy).
        self.shipped: dict[str, dict[str, CatalogueVersion]] = {}

    # --- norms ------------------------------------------------------------------------------

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

    def example_key(self) -> str:
        """"<norm> <version> <code>" of a real requirement of the first enabled norm, for help texts ("" without
        norms), so no help text names a norm the installation may not have."""
        for norm in self:
            cat = norm.versions.get(norm.default_version)
            first = next((r for r in cat.requirements.values() if r.kind == "requirement"), None) if cat else None
            if first is not None:
                return f"{norm.code} {cat.code} {first.code}"
        return ""

    # --- registering (a norm's setup, the core packages' init) --------------------------------

    def add_permission(self, name: str, roles) -> None:
        """Define a permission; redefining it with other roles is an error."""
        from ..permissions import PERMISSIONS

        roles = frozenset(roles)
        known = self.permissions.get(name, PERMISSIONS.get(name))
        if known is not None and known != roles:
            raise ValueError(f"permission {name!r} is already defined with other roles")
        self.permissions[name] = roles

    def add_upload_restriction(self, restriction: Callable[..., Any]) -> None:
        """``restriction(stored_file)`` names the permission a file needs (nobody else reads it), or None."""
        if restriction not in self.upload_restrictions:
            self.upload_restrictions.append(restriction)

    def add_upload_check(self, check: Callable[..., Any]) -> None:
        """``check(user, stored_file)`` is True for a file the feature owns and the user may read."""
        if check not in self.upload_checks:
            self.upload_checks.append(check)

    def add_record_name(self, entity_type: str, label: Any, *, restricted_by: str | None = None) -> None:
        """A readable name for an audit-trail entity type; ``restricted_by`` hides its values from readers
        without that permission (special personal data)."""
        self.record_names[entity_type] = label
        if restricted_by is not None:
            known = self.restricted_records.get(entity_type)
            if known is not None and known != restricted_by:
                raise ValueError(f"entity type {entity_type!r} is already restricted by {known!r}")
            self.restricted_records[entity_type] = restricted_by

    def add_catalogue_usage(self, check: Callable[[str, str], int]) -> None:
        """A package that freezes records naming a catalogue version adds ``check(norm, version) -> count``, so
        that version is never changed in place."""
        self.catalogue_usage.append(check)

    def add_api(self, blueprint: Blueprint, *, area: str, label: Any, permissions: set[str],
                writes: bool = False) -> None:
        """An API blueprint served under /api/v1 with the token area it is scoped to (wired after the setups)."""
        self.api_blueprints.append((blueprint, {"area": area, "label": label, "permissions": permissions,
                                                "writes": writes}))

    def add_importer(self, importer: Any) -> None:
        """A register people can fill from an XLSX or CSV file (qms.core.imports.Importer); a name is used once."""
        known = self.importers.get(importer.name)
        if known is not None and known is not importer:
            raise ValueError(f"an importer named {importer.name!r} is already registered")
        self.importers[importer.name] = importer

    def add_job(self, name: str, handler: Callable[..., Any]) -> None:
        """The function that does the work of jobs whose ``task`` is ``name`` (see qms.jobs.handler)."""
        known = self.jobs.get(name)
        if known is not None and known is not handler:
            raise ValueError(f"job task {name!r} is already registered by {known.__module__}")
        self.jobs[name] = handler

    def add_reminders(self, collector: Callable[..., Any]) -> None:
        if collector not in self.reminders:
            self.reminders.append(collector)

    def add_action_source(self, source_type: str, label: Any, url_for_id: Callable[[str], str] | None = None) -> None:
        """Name a kind of nonconformity source record and how to link to one (``url_for_id(source_id)``)."""
        from ..actions.services import Source

        self.action_sources[source_type] = Source(label, url_for_id)

    def add_process_source(self, source: Callable[..., Any]) -> None:
        self.process_sources.append(source)

    def add_record_type(self, code: str, label: Any, *, url: Callable[[str], str | None],
                        describe: Callable[[list[str]], dict[str, str]],
                        find: Callable[[str], tuple[str, str] | None]) -> None:
        """A kind of record that can be linked as evidence (see qms.evidence.records)."""
        from ..evidence.records import RecordType

        if code in self.record_types:
            raise ValueError(f"record type {code!r} is registered twice")
        self.record_types[code] = RecordType(code, label, url, describe, find)

    def add_supplier_panel(self, panel: Callable[..., Any]) -> None:
        """``panel(supplier)`` returns rendered HTML (or nothing) for the supplier page."""
        self.supplier_panels.append(panel)

    def set_cycle(self, norm: str, *, years: int, yearly_surveillance: bool, recertify_before_days: int = 90) -> None:
        """The certification cycle of a norm's certificates (the audit calendar and the latest expiry)."""
        from ..evidence.cycles import Cycle

        self.cycles[norm] = Cycle(years, yearly_surveillance, recertify_before_days)

    def add_diploma_kind(self, code: str, label: Any, *, valid_years: int | None = None) -> None:
        """A kind of training record a norm adds (``code`` stored on the record); ``valid_years`` gives the
        expiry when none is entered."""
        from ..training.rules import DiplomaKind

        if code in self.diploma_kinds:
            raise ValueError(f"training kind {code!r} is registered twice")
        self.diploma_kinds[code] = DiplomaKind(code, label, valid_years)

    def add_certificate_extension(self, extension: CertificateExtension) -> None:
        self.certificate_extensions.append(extension)

    def add_kpi(self, norm: str, kpi: Kpi) -> None:
        self._kpis.append((norm, kpi))

    def add_live_evidence(self, norm: str, provider: Callable[..., Any]) -> None:
        """``provider(version, level)`` returns the norm's :class:`LiveEvidence` for that version and level."""
        if (norm, provider) not in self._evidence:
            self._evidence.append((norm, provider))

    def add_review_section(self, norm: str, section: Callable[..., Any]) -> None:
        """``section(start, end)`` returns a :class:`ReviewSection` or None."""
        self._review.append((norm, section))

    def add_menu_entry(self, norm: str, item: NavItem) -> None:
        self._menu.append((norm, item))

    def add_task_source(self, source: TaskSource) -> None:
        """A kind of task for the start page (see :class:`TaskSource`); a key is used once."""
        known = next((s for s in self.task_sources if s.key == source.key), None)
        if known is not None and known is not source:
            raise ValueError(f"a task source named {source.key!r} is already registered")
        if known is None:
            self.task_sources.append(source)

    # --- asking ---------------------------------------------------------------------------------

    def _with_norm(self, pairs):
        return ((self._norms[code], item) for code, item in pairs if code in self._norms)

    def kpis(self, norm: str | None = None) -> Iterable[tuple[Norm, Kpi]]:
        return ((n, k) for n, k in self._with_norm(self._kpis) if norm is None or n.code == norm)

    def navigation(self) -> Iterable[tuple[Norm, NavItem]]:
        return self._with_norm(self._menu)

    def live_evidence(self, norm: str, version: str, level: str) -> list[LiveEvidence]:
        """Every live-evidence rule of one norm version, evaluated now against ``level`` ("" without levels). A
        provider without rules for a version gives its rules of the newest earlier version, moved along the
        cross-reference (:mod:`qms.norms.carryover`)."""
        from .carryover import carried

        versions = self._norms[norm].versions if norm in self._norms else {}
        return [item for code, provider in self._evidence if code == norm
                for item in carried(provider, versions, version, level or "")]

    def review_sections(self, norm: str | None = None) -> Iterable[tuple[Norm, Callable[..., Any]]]:
        return ((n, s) for n, s in self._with_norm(self._review) if norm is None or n.code == norm)

    def demo_steps(self) -> Iterable[tuple[Norm, Callable[..., Any]]]:
        return ((n, s) for n in self for s in n.demo_steps)


def registry(app: Flask | None = None) -> NormRegistry:
    """The registry of ``app`` (default: the current app), made on first use."""
    app = app if app is not None else current_app._get_current_object()  # type: ignore[attr-defined]
    return app.extensions.setdefault("qms_norms", NormRegistry())


def init_app(app: Flask) -> None:
    """Import every package in QMS_NORMS, load its catalogue, register it (and its blueprint) and run its setup.
    Then every route's declared permission must be known to this app."""
    reg = registry(app)
    for dotted in app.config["QMS_NORMS"]:
        module = importlib.import_module(dotted)
        norm = getattr(module, "norm", None)
        if not isinstance(norm, Norm):
            raise RuntimeError(f"{dotted} does not expose a `norm` object (qms.norms.Norm)")
        if not norm.versions:
            norm.load_catalogue()
        # This app's own copy: imported catalogue versions are laid over it without touching other apps.
        shipped = norm.versions
        norm = copy.copy(norm)
        norm.versions = dict(shipped)
        reg.shipped[norm.code] = shipped
        reg.register(norm)
        if norm.blueprint is not None:
            app.register_blueprint(norm.blueprint)
        if norm.setup is not None:
            norm.setup(app)
    if reg.api_blueprints:
        from ..api import register_api

        for blueprint, options in reg.api_blueprints:
            register_api(app, blueprint, **options)
    from ..permissions import check_declared_permissions

    check_declared_permissions(app)
