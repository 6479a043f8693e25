"""JSON API of the ledger: tasks, assignments and their progress reports, rectification items,
inspections, assessments, notices. Everything is read through the data scope; a line department
sees the tasks where it is lead or responsible.

One ``router`` (mounted by lib/modules.py); each module adds its section's operations to it, in
the order imported here (the order of the paths).
"""

from .common import router

# isort: off
from . import tasks, rectification, inspections, assessment, notices  # noqa: F401, E402
# isort: on

__all__ = ["router"]
