"""The ``flask --app wsgi qms …`` command group."""
import click
from flask.cli import AppGroup

qms_cli = AppGroup("qms", help="QMS administration commands.")


@qms_cli.command("audit-verify")
@click.option("--checkpoints", "extra", type=click.Path(exists=True, dir_okay=False), multiple=True,
              help="Also check against the checkpoints in this file (e.g. saved from the checkpoint e-mails).")
def audit_verify(extra):
    """Check the audit trail's keyed hash chain against the signed checkpoints; exit non-zero on tampering."""
    import pathlib

    from .audit.checkpoints import BadCheckpointFile, checkpoint_file, read_checkpoints
    from .audit.services import verify_chain
    from .extensions import db

    try:
        checkpoints = read_checkpoints()
        for path in extra:
            checkpoints += read_checkpoints(pathlib.Path(path))
    except BadCheckpointFile as error:
        click.echo(f"Audit trail cannot be trusted: checkpoint file {error}.", err=True)
        raise SystemExit(1)
    result = verify_chain(db.session, checkpoints)
    if not result.ok:
        where = f" at entry {result.first_bad_id}" if result.first_bad_id else ""
        click.echo(f"Audit trail TAMPERED{where}: {result.problem} ({result.checked} entries checked).", err=True)
        raise SystemExit(1)
    click.echo(f"Audit trail intact: {result.checked} entries checked.")
    if result.unkeyed:
        click.echo(f"{result.unkeyed} entries from before the chain was keyed are sealed with plain SHA-256; the "
                   "keyed entries and checkpoints after them protect them.")
    if result.anchor is None:
        click.echo(f"No checkpoint in {checkpoint_file()}: entries deleted from the end would go unnoticed. "
                   "Take one with `qms audit-checkpoint`.")
    else:
        click.echo(f"Matches the checkpoint of {result.anchor.at} ({result.anchor.count} entries); "
                   f"{result.after_anchor} entries since.")


@qms_cli.command("audit-checkpoint")
def audit_checkpoint():
    """Sign the audit trail's head and append it to the checkpoint file (and mail/post it when configured)."""
    from .audit.checkpoints import checkpoint_file
    from .extensions import db

    if not _checkpoint(db.session):
        raise SystemExit(1)
    click.echo(f"Written to {checkpoint_file()}.")


def _checkpoint(session) -> bool:
    """Take a checkpoint and say so; False (nothing written) when the trail does not verify."""
    from .audit.checkpoints import ChainTampered, take_checkpoint

    try:
        checkpoint = take_checkpoint(session)
    except ChainTampered as error:
        session.rollback()
        where = f" at entry {error.result.first_bad_id}" if error.result.first_bad_id else ""
        click.echo(f"No checkpoint taken: audit trail TAMPERED{where}: {error.result.problem}. "
                   "Run `qms audit-verify`.", err=True)
        return False
    session.rollback()  # it only read
    click.echo(f"Audit checkpoint: {checkpoint.count} entries, head {checkpoint.head_id} ({checkpoint.at}).")
    return True


@qms_cli.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has users.")
def demo(if_empty: bool):
    """Load the demo company (Schoonmaakbedrijf De Glans B.V.) and print the demo logins."""
    from sqlalchemy import func, select

    from .audit.services import set_actor
    from .auth.models import User
    from .demo import logins
    from .demo.company import DemoError, load_demo
    from .extensions import db
    from .organisation.models import Company

    users = db.session.scalar(select(func.count()).select_from(User)) or 0
    companies = db.session.scalar(select(func.count()).select_from(Company)) or 0
    if users or companies:
        if not if_empty:
            click.echo(f"The database is not empty ({users} users, {companies} companies); the demo company is "
                       "only loaded into an empty database.", err=True)
            _echo_demo_logins()
            raise SystemExit(1)
        click.echo(f"The database is not empty ({users} users, {companies} companies): demo data not loaded.")
        _echo_demo_logins()
        return

    password = logins.password_from_environment()
    generated = password is None
    if generated:
        password = logins.generate_password()
    set_actor(None, "demo")
    try:
        load_demo(db.session, password)
    except DemoError as error:
        db.session.rollback()
        raise click.ClickException(f"{error} (check {logins.ENV_VAR})") from None
    db.session.commit()
    if generated:
        logins.write_password_file(logins.password_file(), password)
    click.echo("Demo company loaded: Schoonmaakbedrijf De Glans B.V.")
    _echo_demo_logins()


