"""Reading: the "to read" list, one-tap confirmation, coverage per document and per person, reminders;
and the register exports (CSV, PDF)."""

from flask import (current_app, flash, make_response, redirect, render_template, request, session,
                   url_for)
from itsdangerous import BadSignature, URLSafeTimedSerializer
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ...auth.models import User
from ...core import exports as tabular
from ...core.submit import act
from ...database import paginate
from ...extensions import db
from ...permissions import requires
from ...uploads.access import register_access_check
from .. import services
from ..content import render_markdown
from ..forms import ButtonForm
from ..labels import STATE_LABELS, TYPE_LABELS
from ..models import DocumentRequirement, DocumentVersion, VersionState
from ..services.register import Filters
from . import bp, can_see_history, can_see_version, load_document, load_version, per_page, refused, today


@register_access_check
def version_files(user, stored_file) -> bool:
    """A file attached to a document version is readable by whoever may see that version."""
    versions = db.session.scalars(select(DocumentVersion).where(DocumentVersion.stored_file_id == stored_file.id)).all()
    return any(can_see_version(v, user) for v in versions)


@bp.route("/to-read")
@requires("documents.view")
def to_read():
    page = paginate(services.to_read_query(current_user, with_documents=True), request.args.get("page"), per_page())
    return render_template("documents/to_read.html", page=page, versions=page.items, button=ButtonForm(formdata=None))


#: How long the proof that a version was shown on the page stays good for a confirmation.
SHOWN_MAX_AGE = 12 * 3600
#: Session key: the file versions this browser opened through the reading view (their ids).
OPENED_KEY = "documents_opened"


def _shown_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="document-version-shown")


def shown_token(version: DocumentVersion) -> str:
    """Signed proof, put in the confirm form, that this user was shown this version's content."""
    return _shown_serializer().dumps({"u": current_user.id, "v": version.id})


def was_shown(token: str | None, version: DocumentVersion) -> bool:
    try:
        data = _shown_serializer().loads(token or "", max_age=SHOWN_MAX_AGE)
    except BadSignature:
        return False
    return isinstance(data, dict) and data.get("u") == current_user.id and data.get("v") == version.id


@bp.route("/<int:document_id>/versions/<int:version_id>/read")
@requires("documents.view")
def read(document_id: int, version_id: int):
    """The phone reading view: the text and, once the content has been shown (the text on this page, or the
    file opened through the button below), one button to confirm."""
    version = load_version(document_id, version_id)
    confirmed = db.session.scalar(select(services.reading.ReadConfirmation).where(
        services.reading.ReadConfirmation.user_id == current_user.id,
        services.reading.ReadConfirmation.document_id == version.document_id,
        services.reading.ReadConfirmation.major == version.major).limit(1))
    shown = version.stored_file_id is None or version.id in session.get(OPENED_KEY, [])
    return render_template("documents/read.html", version=version, document=version.document,
                           html=render_markdown(version.content_markdown), confirmed=confirmed,
                           button=ButtonForm(formdata=None), shown=shown,
                           token=shown_token(version) if shown else None)


@bp.route("/<int:document_id>/versions/<int:version_id>/open", methods=["POST"])
@requires("documents.view")
def open_file(document_id: int, version_id: int):
    """Open the version's file from the reading view: remembered for this session, so the reading view then
    offers the confirmation; then the file itself."""
    version = load_version(document_id, version_id)
    form = ButtonForm()
    if not form.validate_on_submit() or version.stored_file_id is None:
        flash(_("The request could not be processed; please try again."), "error")
        return redirect(url_for("documents.read", document_id=document_id, version_id=version_id))
    opened = [v for v in session.get(OPENED_KEY, []) if v != version.id][-49:]
    session[OPENED_KEY] = opened + [version.id]
    return redirect(url_for("uploads.download", file_id=version.stored_file_id), 303)


@bp.route("/<int:document_id>/versions/<int:version_id>/confirm", methods=["POST"])
@requires("documents.view")
def confirm(document_id: int, version_id: int):
    version = load_version(document_id, version_id)
    form = ButtonForm()
    if form.validate_on_submit() and not was_shown(request.form.get("shown"), version):
        flash(_("Open and read the document first; then confirm that you have read it."), "error")
        return redirect(url_for("documents.read", document_id=document_id, version_id=version_id))
    number = version.document.number  # read before the commit: nothing after it can fail the answer
    return act(form, lambda: services.confirm_read(version, current_user),
               done=lambda _confirmation: _("Thank you: you confirmed reading %(number)s.", number=number),
               to=url_for("documents.to_read"))


@bp.route("/<int:document_id>/coverage")
@requires("documents.view_history")
def coverage(document_id: int):
    document = load_document(document_id)
    version, rows = services.coverage(document)
    done = sum(1 for r in rows if r.confirmed_at)
    return render_template("documents/coverage.html", document=document, version=version, rows=rows, done=done,
                           button=ButtonForm(formdata=None))


