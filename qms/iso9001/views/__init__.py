"""ISO 9001 pages. The blueprint lives here; each register has its own module of views."""
from functools import partial

from flask import Blueprint, abort, render_template

from ...core.errors import show_refusal
from ...core.loaders import get_row
from ...extensions import db
from ..services import IsoError, get

bp = Blueprint("iso9001", __name__, url_prefix="/iso9001", template_folder="../templates",
               static_folder="../static", static_url_path="/static")


def load(model, object_id: int):
    """One record or 404."""
    found = get(model, object_id)
    if found is None:
        abort(404)
    return found


#: A rule's refusal next to its field, or at the top of the form; nothing of the change is kept.
refused = partial(show_refusal, on_form=True)


def chosen(model, field, message: str):
    """The row picked in the select ``field``, or an IsoError with ``message`` on that field."""
    found = get_row(model, field.data)
    if found is None:
        raise IsoError(field.name, message)
    return found


def change_state(found, states, change, back: str):
    """A state button (StateForm): call ``change(found, state)``, commit once, flash, and return to ``back``."""
    from flask import flash, redirect
    from flask_babel import gettext as _

    from ...core.submit import NOT_PROCESSED, act
    from ..forms import StateForm

    form = StateForm()
    if form.state.data not in {s.value for s in states}:
        flash(str(NOT_PROCESSED), "error")
        return redirect(back)
    return act(form, lambda: change(found, form.state.data), to=back,
               done=lambda _result: _("The status is now: %(state)s.", state=found.state.label))



def page(template: str, status: int = 200, **context):
    return render_template(f"iso9001/{template}", **context), status


from . import competence, complaints, context, overview, planning, suppliers  # noqa: E402,F401
