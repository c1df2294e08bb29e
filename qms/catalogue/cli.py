"""``flask --app wsgi qms catalogue import|export``: load an official catalogue list, or write one out."""
from __future__ import annotations

import pathlib

import click
from flask.cli import AppGroup

catalogue_cli = AppGroup("catalogue", help="Import or export a norm's catalogue (XLSX or CSV).")


def _min_supplementary(values: tuple[str, ...]) -> dict[str, int]:
    out = {}
    for value in values:
        level, _, number = value.partition("=")
        if not level or not number.isdigit():
            raise click.BadParameter(f"{value!r}: write it as LEVEL=NUMBER (a level code), e.g. level2=4", param_hint="--min")
        out[level] = int(number)
    return out


@catalogue_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=pathlib.Path))
@click.option("--norm", required=True, help="Norm code, as the norm registers it (as in the norm overview).")
@click.option("--version", "version", required=True, help="Version code, e.g. 2026-6.1.")
@click.option("--replaces", default=None, help="The version this one follows, e.g. 2017-6.0.")
@click.option("--title-nl", default=None)
@click.option("--title-en", default=None)
@click.option("--effective", default=None, help="Effective date, YYYY-MM-DD.")
@click.option("--min", "minimums", multiple=True, help="Minimum supplementary per level for a CSV, LEVEL=N.")
@click.option("--dry-run", is_flag=True, help="Check and show the differences; change nothing.")
def import_catalogue(file, norm, version, replaces, title_nl, title_en, effective, minimums, dry_run):
    """Check FILE, show the differences with the version it replaces and put it in use."""
    from ..audit.services import set_actor
    from ..extensions import db
    from . import admin, store

    set_actor(None, "cli")
    overrides = {"replaces": replaces, "title_nl": title_nl, "title_en": title_en, "effective": effective,
                 "min_supplementary": _min_supplementary(minimums)}
    try:
        row = store.stage(norm, version, file.name, file.read_bytes(), None, overrides)
        cat, old, diff = store.preview(row)
        click.echo(f"{norm} {cat.code}: {cat.requirement_count} requirements"
                   + (f", compared with {old.code}" if old else ", a new version"))
        click.echo(f"  added {len(diff.added)}: {' '.join(diff.added)}")
        click.echo(f"  removed {len(diff.removed)}: {' '.join(diff.removed)}")
        click.echo(f"  changed {len(diff.changed)}: {' '.join(diff.changed)}")
        click.echo(f"  markings per level changed {len(diff.applicability)}: "
                   + " ".join(f"{c}/{lv} {a or '-'}>{b or '-'}" for c, lv, a, b in diff.applicability))
        if dry_run:
            db.session.rollback()
            click.echo("dry run: nothing changed")
            return
        store.activate(row)
    except store.ImportRefused as refusal:
        db.session.rollback()
        lines = [admin.refusal_message(refusal)]
        lines += [f"  {e.sheet or 'file'} row {e.row or '-'}: {admin.error_message(e)}" for e in refusal.errors]
        raise click.ClickException("\n".join(lines)) from None
    db.session.commit()
    click.echo(f"version {version} is in use (import {row.revision})")


@catalogue_cli.command("export")
@click.option("--norm", required=True)
@click.option("--version", "version", required=True)
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv"]), default="xlsx", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=pathlib.Path), default=None,
              help="File to write (default: NORM-VERSION.xlsx in the current folder).")
def export_catalogue(norm, version, fmt, output):
    """Write one catalogue version as a spreadsheet (the format the import reads)."""
    from . import admin, store

    try:
        content, name, _mime = store.export(norm, version, fmt)
    except store.ImportRefused as refusal:
        raise click.ClickException(admin.refusal_message(refusal)) from None
    target = output or pathlib.Path(name)
    target.write_bytes(content)
    click.echo(f"wrote {target}")
