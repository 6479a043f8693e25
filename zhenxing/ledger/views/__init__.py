"""Pages of the ledger: thin -- parse, call a service or selector, render.

One module per section; the views stay importable from ``views`` as before.
"""
from __future__ import annotations

from .base import ADMIN, PAGE
from .tasks import (home, load_plan, year, year_print, year_export, year_copy, ledger_import, task_detail,
                    assignment_list, assignment_detail)
from .rectification import item_list, item_export, item_new, item_detail, type_list
from .accountability import inspection_list, inspection_detail, escalation_list, unit_list, unit_detail
from .assessment import assessment_list, assessment_detail, assessment_export, result_detail
from .notices import notice_list, notice_open

__all__ = [
    "ADMIN", "PAGE", "assessment_detail", "assessment_export", "assessment_list", "assignment_detail",
    "assignment_list", "escalation_list", "home", "inspection_detail", "inspection_list", "item_detail",
    "item_export", "item_list", "item_new", "ledger_import", "load_plan", "notice_list", "notice_open",
    "result_detail", "task_detail", "type_list", "unit_detail", "unit_list", "year", "year_copy", "year_export",
    "year_print",
]
