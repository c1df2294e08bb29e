"""Competence (7.2): the people × functions matrix, functions with competences, and learning paths."""
from flask import abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from ...core import exports as tabular
from ...database import paginate
from ...extensions import db
from ...organisation.models import Employee
from ...permissions import has_permission, require, requires
from .. import scoring
from ..forms import (AssignFunctionForm, AssignPathForm, CompetenceForm, ConfirmForm, EvidenceForm, FunctionForm,
                     MatrixFilterForm, PathForm, SignoffForm, StepForm)
from ..models import Competence, EmployeeFunction, JobFunction, LearningPath, LearningStep, StepSignoff
from ..services import IsoError, competence as services, today
from . import bp, chosen, load, page
from ...core.submit import act, on_submit


@bp.route("/competence")
@requires("iso9001.competence.view")
def competence():
    functions = services.functions()
    filters = MatrixFilterForm(request.args)
    filters.function.choices = [SelectChoice("", _("All"))] + [SelectChoice(f.id, f.name) for f in functions]
    if request.args:
        filters.validate()
    stmt = services.employees_query(q=filters.valid_value("q"), function_id=filters.valid_value("function"))
    result = paginate(stmt, request.args.get("page"), current_app.config["ITEMS_PER_PAGE"])
    matrix = services.matrix(list(result.items), functions)
    return page("competence.html", filters=filters, page_=result, functions=functions, cells=matrix["cells"],
                scoring=scoring)


@bp.route("/competence/export.<any(csv, xlsx):fmt>")
@requires("iso9001.competence.view")
def competence_export(fmt: str):
    """The competence matrix with the page's filters: one row per person, one column per function."""
    functions = services.functions()
    filters = MatrixFilterForm(request.args)
    filters.function.choices = [SelectChoice("", _("All"))] + [SelectChoice(f.id, f.name) for f in functions]
    filters.validate()
    stmt = services.employees_query(q=filters.valid_value("q"), function_id=filters.valid_value("function"))
    employees = list(db.session.scalars(stmt.limit(tabular.MAX_ROWS)))
    cells = services.matrix(employees, functions)["cells"]
    labels = {"met": _("met"), "expiring": _("expiring"), "missing": _("missing"), scoring.NOT_REQUIRED: _("not held")}
    header = [_("Number"), _("Person")] + [f.name for f in functions]
    rows = ([e.number, e.full_name] + [labels.get(cells[(e.id, f.id)], cells[(e.id, f.id)]) for f in functions]
            for e in employees)
    return tabular.response(fmt, header, rows, "competence-matrix", _("Competence matrix"))


@bp.route("/competence/<int:employee_id>")
@requires("iso9001.competence.view")
def person(employee_id: int, assign_form=None, evidence_form=None, status=200):
    employee = load(Employee, employee_id)
    functions = services.functions()
    matrix = services.matrix([employee], functions)
    held = [f for f in functions if f.id in matrix["held"][employee.id]]
    links = {link.function_id: link for link in db.session.scalars(
        select(EmployeeFunction).where(EmployeeFunction.employee_id == employee.id))}
    assign_form = assign_form or AssignFunctionForm()
    assign_form.function_id.choices = [SelectChoice("", _("Choose…"))] + [
        SelectChoice(f.id, f.name) for f in functions if f.id not in links]
    evidence_form = evidence_form or EvidenceForm(obtained_on=today())
    evidence_form.competence_id.choices = [SelectChoice("", _("Choose…"))] + [
        SelectChoice(c.id, f"{f.name}: {c.name}") for f in held for c in f.competences if not c.training_kind]
    from ...training import services as training

    records = training.records_for([employee.id]).get(employee.id, [])
    return page("person.html", status, employee=employee, held=held, links=links, details=matrix["details"],
                cells=matrix["cells"], assign_form=assign_form, evidence_form=evidence_form, records=records,
                remove_form=ConfirmForm(), scoring=scoring, today=today())


@bp.route("/competence/<int:employee_id>/functions", methods=["POST"])
@requires("iso9001.competence.manage")
def assign_function(employee_id: int):
    employee = load(Employee, employee_id)
    form = AssignFunctionForm()

    def assign():
        function = chosen(JobFunction, form.function_id, _("Choose a function."))
        services.assign_function(employee, function)
        return function

    return on_submit(form, assign, on_form=True, to=url_for("iso9001.person", employee_id=employee.id),
                     done=lambda function: _("%(name)s now holds the function %(function)s.",
                                             name=employee.full_name, function=function.name)
                     ) or person(employee.id, assign_form=form, status=400)