@bp.route("/<int:document_id>/coverage/export.<any(csv, xlsx):fmt>")
@requires("documents.view_history")
def coverage_export(fmt: str, document_id: int):
    """Who must read the version in use of one document, and when they confirmed it."""
    document = load_document(document_id)
    _version, rows = services.coverage(document)
    header = [_("Name"), _("E-mail address"), _("Confirmed"), _("Confirmed at")]
    lines = ([r.user.name, r.user.email, r.confirmed_at is not None, r.confirmed_at] for r in rows)
    number = "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "-" for c in document.number)
    return tabular.response(fmt, header, lines, f"read-coverage-{number}", _("Read coverage"))


@bp.route("/<int:document_id>/remind", methods=["POST"])
@requires("documents.manage")
def remind(document_id: int):
    document = load_document(document_id)
    form = ButtonForm()
    if form.validate_on_submit():
        try:
            sent = services.remind_unconfirmed(document, today())
        except services.DocumentError as error:
            refused(None, error)
        else:
            db.session.commit()
            flash(_("%(n)s reminders were sent.", n=sent), "success")
    return redirect(url_for("documents.coverage", document_id=document.id))


@bp.route("/coverage")
@requires("documents.view_history")
def people():
    stmt = select(User).where(User.active).order_by(User.name)
    page = paginate(stmt, request.args.get("page"), per_page())
    rows = services.coverage_by_person(list(page.items), today())
    return render_template("documents/people.html", page=page, rows=rows)


@bp.route("/coverage/export.<any(csv, xlsx):fmt>")
@requires("documents.view_history")
def people_export(fmt: str):
    """Read coverage per active user: documents in use to read, confirmed and still open (the page's figures)."""
    users = db.session.scalars(select(User).where(User.active).order_by(User.name).limit(tabular.MAX_ROWS)).all()
    header = [_("Name"), _("Must read"), _("Confirmed"), _("Still to read")]
    lines = ([r.user.name, r.must_read, r.confirmed, r.open] for r in services.coverage_by_person(list(users), today()))
    return tabular.response(fmt, header, lines, "read-coverage-per-person", _("Read coverage per person"))


def _export_filters() -> Filters:
    filters = Filters(q=request.args.get("q", "")[:200], type=request.args.get("type", ""),
                      status=request.args.get("status", ""), requirement=request.args.get("requirement", "")[:80],
                      review=request.args.get("review", ""), today=today())
    if filters.type not in TYPE_LABELS:
        filters.type = ""
    if filters.status not in {s.value for s in VersionState}:
        filters.status = ""
    return filters


def _export_lines():
    """The register's CSV rows from three queries of plain columns (documents with their owner, the versions
    in use, the requirements): no document objects, versions or requirement collections are loaded."""
    found = services.register_query(_export_filters(), include_unpublished=can_see_history()).limit(50_000).subquery()
    ids = select(found.c.id)
    in_use = {}
    for document_id, major, minor, effective in db.session.execute(
            select(DocumentVersion.document_id, DocumentVersion.major, DocumentVersion.minor,
                   DocumentVersion.effective_date)
            .where(DocumentVersion.state == VersionState.PUBLISHED, DocumentVersion.document_id.in_(ids))
            .order_by(DocumentVersion.id.desc())):
        in_use[document_id] = (f"{major}.{minor}", effective)
    served: dict[int, list[str]] = {}
    for document_id, norm, version, code in db.session.execute(
            select(DocumentRequirement.document_id, DocumentRequirement.norm, DocumentRequirement.norm_version,
                   DocumentRequirement.requirement).where(DocumentRequirement.document_id.in_(ids))
            .order_by(DocumentRequirement.norm, DocumentRequirement.requirement)):
        served.setdefault(document_id, []).append(f"{norm} {version} {code}")
    documents = db.session.execute(
        select(found.c.id, found.c.number, found.c.title, found.c.type, found.c.status, found.c.next_review_on,
               User.name).outerjoin(User, User.id == found.c.owner_id).order_by(found.c.number))
    for id_, number, title, type_, status, next_review, owner in documents:
        label, effective = in_use.get(id_, ("", None))
        yield [number, title, TYPE_LABELS[type_], STATE_LABELS[status], label, effective, owner or "",
               next_review, ", ".join(served.get(id_, []))]


@bp.route("/export.csv")
@requires("documents.view")
def export_csv():
    return _export_table("csv")


@bp.route("/export.xlsx")
@requires("documents.view")
def export_xlsx():
    return _export_table("xlsx")


def _export_table(fmt: str):
    """The register as CSV or XLSX, written out in pieces as the rows are read."""
    header = [_("Number"), _("Title"), _("Type"), _("Status"), _("Version in use"), _("Effective date"),
              _("Owner"), _("Next review"), _("Requirements")]
    return tabular.response(fmt, header, _export_lines(), "document-register", _("Documents"))


@bp.route("/export.pdf")
@requires("documents.view")
def export_pdf():
    """The register as a printable table: at most PDF_ROWS documents (a print of thousands of pages is built for
    minutes and read by nobody); beyond that the PDF says how many more the spreadsheet holds."""
    from sqlalchemy import func

    from ..pdf import PDF_ROWS, register_pdf

    query = services.register_query(_export_filters(), include_unpublished=can_see_history())
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    response = make_response(register_pdf(db.session.scalars(query.limit(PDF_ROWS)).all(), total=total))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = 'inline; filename="document-register.pdf"'
    return response