def _echo_demo_logins() -> None:
    """Print the demo logins with the password, or where it is to be found."""
    from .demo import logins
    from .extensions import db

    found = logins.existing_logins(db.session)
    password = where = None
    if found:
        if logins.password_from_environment():
            where = f"the value of {logins.ENV_VAR}"
        else:
            password = logins.read_password_file(logins.password_file())
            if password is None:
                where = f"unknown ({logins.password_file()} is missing; reset it in the user administration)"
    for line in logins.login_lines(found, password, where):
        click.echo(line)


@qms_cli.command("seed")
@click.option("--scale", type=click.IntRange(1, 1000), default=1, show_default=True,
              help="1 is small; 100 gives several thousand people and a heavy audit trail.")
@click.option("--force", is_flag=True, help="Add the data even when the database already holds data.")
def seed(scale: int, force: bool):
    """Fill the database with benchmark-size fictional data (employees, users, years of audit history)."""
    from .audit.services import set_actor
    from .demo.seed import existing_data, seed as seed_data
    from .extensions import db

    present = existing_data(db.session)
    if any(present.values()) and not force:
        counts = ", ".join(f"{n} {name}" for name, n in present.items())
        click.echo(f"The database already holds data ({counts}); seeding adds thousands of fictional records. "
                   "Use --force to add them anyway.", err=True)
        raise SystemExit(1)
    set_actor(None, "seed")
    result = seed_data(db.session, scale,
                       progress=lambda length: click.progressbar(length=length, label=f"Seeding scale {scale}"))
    db.session.commit()
    click.echo(f"Seeded {result.employees} employees, {result.users} users, {result.departments} departments, "
               f"{result.sites} sites and {result.audit_entries} audit entries.")


@qms_cli.command("reminders")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Run as if it were this date (YYYY-MM-DD); default today.")
def reminders(today):
    """Send the reminders that are due (in the app and by e-mail), each once, and sweep orphan upload files;
    run daily from cron."""
    from .audit.services import set_actor
    from .auth.services import prune_login_attempts
    from .extensions import db
    from .notifications.services import run_reminders

    set_actor(None, "reminders")
    made = run_reminders(today.date() if today else None)
    db.session.commit()
    click.echo(f"{made} reminders sent.")
    pruned = prune_login_attempts()
    db.session.commit()
    click.echo(f"{pruned} old login attempts removed.")
    from .auth.sessions import prune as prune_sessions

    pruned = prune_sessions()
    db.session.commit()
    click.echo(f"{pruned} ended sessions removed.")
    from .core.changes import prune as prune_changes

    pruned = prune_changes()
    db.session.commit()
    click.echo(f"{pruned} old table-change rows removed.")
    _sweep_uploads()
    if not _checkpoint(db.session):
        raise SystemExit(1)


@qms_cli.command("sessions-end-all")
def sessions_end_all():
    """Log every user out on every device (for instance after a suspected break-in); each end is audited."""
    from .audit.services import set_actor
    from .auth.sessions import end_everyone
    from .extensions import db

    set_actor(None, "sessions-end-all")
    count = end_everyone()
    db.session.commit()
    click.echo(f"{count} sessions ended.")


@qms_cli.command("uploads-sweep")
def uploads_sweep():
    """Remove upload files that no record owns and that are older than an hour (interrupted uploads)."""
    _sweep_uploads()


def _sweep_uploads() -> None:
    from .extensions import db
    from .uploads.services import sweep

    result = sweep()
    db.session.rollback()
    click.echo(f"Upload folder swept: {result.removed} orphan files removed, {result.renamed} renamed, "
               f"{result.kept} kept.")


@qms_cli.command("worker")
@click.option("--workers", type=click.IntRange(1, 16), default=1, show_default=True,
              help="Jobs run at the same time (threads).")
def worker(workers: int):
    """Run the job worker: builds dossiers, reads payroll files and every other queued job until stopped."""
    import logging

    from flask import current_app

    from . import jobs

    app = current_app._get_current_object()
    try:
        consumer = jobs.consumer(app, workers)
    except RuntimeError as error:
        raise click.ClickException(str(error)) from None
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    where = app.config["REDIS_URL"] and "Redis" or app.config["JOBS_DATABASE"]
    click.echo(f"Job worker started ({workers} thread(s), queue {jobs.huey_of(app).name} in {where}).")
    consumer.run()


from .catalogue.cli import catalogue_cli  # noqa: E402

qms_cli.add_command(catalogue_cli)