@bp.route("/competence/<int:employee_id>/functions/<int:link_id>/remove", methods=["POST"])
@requires("iso9001.competence.manage")
def unassign_function(employee_id: int, link_id: int):
    employee = load(Employee, employee_id)
    link = load(EmployeeFunction, link_id)
    if link.employee_id != employee.id:
        abort(404)
    if ConfirmForm().validate_on_submit():
        services.unassign_function(link)
        db.session.commit()
        flash(_("The function was removed from %(name)s.", name=employee.full_name), "success")
    return redirect(url_for("iso9001.person", employee_id=employee.id))


@bp.route("/competence/<int:employee_id>/evidence", methods=["POST"])
@requires("iso9001.competence.manage")
def add_evidence(employee_id: int):
    employee = load(Employee, employee_id)
    form = EvidenceForm()
    return on_submit(form, lambda: services.add_evidence(
        employee, chosen(Competence, form.competence_id, _("Choose a competence.")),
        obtained_on=form.obtained_on.data, valid_until=form.valid_until.data, note=form.note.data, user=current_user),
        on_form=True, done=_("The evidence was recorded."), to=url_for("iso9001.person", employee_id=employee.id)
    ) or person(employee.id, evidence_form=form, status=400)


# --- functions ----------------------------------------------------------------------------------

@bp.route("/functions")
@requires("iso9001.competence.view")
def functions(form=None, status=200):
    return page("functions.html", status, functions=services.functions(active_only=False), form=form or FunctionForm())


@bp.route("/functions", methods=["POST"])
@requires("iso9001.competence.manage")
def add_function():
    form = FunctionForm()
    saved = on_submit(form, lambda: services.save_function(None, name=form.name.data, description=form.description.data),
                      done=lambda function: _("The function %(name)s was added.", name=function.name),
                      to=lambda function: url_for("iso9001.function", function_id=function.id))
    return saved or functions(form=form, status=400)


@bp.route("/functions/<int:function_id>")
@requires("iso9001.competence.view")
def function(function_id: int, form=None, status=200):
    found = load(JobFunction, function_id)
    return page("function.html", status, function=found, form=form or CompetenceForm(), remove_form=ConfirmForm())


@bp.route("/functions/<int:function_id>/competences", methods=["POST"])
@requires("iso9001.competence.manage")
def add_competence(function_id: int):
    found = load(JobFunction, function_id)
    form = CompetenceForm()
    saved = on_submit(form, lambda: services.add_competence(found, name=form.name.data,
                                                            training_kind=form.training_kind.data,
                                                            training_title=form.training_title.data),
                      done=_("The competence was added."),
                      to=url_for("iso9001.function", function_id=found.id))
    return saved or function(found.id, form=form, status=400)


@bp.route("/competences/<int:competence_id>/remove", methods=["POST"])
@requires("iso9001.competence.manage")
def remove_competence(competence_id: int):
    found = load(Competence, competence_id)
    function_id = found.function_id
    if ConfirmForm().validate_on_submit():
        try:
            services.remove_competence(found)
        except IsoError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("The competence was removed."), "success")
    return redirect(url_for("iso9001.function", function_id=function_id))


# --- learning paths -----------------------------------------------------------------------------

def _apprentice(employee_id: int) -> Employee:
    """An apprentice the user may see (their master trainer, themself, competence readers); 404 otherwise."""
    employee = load(Employee, employee_id)
    require(employee.is_apprentice and services.can_see_apprentice(current_user, employee))
    return employee


@bp.route("/learning")
@requires("iso9001.learning")
def learning():
    apprentices = services.apprentices_for(current_user)
    return page("learning.html", apprentices=apprentices)


@bp.route("/learning/<int:employee_id>")
@requires("iso9001.learning")
def apprentice(employee_id: int, assign_form=None, status=200):
    employee = _apprentice(employee_id)
    assign_form = assign_form or AssignPathForm(started_on=today())
    paths = db.session.execute(select(LearningPath.id, LearningPath.name).order_by(LearningPath.name)).all()
    assign_form.path_id.choices = [SelectChoice("", _("Choose…"))] + [SelectChoice(p.id, p.name) for p in paths]
    progress, signed = [], {}
    for assignment, steps, signed in services.learning_of(employee):
        done, total, following = scoring.progress([s.id for s in steps], signed)
        progress.append((assignment, steps, done, total, following))
    undoable = {step_id for step_id, s in signed.items() if services.can_undo(current_user, s)}
    return page("apprentice.html", status, employee=employee, progress=progress, signed=signed,
                may_sign=services.is_mentor_of(current_user, employee), form=SignoffForm(), assign_form=assign_form,
                may_assign=has_permission(current_user, "iso9001.competence.manage"), undoable=undoable,
                undo_minutes=services.UNDO_MINUTES)


