"""Toolbox meetings: yearly plan, meeting pages, tap-to-sign attendance, attendance per person, follow-up."""
import datetime as dt

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from qms.database import paginate
from qms.extensions import db
from qms.organisation.models import Employee
from qms.permissions import has_permission, require, requires
from qms.training import services as training

from . import bp
from .helpers import load, per_page, refused
from .. import integrations, rules
from ..forms import ButtonForm, CatchUpForm, CloseForm, MeetingForm, PlanYearForm, RecordForm
from ..models import MeetingState, VcaToolboxAttendance, VcaToolboxMeeting
from ..services import common, toolbox
from ..services.common import VcaError
from ...core.submit import act, on_submit


def _year() -> int:
    try:
        year = int(request.args.get("year", ""))
    except ValueError:
        return common.today().year
    return year if 2000 <= year <= 2100 else common.today().year


def _may_record(meeting: VcaToolboxMeeting) -> bool:
    """Coordinators record anyone; the presenter records the meeting they present."""
    if has_permission(current_user, "vca.manage"):
        return True
    presenter = meeting.presenter
    return presenter is not None and presenter.user_id is not None and presenter.user_id == current_user.id


def _data(form: MeetingForm) -> toolbox.MeetingData:
    return toolbox.MeetingData(planned_on=form.planned_on.data, topic=form.topic.data, mode=form.mode.data,
                               presenter_id=form.presenter_id.data, document_id=form.document_id.data,
                               lessons=form.lessons.data, notes=form.notes.data)


def _meeting_form(meeting=None) -> MeetingForm:
    form = MeetingForm(obj=meeting)
    if meeting is not None and not form.is_submitted():
        form.mode.data = meeting.mode.value
    return form


def _attendee_counts(meetings) -> dict[int, int]:
    """Attendees per meeting, in one query for the whole list."""
    return dict(db.session.execute(
        select(VcaToolboxAttendance.meeting_id, db.func.count()).where(
            VcaToolboxAttendance.meeting_id.in_([m.id for m in meetings] or [0]))
        .group_by(VcaToolboxAttendance.meeting_id)).all())


@bp.route("/toolbox")
@requires("vca.view")
def toolbox_index():
    year = _year()
    meetings = toolbox.year_meetings(year, held_only=False)
    cancelled = db.session.scalars(select(VcaToolboxMeeting).where(
        VcaToolboxMeeting.state == MeetingState.CANCELLED,
        VcaToolboxMeeting.planned_on >= dt.date(year, 1, 1), VcaToolboxMeeting.planned_on <= dt.date(year, 12, 31))).all()
    minimum = rules.toolbox_minimum(common.company_level())
    spread = rules.toolbox_spread([m.date for m in meetings], year, minimum)
    counts = _attendee_counts(meetings)
    return render_template("vca/toolbox_index.html", year=year, meetings=meetings, cancelled=cancelled,
                           spread=spread, counts=counts, plan_form=PlanYearForm(year=year), today=common.today())


#: How every toolbox page and export names a meeting's state (vca/_meeting_state.html shows it).
def state_label(state: MeetingState) -> str:
    return {MeetingState.PLANNED: _("Planned"), MeetingState.HELD: _("Open for signing"),
            MeetingState.CLOSED: _("Held"), MeetingState.CANCELLED: _("Cancelled")}[state]


@bp.route("/toolbox/export.<any(csv, xlsx):fmt>")
@requires("vca.view")
def toolbox_export(fmt: str):
    """The year's toolbox meetings as the page lists them (the ``year`` filter), cancelled ones included."""
    from qms.core import exports as tabular

    year = _year()
    meetings = db.session.scalars(select(VcaToolboxMeeting).where(
        VcaToolboxMeeting.planned_on >= dt.date(year, 1, 1), VcaToolboxMeeting.planned_on <= dt.date(year, 12, 31))
        .order_by(VcaToolboxMeeting.planned_on, VcaToolboxMeeting.id)).all()
    counts = _attendee_counts(meetings)
    header = [_("Date"), _("Topic"), _("Presenter"), _("Status"), _("Attendees")]
    rows = ([m.date, m.topic, m.presenter.full_name if m.presenter else "", state_label(m.state),
             counts.get(m.id, 0) if m.state is not MeetingState.PLANNED else None] for m in meetings)
    return tabular.response(fmt, header, rows, f"toolbox-{year}", _("Toolbox meetings %(year)s", year=year))


