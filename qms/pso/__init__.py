"""PSO norm module: Prestatieladder Socialer Ondernemen (PSO handleiding in force)."""
from qms.norms import Norm

norm = Norm(
    code="pso",
    title_nl="PSO (Prestatieladder Socialer Ondernemen)",
    title_en="PSO (Social Enterprise Performance Ladder)",
    package=__name__,
    default_version="1.9",
)