@bp.route("/learning/<int:employee_id>/steps/<int:step_id>/signoff", methods=["POST"])
@requires("iso9001.learning")
def sign_off(employee_id: int, step_id: int):
    employee = _apprentice(employee_id)
    step = load(LearningStep, step_id)
    form = SignoffForm()
    if form.validate_on_submit() and form.confirmed.data != "yes":
        # First the confirmation: what will be signed, for whom, with the note; nothing is stored yet.
        if not services.is_mentor_of(current_user, employee):
            flash(_("Only the apprentice's own master trainer can sign off a step."), "error")
            return redirect(url_for("iso9001.apprentice", employee_id=employee.id))
        return page("signoff_confirm.html", employee=employee, step=step, form=form)
    return act(form, lambda: services.sign_off(current_user, employee, step, form.note.data),
               done=_("Step \"%(step)s\" of %(name)s is signed off. A mistake? You can undo it for %(minutes)s "
                      "minutes.", step=step.title, name=employee.full_name, minutes=services.UNDO_MINUTES),
               to=url_for("iso9001.apprentice", employee_id=employee.id) + f"#step-{step.id}")


@bp.route("/learning/<int:employee_id>/steps/<int:step_id>/undo", methods=["POST"])
@requires("iso9001.learning")
def undo_sign_off(employee_id: int, step_id: int):
    employee = _apprentice(employee_id)
    step = load(LearningStep, step_id)
    signoff = db.session.scalar(select(StepSignoff).where(StepSignoff.employee_id == employee.id,
                                                          StepSignoff.step_id == step.id))
    require(signoff is not None)
    return act(SignoffForm(), lambda: services.undo_sign_off(current_user, signoff),
               done=_("The sign-off of step \"%(step)s\" was undone.", step=step.title),
               to=url_for("iso9001.apprentice", employee_id=employee.id) + f"#step-{step.id}")


@bp.route("/learning/<int:employee_id>/paths", methods=["POST"])
@requires("iso9001.competence.manage")
def assign_path(employee_id: int):
    employee = _apprentice(employee_id)
    form = AssignPathForm()

    def assign():
        path = chosen(LearningPath, form.path_id, _("Choose a learning path."))
        services.assign_path(employee, path, form.started_on.data)
        return path

    return on_submit(form, assign, on_form=True, to=url_for("iso9001.apprentice", employee_id=employee.id),
                     done=lambda path: _("%(name)s now follows %(path)s.", name=employee.full_name, path=path.name)
                     ) or apprentice(employee.id, assign_form=form, status=400)


@bp.route("/learning/paths")
@requires("iso9001.competence.view")
def paths(form=None, status=200):
    found = list(db.session.scalars(select(LearningPath).order_by(LearningPath.name)))
    return page("paths.html", status, paths=found, form=form or PathForm())


@bp.route("/learning/paths", methods=["POST"])
@requires("iso9001.competence.manage")
def add_path():
    form = PathForm()
    saved = on_submit(form, lambda: services.save_path(name=form.name.data, description=form.description.data),
                      done=_("The learning path was added."),
                      to=lambda path: url_for("iso9001.path", path_id=path.id))
    return saved or paths(form=form, status=400)


@bp.route("/learning/paths/<int:path_id>")
@requires("iso9001.competence.view")
def path(path_id: int, form=None, status=200):
    found = load(LearningPath, path_id)
    return page("path.html", status, path=found, form=form or StepForm())


@bp.route("/learning/paths/<int:path_id>/steps", methods=["POST"])
@requires("iso9001.competence.manage")
def add_step(path_id: int):
    found = load(LearningPath, path_id)
    form = StepForm()
    if form.validate_on_submit():
        services.add_step(found, title=form.title.data, description=form.description.data)
        db.session.commit()
        flash(_("The step was added."), "success")
        return redirect(url_for("iso9001.path", path_id=found.id))
    return path(found.id, form=form, status=400)
