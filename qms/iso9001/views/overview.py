"""The ISO 9001 overview page and the status report PDF."""
from flask import Response

from ...norms import registry
from ...permissions import requires
from ..services import figures
from . import bp, page


@bp.route("/")
@requires("iso9001.view")
def index():
    kpis = [(k.label(), k.compute()) for _norm, k in registry().kpis("iso9001")]
    evidence = figures.evidence("2015")
    return page("index.html", kpis=kpis, evidence=evidence)


@bp.route("/report.pdf")
@requires("iso9001.view")
def report():
    from ..pdf import status_report

    data = status_report()
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": "inline; filename=iso9001-status.pdf"})
