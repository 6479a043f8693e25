"""Pages of the ledger: thin -- parse, call a service or selector, render.

One module per section; the views stay importable from ``views`` as before.
"""

from __future__ import annotations

from .accountability import escalation_list, inspection_detail, inspection_list, unit_detail, unit_list
from .assessment import assessment_detail, assessment_export, assessment_list, result_detail
from .base import ADMIN, PAGE
from .notices import notice_list, notice_open
from .rectification import item_detail, item_export, item_list, item_new, type_list
from .tasks import (
    assignment_detail,
    assignment_list,
    home,
    ledger_import,
    load_plan,
    task_detail,
    year,
    year_copy,
    year_export,
    year_print,
)

__all__ = [
    "ADMIN",
    "PAGE",
    "assessment_detail",
    "assessment_export",
    "assessment_list",
    "assignment_detail",
    "assignment_list",
    "escalation_list",
    "home",
    "inspection_detail",
    "inspection_list",
    "item_detail",
    "item_export",
    "item_list",
    "item_new",
    "ledger_import",
    "load_plan",
    "notice_list",
    "notice_open",
    "result_detail",
    "task_detail",
    "type_list",
    "unit_detail",
    "unit_list",
    "year",
    "year_copy",
    "year_export",
    "year_print",
]
