"""PSO norm module: Prestatieladder Socialer Ondernemen (PSO handleiding in force).

The register of target-group employees (HR/PSO officer only), the score calculation (``scoring.py``, pure),
versioned reference data (``reference/<version>.toml``), measurements, forecast and the dossier PDF. Plugs
into the core through the Norm hooks below; the core never imports this package.
"""
from qms.norms import Norm

from . import hooks
from .views import bp

norm = Norm(
    code="pso",
    title_nl="PSO (Prestatieladder Socialer Ondernemen)",
    title_en="PSO (Social Enterprise Performance Ladder)",
    package=__name__,
    short="PSO",
    default_version="1.9",
    blueprint=bp,
    demo_steps=[hooks.demo_step],
    setup=hooks.setup,
)
