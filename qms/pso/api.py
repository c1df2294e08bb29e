"""REST endpoints of PSO: the score as aggregates, and per person only under a pseudonym and only for HR."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

from qms.api import ApiBlueprint
from qms.api.common import endpoint
from qms.core.dates import today
from qms.norms import registry

from . import services

blp = ApiBlueprint("api_pso", __name__, url_prefix="/pso", description="PSO score (aggregates and pseudonyms)")


class YearArgs(Schema):
    year = fields.Integer(load_default=lambda: today().year, validate=validate.Range(2000, 2100))


class ScoreArgs(YearArgs):
    #: The date of the definitive application: it picks the handbook, as on the PSO page (default today).
    applied_on = fields.Date(load_default=None)


class ScoreSchema(Schema):
    year = fields.Integer(required=True)
    reference_version = fields.String(required=True)
    #: Why the register cannot be calculated (then every figure below is null).
    error = fields.String(allow_none=True)
    total_fte = fields.Float(allow_none=True)
    weighted_target_fte = fields.Float(allow_none=True)
    attributable_fte = fields.Float(allow_none=True)
    direct_pct = fields.Float(allow_none=True)
    indirect_pct = fields.Float(allow_none=True)
    total_pct = fields.Float(allow_none=True)
    level = fields.String(allow_none=True)
    #: The level under the handbook's own rules: "basis" (the base level of handbook 2.1) or as ``level``.
    handbook_level = fields.String(allow_none=True)
    basis_threshold = fields.Float(allow_none=True)
    #: False while the base-level threshold is the shipped, unconfirmed value.
    basis_confirmed = fields.Boolean(allow_none=True)
    below_minimum = fields.Boolean(allow_none=True)
    pso30plus_pct = fields.Float(allow_none=True)
    pso30plus = fields.Boolean(allow_none=True)
    persons = fields.Integer(required=True)


class PseudonymRowSchema(Schema):
    #: A stable pseudonym (keyed hash of the employee id), never a name.
    pseudonym = fields.String(required=True)
    fte = fields.Float(required=True)
    weighted_fte = fields.Float(required=True)
    position_weight = fields.Float(required=True)
    excluded = fields.Boolean(required=True)
    window_end = fields.Date(allow_none=True)


AGGREGATES = ("total_fte", "weighted_target_fte", "attributable_fte", "direct_pct", "indirect_pct", "total_pct",
              "level", "below_minimum", "pso30plus_pct", "pso30plus")


@endpoint(blp, "/score", "pso.view", "pso", ScoreSchema, query=ScoreArgs)
def get_score(args):
    """The PSO score of a peiljaar as computed on the PSO page (under the handbook of the application date):
    totals only, nobody's data."""
    from . import versions

    applied_on = args.get("applied_on") or services.today()
    current = services.score(args["year"], ref=versions.version_for_application(services.references(), applied_on))
    out = {"year": current.year, "reference_version": current.reference.code,
           "error": str(current.error) if current.error else None,
           "persons": len(current.register.input.employees)}
    for name in AGGREGATES:
        out[name] = getattr(current.result, name) if current.result else None
    versioned = versions.apply_rules(current.result, current.reference, applied_on) if current.result else None
    out["handbook_level"] = versioned.level if versioned else None
    out["basis_threshold"] = versioned.basis_threshold if versioned else None
    out["basis_confirmed"] = versioned.basis_confirmed if versioned else None
    return out


@endpoint(blp, "/score/persons", "target_group.view", "pso", PseudonymRowSchema(many=True), query=YearArgs)
def get_score_persons(args):
    """Each person's contribution under a pseudonym (target-group data: HR / PSO officers only)."""
    current = services.score(args["year"])
    if current.result is None:
        return []
    return [{"pseudonym": e.id, "fte": e.fte, "weighted_fte": e.weighted_fte, "position_weight": e.position_weight,
             "excluded": e.excluded, "window_end": e.window_end} for e in current.result.employees]


def register(app) -> None:
    registry(app).add_api(blp, area="pso", label=_l("PSO score"), permissions={"pso.view"})
