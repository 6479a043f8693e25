"""API of the village ledgers (mounted under /api/v1/). Every read goes through the data scope.

One ``router`` (mounted by lib/modules.py); each module adds its section's operations to it, in
the order imported here (the order of the paths).
"""

from .common import router

# isort: off
from . import summary, employment, pairing, cadres, points, lists  # noqa: F401, E402
# isort: on

__all__ = ["router"]
