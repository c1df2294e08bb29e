"""ISO 9001 norm module: ISO 9001:2015 (with Amd 1:2024) as working version, 2008 kept for history."""
from qms.norms import Norm

norm = Norm(
    code="iso9001",
    title_nl="ISO 9001",
    title_en="ISO 9001",
    package=__name__,
    default_version="2015",
)
