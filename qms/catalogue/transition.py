"""The move to a new norm version: per requirement what carries over, what is new or changed without evidence,
readiness of both versions side by side, and the gaps turned into actions before the transition deadline."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import SelectChoice

from ..actions import services as actions
from ..actions.models import CorrectiveAction
from ..evidence import readiness
from ..evidence.services import coverage
from ..evidence.services.common import possible_owners, today
from ..extensions import db
from ..norms import CatalogueVersion, Norm, registry
from ..permissions import requires
from . import compare, store
from .forms import TransitionActionsForm
from .views import bp

#: Source type of the actions a transition creates (the shared corrective-action workflow).
SOURCE = "catalogue_transition"
KIND_LABELS = {compare.CARRIED: _l("Carries over"), compare.CHANGED: _l("Changed"), compare.NEW: _l("New"),
               compare.COVERED: _l("Evidence in place")}


@dataclass
class Move:
    norm: Norm
    old: CatalogueVersion
    new: CatalogueVersion

    @property
    def deadline(self) -> dt.date | None:
        return self.new.transition_deadline


def moves() -> list[Move]:
    """Every move from a version to the one that follows it, in the enabled norms."""
    store.refresh()
    out = []
    for norm in registry():
        for cat in norm.versions.values():
            if cat.replaces and cat.replaces in norm.versions:
                out.append(Move(norm, norm.versions[cat.replaces], cat))
    return sorted(out, key=lambda m: (m.deadline or dt.date.max, m.norm.code))


def deadlines(on: dt.date, past_days: int = 365) -> list[Move]:
    """Transition deadlines for the certification calendar: upcoming ones and those of the last year."""
    return [m for m in moves() if m.deadline is not None and m.deadline >= on - dt.timedelta(days=past_days)]


def _covered(norm: str, version: str, level: str, on: dt.date) -> tuple[readiness.Readiness, set[str]]:
    result, _views = coverage.assess(norm, version, level, on)
    ok = {readiness.COVERED, readiness.EXPIRING}
    return result, {s.code for s in result.states if s.state in ok}


def source_id(norm: str, version: str, code: str) -> str:
    return f"{norm}:{version}:{code}"


def _load(norm_code: str, old_code: str, new_code: str) -> Move:
    store.refresh()
    norm = registry().get(norm_code)
    if norm is None or old_code not in norm.versions or new_code not in norm.versions or old_code == new_code:
        abort(404)
    return Move(norm, norm.versions[old_code], norm.versions[new_code])


def _level(move: Move) -> str:
    wanted = request.args.get("level", "")
    if wanted and move.new.level(wanted) and move.old.level(wanted):
        return wanted
    level = coverage.target_level(move.norm.code, move.new.code)
    return level if move.old.level(level) or not move.old.levels else (move.new.levels[0].code if move.new.levels else "")


def _state(move: Move, level: str, on: dt.date):
    old_result, covered_old = _covered(move.norm.code, move.old.code, level, on)
    new_result, covered_new = _covered(move.norm.code, move.new.code, level, on)
    rows = compare.transition_rows(move.old, move.new, covered_old, covered_new, level or None)
    ids = [source_id(move.norm.code, move.new.code, r.code) for r in rows if r.gap]
    planned = {a.source_id: a for a in db.session.scalars(select(CorrectiveAction).where(
        CorrectiveAction.source_type == SOURCE, CorrectiveAction.source_id.in_(ids)))} if ids else {}
    return old_result, new_result, rows, planned


def _owner_choices(form: TransitionActionsForm) -> dict[str, object]:
    owners = {str(u.id): u for u in possible_owners()}
    form.owner_id.choices = [SelectChoice("", _("— choose —"))] + [SelectChoice(k, u.name) for k, u in owners.items()]
    return owners


@bp.route("/transitions")
@requires("evidence.view")
def transitions():
    on = today()
    return render_template("catalogue/transitions.html", moves=moves(), today=on)


@bp.route("/<norm>/transition/<old>/<new>")
@requires("evidence.view")
def transition(norm: str, old: str, new: str):
    move = _load(norm, old, new)
    on = today()
    form = TransitionActionsForm()
    _owner_choices(form)
    form.due_date.data = compare.default_due(move.deadline, on)
    return _render(move, _level(move), form, on, 200)


@bp.route("/<norm>/transition/<old>/<new>/actions", methods=["POST"])
@requires("actions.manage")
def transition_actions(norm: str, old: str, new: str):
    """Plan one action per chosen gap (owner and due date for all of them), in the shared action workflow."""
    move = _load(norm, old, new)
    on = today()
    level = _level(move)
    form = TransitionActionsForm()
    owners = _owner_choices(form)
    if not form.validate_on_submit():
        return _render(move, level, form, on, 422)
    _old, _new, rows, planned = _state(move, level, on)
    chosen = set(request.form.getlist("codes"))
    gaps = [r for r in rows if r.gap and r.code in chosen
            and source_id(move.norm.code, move.new.code, r.code) not in planned]
    owner = owners.get(form.owner_id.data)
    if owner is None:
        form.owner_id.errors = [_("Choose who carries out the actions.")]
        return _render(move, level, form, on, 422)
    if not gaps:
        flash(_("Choose at least one gap without an action."), "error")
        return _render(move, level, form, on, 422)
    for row in gaps:
        req = move.new.requirements[row.code]
        text = (_("Transition to %(version)s: provide evidence for %(code)s %(title)s",
                  version=move.new.title, code=req.code, title=req.title)
                if row.kind == compare.NEW else
                _("Transition to %(version)s: check the evidence of %(code)s %(title)s against the changed "
                  "requirement", version=move.new.title, code=req.code, title=req.title))
        try:
            actions.add_action(None, kind="preventive", description=text, owner=owner, due_date=form.due_date.data,
                               source_type=SOURCE, source_id=source_id(move.norm.code, move.new.code, row.code))
        except actions.ActionError as error:
            db.session.rollback()
            flash(error.message, "error")
            return _render(move, level, form, on, 422)
    db.session.commit()
    flash(_("%(n)s action(s) were planned.", n=len(gaps)), "success")
    return redirect(url_for("catalogue.transition", norm=norm, old=old, new=new, level=level or None))


def _render(move: Move, level: str, form: TransitionActionsForm, on: dt.date, status: int):
    old_result, new_result, rows, planned = _state(move, level, on)
    gaps = [r for r in rows if r.gap]
    counts = {kind: sum(1 for r in rows if r.kind == kind) for kind in KIND_LABELS}
    return render_template(
        "catalogue/transition.html", move=move, level=level, rows=rows, gaps=gaps, planned=planned,
        old_result=old_result, new_result=new_result, counts=counts, kind_labels=KIND_LABELS, form=form,
        source_id=source_id, today=on), status


def _action_link(source: str) -> str:
    norm, version, _code = (source.split(":", 2) + ["", "", ""])[:3]
    found = registry().get(norm)
    cat = found.versions.get(version) if found else None
    if found is None or cat is None or not cat.replaces:
        return url_for("catalogue.transitions")
    return url_for("catalogue.transition", norm=norm, old=cat.replaces, new=version)


@bp.record_once
def _register_source(state) -> None:
    registry(state.app).add_action_source(SOURCE, _l("Norm version transition"), _action_link)
