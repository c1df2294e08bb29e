"""People: diploma gaps per person, one person's VCA page (risky work, diplomas, PPE, attendance), PPE list."""
from flask import render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from qms.core import exports as tabular
from qms.core.lookup import employee_matches
from qms.database import paginate
from qms.extensions import db
from qms.organisation.models import Employee
from qms.permissions import requires
from qms.training import services as training
from qms.training.rules import status as training_status

from . import bp
from .helpers import load, per_page
from .. import rules
from ..forms import PpeForm, WorkerForm
from ..models import VcaPpeIssue, VcaToolboxAttendance, VcaToolboxMeeting, VcaWorker
from ..services import common, people
from ...core.submit import on_submit


@bp.route("/diplomas")
@requires("vca.view")
def diplomas():
    on = common.today()
    overview = people.diploma_overview(on)
    shown = request.args.get("show", "gaps")
    rows = [p for p in overview if p.gaps] if shown == "gaps" else overview
    figures = people.diploma_figures(on)
    ok, total = figures.coverage
    from .toolbox import paginate_list

    page = paginate_list(rows, request.args.get("page"), per_page())
    return render_template("vca/diplomas.html", page=page, shown=shown, ok=ok, total=total, on=on,
                           gap_count=len(figures.gaps), expiring=figures.expiring)


def gap_label(gap: rules.Gap) -> str:
    """The words for one diploma gap or warning, on the pages (vca/_gaps.html) and in the export."""
    from flask_babel import format_date

    return {"no_vca_diploma": _("No VCA diploma"), "vca_diploma_expired": _("VCA diploma expired"),
            "no_vol_vca": _("Supervisor without VOL-VCA"), "vol_vca_expired": _("VOL-VCA expired")}.get(
        gap.code) or (_("Diploma needed by %(date)s", date=format_date(gap.date)) if gap.code == "diploma_due"
                      else _("Expires %(date)s", date=format_date(gap.date)))


@bp.route("/diplomas/export.<any(csv, xlsx):fmt>")
@requires("vca.view")
def diplomas_export(fmt: str):
    """The diploma overview with the page's filter (``show``: gaps and warnings, or everyone)."""
    on = common.today()
    overview = people.diploma_overview(on)
    rows = [p for p in overview if p.gaps] if request.args.get("show", "gaps") == "gaps" else overview
    header = [_("Employee number"), _("Name"), _("Function"), _("Risky work since"), _("Diploma")]
    lines = ([p.employee.number, p.employee.full_name, p.employee.function or "", p.facts.risky_work_since,
              "; ".join(gap_label(g) for g in p.gaps) or _("In order")] for p in rows)
    return tabular.response(fmt, header, lines, "vca-diplomas", _("Diploma gaps"))


@bp.route("/people")
@requires("vca.view")
def people_index():
    q = (request.args.get("q") or "").strip()[:100]
    stmt = (select(Employee, VcaWorker).outerjoin(VcaWorker, VcaWorker.employee_id == Employee.id)
            .where(Employee.left_on.is_(None) | (Employee.left_on > common.today())))
    if q:
        stmt = stmt.where(employee_matches(q))
    stmt = stmt.order_by(Employee.last_name, Employee.first_name)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    size = per_page()
    try:
        number = max(1, int(request.args.get("page", 1)))
    except ValueError:
        number = 1
    number = min(number, max(1, -(-total // size)))
    rows = db.session.execute(stmt.limit(size).offset((number - 1) * size)).all()
    from qms.database import Page

    return render_template("vca/people.html", page=Page(rows, number, size, total), q=q)


def _person_page(employee: Employee, worker_form: WorkerForm | None = None, ppe_form: PpeForm | None = None):
    """One person's VCA page; a refused form is shown again with its messages and input."""
    row = people.worker(employee)
    on = common.today()
    records = training.records_for([employee.id]).get(employee.id, [])
    facts = rules.PersonFacts(employee.id, employee.full_name, employee.is_supervisor, employee.is_apprentice,
                              row.engagement.value if row else "own", row.risky_work_since if row else None)
    gaps = rules.diploma_gaps(facts, [rules.Diploma(r.kind, r.valid_until) for r in records], on)
    ppe_rows = db.session.scalars(select(VcaPpeIssue).where(VcaPpeIssue.employee_id == employee.id)
                                  .order_by(VcaPpeIssue.issued_on.desc())).all()
    attended = db.session.execute(
        select(VcaToolboxMeeting, VcaToolboxAttendance).join(VcaToolboxAttendance,
                                                             VcaToolboxAttendance.meeting_id == VcaToolboxMeeting.id)
        .where(VcaToolboxAttendance.employee_id == employee.id).order_by(VcaToolboxMeeting.held_on.desc()).limit(12)).all()
    if worker_form is None:
        worker_form = WorkerForm(formdata=None, data={"risky_work_since": row.risky_work_since if row else None,
                                                      "engagement": row.engagement.value if row else "own"})
    return render_template("vca/person.html", employee=employee, row=row, records=records, gaps=gaps, ppe=ppe_rows,
                           attended=attended, worker_form=worker_form, ppe_form=ppe_form or PpeForm(formdata=None),
                           on=on, today=on, status=training_status)


@bp.route("/people/<int:employee_id>")
@requires("vca.view")
def person(employee_id: int):
    return _person_page(load(Employee, employee_id))


@bp.route("/people/<int:employee_id>/worker", methods=["POST"])
@requires("vca.manage")
def person_worker(employee_id: int):
    employee = load(Employee, employee_id)
    form = WorkerForm()
    saved = on_submit(form, lambda: people.set_risky_work(employee, form.risky_work_since.data, form.engagement.data),
                      done=lambda _saved: _("The VCA details of %(name)s were saved.", name=employee.full_name),
                      to=url_for("vca.person", employee_id=employee.id))
    return saved or _person_page(employee, worker_form=form)


@bp.route("/people/<int:employee_id>/ppe", methods=["POST"])
@requires("vca.manage")
def person_ppe(employee_id: int):
    employee = load(Employee, employee_id)
    form = PpeForm()
    saved = on_submit(form, lambda: people.issue_ppe(employee, form.item.data, form.size.data, form.issued_on.data,
                                                     form.replace_on.data),
                      done=_("The PPE issue was recorded."),
                      to=url_for("vca.person", employee_id=employee.id))
    return saved or _person_page(employee, ppe_form=form)


@bp.route("/ppe/export.<any(csv, xlsx):fmt>")
@requires("vca.view")
def ppe_export(fmt: str):
    stmt = (select(VcaPpeIssue).join(VcaPpeIssue.employee)
            .order_by(VcaPpeIssue.issued_on.desc(), VcaPpeIssue.id.desc()).limit(tabular.MAX_ROWS))
    header = [_("Employee number"), _("Name"), _("Item"), _("Size"), _("Issued on"), _("Replace on")]
    rows = ([p.employee.number, p.employee.full_name, p.item, p.size or "", p.issued_on, p.replace_on]
            for p in db.session.scalars(stmt))
    return tabular.response(fmt, header, rows, "ppe", _("PPE issued"))


@bp.route("/ppe")
@requires("vca.view")
def ppe():
    stmt = (select(VcaPpeIssue).join(VcaPpeIssue.employee)
            .order_by(VcaPpeIssue.issued_on.desc(), VcaPpeIssue.id.desc()))
    page = paginate(stmt, request.args.get("page"), per_page())
    return render_template("vca/ppe.html", page=page, today=common.today())