@bp.route("/toolbox/plan", methods=["POST"])
@requires("vca.manage")
def toolbox_plan():
    form = PlanYearForm()
    if not form.validate_on_submit():
        flash(_("Enter a year between 2000 and 2100."), "error")
        return redirect(url_for("vca.toolbox_index"))
    try:
        created = toolbox.plan_year(form.year.data, _("Topic to be chosen"))
    except VcaError as error:
        refused(None, error)
    else:
        db.session.commit()
        flash(_("%(count)s meetings were planned for %(year)s.", count=len(created), year=form.year.data), "success")
    return redirect(url_for("vca.toolbox_index", year=form.year.data))


@bp.route("/toolbox/new", methods=["GET", "POST"])
@requires("vca.manage")
def toolbox_new():
    form = _meeting_form()
    saved = on_submit(form, lambda: toolbox.plan_meeting(_data(form)),
                      done=_("The toolbox meeting was planned."),
                      to=lambda meeting: url_for("vca.meeting", meeting_id=meeting.id))
    return saved or render_template("vca/form.html", form=form, title=_("Plan a toolbox meeting"),
                                    cancel=url_for("vca.toolbox_index"))


@bp.route("/toolbox/<int:meeting_id>")
@requires("vca.view")
def meeting(meeting_id: int):
    found = load(VcaToolboxMeeting, meeting_id)
    attendees = paginate(toolbox.attendance_query(found), request.args.get("page"), per_page())
    missed = (paginate(toolbox.missed_query(found), request.args.get("missed_page"), per_page())
              if found.state in (MeetingState.HELD, MeetingState.CLOSED) else None)
    lessons = integrations.open_toolbox_lessons() if found.state is MeetingState.HELD else []
    return render_template("vca/meeting.html", meeting=found, attendees=attendees, missed=missed, lessons=lessons,
                           button=ButtonForm(), close_form=CloseForm(), catch_up=CatchUpForm(),
                           document=integrations.document_link(found.document_id),
                           sign_url=url_for("vca.sign", meeting_id=found.id, _external=True))


@bp.route("/toolbox/<int:meeting_id>/edit", methods=["GET", "POST"])
@requires("vca.manage")
def meeting_edit(meeting_id: int):
    found = load(VcaToolboxMeeting, meeting_id)
    form = _meeting_form(found)
    saved = on_submit(form, lambda: toolbox.update_meeting(found, _data(form)),
                      done=_("The toolbox meeting was saved."),
                      to=url_for("vca.meeting", meeting_id=found.id))
    return saved or render_template("vca/form.html", form=form, title=_("Edit toolbox meeting"),
                                    cancel=url_for("vca.meeting", meeting_id=found.id))


@bp.route("/toolbox/<int:meeting_id>/<any(start, close, cancel):action>", methods=["POST"])
@requires("vca.manage")
def meeting_state(meeting_id: int, action: str):
    found = load(VcaToolboxMeeting, meeting_id)
    form = CloseForm()
    if not form.validate_on_submit():
        flash(_("The request could not be processed; please try again."), "error")
        return redirect(url_for("vca.meeting", meeting_id=found.id))
    try:
        if action == "start":
            toolbox.start(found)
            message = _("The meeting is open: attendees can sign now.")
        elif action == "close":
            toolbox.close(found, form.lessons.data or [])
            message = _("The attendance list is closed.")
        else:
            toolbox.cancel(found)
            message = _("The meeting was cancelled.")
    except VcaError as error:
        refused(None, error)
    else:
        db.session.commit()
        flash(message, "success")
    return redirect(url_for("vca.meeting", meeting_id=found.id))


# --- signing ----------------------------------------------------------------------------------

#: People offered per page on the signing page's list to tick.
PICK_PAGE = 50


