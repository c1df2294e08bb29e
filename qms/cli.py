"""The ``flask --app wsgi qms …`` command group."""
import click
from flask.cli import AppGroup

qms_cli = AppGroup("qms", help="QMS administration commands.")


@qms_cli.command("audit-verify")
def audit_verify():
    """Check the audit trail's hash chain; exit non-zero at the first tampered entry."""
    from .audit.services import verify_chain
    from .extensions import db

    result = verify_chain(db.session)
    if result.ok:
        click.echo(f"Audit trail intact: {result.checked} entries checked.")
        return
    click.echo(f"Audit trail TAMPERED at entry {result.first_bad_id}: {result.problem} "
               f"({result.checked} entries checked).", err=True)
    raise SystemExit(1)
