"""VCA norm module: VGM Checklist Aannemers 2017/6.0, with 2008/5.1 kept for history."""
from qms.norms import Norm

norm = Norm(
    code="vca",
    title_nl="VCA",
    title_en="VCA",
    package=__name__,
    default_version="2017-6.0",
)
