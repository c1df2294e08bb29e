"""``flask --app wsgi qms pso …``: the calculator for payroll scripts and checks (see CALCULATE.md)."""
from __future__ import annotations

import json

import click
from flask.cli import AppGroup

pso_cli = AppGroup("pso", help="PSO: calculate a score from a JSON file.")


@pso_cli.command("calculate")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@click.option("--reference", "version", default=None,
              help="Reference-data version code (default: the version in force today).")
def calculate(file, version: str | None):
    """Read FILE.json (use - for standard input) and print the PSO result as JSON."""
    from .jsonio import parse_input
    from .scoring import CalculationError
    from .scoring import calculate as run
    from .services import reference_in_force, reference_version, today

    try:
        data = json.load(file)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise click.ClickException(f"{file.name}: not valid JSON: {error}") from None
    try:
        inp = parse_input(data)
        ref = reference_version(version) if version else reference_in_force(today())
        if ref is None:
            raise click.ClickException(f"no PSO reference data {'version ' + version if version else 'loaded'}")
        result = run(inp, ref)
    except CalculationError as error:
        raise click.ClickException(f"{file.name}: {error}") from None
    click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))


def register(app) -> None:
    """Hang ``pso`` under the ``qms`` command group."""
    from ..cli import qms_cli

    qms_cli.add_command(pso_cli)