@bp.route("/toolbox/<int:meeting_id>/sign", methods=["GET", "POST"])
@requires("vca.sign")
def sign(meeting_id: int):
    found = load(VcaToolboxMeeting, meeting_id)
    may_record = _may_record(found)
    # Attendees see a meeting open for signing (and the one they signed); others' lists only recorders.
    me = training.employee_of(current_user)
    mine = toolbox.attendance_of(found, me)
    require(may_record or found.state is MeetingState.HELD or mine is not None)
    form = ButtonForm()
    if request.method == "POST":
        return act(form, lambda: toolbox.sign(found, me, current_user),
                   done=_("Thank you, your attendance is signed."),
                   to=url_for("vca.sign", meeting_id=found.id))
    present = expected = 0
    record_form, people, search = RecordForm(), None, (request.args.get("q") or "").strip()[:100]
    if may_record:
        present, expected = toolbox.list_counts(found)
        # The people not on the list yet, a page at a time and found by name: a company can expect thousands.
        people = paginate(toolbox.missed_query(found, search), request.args.get("page"), PICK_PAGE)
        record_form.people.choices = [SelectChoice(e.id, e.full_name) for e in people.items]
    return render_template("vca/sign.html", meeting=found, me=me, signed=mine is not None, mine=mine,
                           may_record=may_record, form=form, record_form=record_form, expected=expected,
                           present=present, people=people, search=search)


@bp.route("/toolbox/<int:meeting_id>/record", methods=["POST"])
@requires("vca.sign")
def record(meeting_id: int):
    found = load(VcaToolboxMeeting, meeting_id)
    require(_may_record(found))
    form = RecordForm()
    return act(form, lambda: toolbox.record(found, form.people.data or [], current_user),
               done=lambda added: _("%(count)s attendees were recorded.", count=added),
               to=url_for("vca.sign", meeting_id=found.id))


@bp.route("/my-toolbox")
@requires("vca.sign")
def my_toolbox():
    me = training.employee_of(current_user)
    open_meetings = db.session.scalars(select(VcaToolboxMeeting).where(VcaToolboxMeeting.state == MeetingState.HELD)
                                       .order_by(VcaToolboxMeeting.held_on.desc())).all()
    history = []
    if me is not None:
        history = db.session.execute(
            select(VcaToolboxMeeting, VcaToolboxAttendance)
            .join(VcaToolboxAttendance, VcaToolboxAttendance.meeting_id == VcaToolboxMeeting.id)
            .where(VcaToolboxAttendance.employee_id == me.id)
            .order_by(VcaToolboxMeeting.held_on.desc()).limit(20)).all()
    signed = {m.id for m, _a in history}
    return render_template("vca/my_toolbox.html", me=me, open_meetings=open_meetings, history=history, signed=signed)


# --- attendance and follow-up -----------------------------------------------------------------

@bp.route("/toolbox/attendance")
@requires("vca.view")
def attendance():
    year = _year()
    meetings = toolbox.year_meetings(year)
    people, rows = toolbox.summary(meetings)
    by_id = {m.id: m for m in meetings}
    page = paginate_list(people, request.args.get("page"), per_page())
    return render_template("vca/attendance.html", year=year, meetings=meetings, page=page, rows=rows,
                           by_id=by_id, catch_up=CatchUpForm())


@bp.route("/toolbox/follow-up")
@requires("vca.view")
def follow_up():
    on = common.today()
    meetings = toolbox.held_between(on - dt.timedelta(days=365), on)
    people, rows = toolbox.summary(meetings)
    by_id = {m.id: m for m in meetings}
    misses = [(e, by_id[m]) for e in people for m in rows[e.id].missed]
    page = paginate_list(misses, request.args.get("page"), per_page())
    return render_template("vca/follow_up.html", page=page, catch_up=CatchUpForm())


def paginate_list(items, page, size):
    """Page over an already computed list (the misses come from a rule over three queries, not one table)."""
    from qms.database import Page

    try:
        page = max(1, int(page))
    except (TypeError, ValueError):
        page = 1
    last = max(1, -(-len(items) // size))
    page = min(page, last)
    return Page(items=items[(page - 1) * size: page * size], page=page, per_page=size, total=len(items))


@bp.route("/toolbox/catch-up", methods=["POST"])
@requires("vca.manage")
def catch_up():
    form = CatchUpForm()
    back = request.form.get("next") or ""
    if form.validate_on_submit() and form.meeting_id.data.isdigit() and form.employee_id.data.isdigit():
        found = load(VcaToolboxMeeting, int(form.meeting_id.data))
        person = load(Employee, int(form.employee_id.data))
        try:
            toolbox.catch_up(found, person, current_user)
        except VcaError as error:
            refused(None, error)
        else:
            db.session.commit()
            flash(_("%(name)s caught up on %(topic)s.", name=person.full_name, topic=found.topic), "success")
    else:
        flash(_("The request could not be processed; please try again."), "error")
    return redirect(back if back.startswith("/") and not back.startswith("//") else url_for("vca.follow_up"))

