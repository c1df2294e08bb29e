"""The generated OpenAPI document, at a stable address: /api/v1/openapi.json."""
from flask import Blueprint, jsonify

from ..permissions import public
from . import PREFIX, state

bp = Blueprint("api_docs", __name__)


@bp.route(PREFIX + "/openapi.json")
@public
def openapi():
    return jsonify(state().api.spec.to_dict())
