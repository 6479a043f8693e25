"""Household import: the standard template (.xlsx/.xls/.csv) → the registry, atomic and idempotent.

One row per member. Household-level columns are read from the 户主 row; other rows of the same
household may leave them blank but must not contradict them. Every problem is reported with its
file row number, column and a Chinese message. A file with any error changes nothing unless
``only_valid`` is asked for (then the error-free households are imported and the others are left
out). Upsert by 户编号 (households) and ID number (members); re-importing the same file changes
nothing. Writes are set-based: bulk inserts/updates in batches, one set-based recompute, and
set-based audit entries plus one ``import`` event.

The steps live in their own modules: ``read`` (template columns, the file's header row),
``validate`` (cells, rows, households within the file), ``plan`` (against the database) and
``write`` (the set-based commit); ``report`` holds the report and its .xlsx form.
"""

from __future__ import annotations

from collections.abc import Callable

from zhenxing.accounts import scope
from zhenxing.audit import services as audit

from .plan import Plan, plan_build
from .read import (
    BATCH,
    COLUMNS,
    HEADER_ALIASES,
    HEADER_OF,
    HEADERS,
    HOUSEHOLD_FIELDS,
    HOUSEHOLD_KEYS,
    KEY_OF,
    LAYOUT,
    MEMBER_FIELDS,
    MONEY_KEYS,
    Unreadable,
    normalise_header,
    read_table,
)
from .report import Counts, ImportReport, report_xlsx
from .validate import (
    CHOICE_LABELS,
    CHOICES,
    NO,
    YES,
    CellError,
    Households,
    Row,
    households_check,
    parse_bool,
    parse_choice,
    parse_id,
    parse_money,
    parse_number,
    parse_phone,
    parse_row,
    parse_year,
    rows_parse,
)
from .write import plan_write

__all__ = [
    "BATCH",
    "CHOICES",
    "CHOICE_LABELS",
    "COLUMNS",
    "HEADERS",
    "HEADER_ALIASES",
    "HEADER_OF",
    "HOUSEHOLD_FIELDS",
    "HOUSEHOLD_KEYS",
    "KEY_OF",
    "LAYOUT",
    "MEMBER_FIELDS",
    "MONEY_KEYS",
    "NO",
    "YES",
    "CellError",
    "Counts",
    "Households",
    "ImportReport",
    "Plan",
    "Row",
    "Unreadable",
    "households_check",
    "normalise_header",
    "parse_bool",
    "parse_choice",
    "parse_id",
    "parse_money",
    "parse_number",
    "parse_phone",
    "parse_row",
    "parse_year",
    "plan_build",
    "plan_write",
    "read_table",
    "report_xlsx",
    "rows_parse",
    "run_import",
]


def run_import(
    data: bytes,
    *,
    filename: str = "",
    actor=None,
    dry_run: bool = False,
    only_valid: bool = False,
    request=None,
    progress: Callable[[str, int, int], None] | None = None,
) -> ImportReport:
    """Validate and (unless ``dry_run`` or errors without ``only_valid``) commit. Raises Unreadable,
    and PermissionDenied for an account that may not import (each row's village is checked too)."""
    scope.require_write(actor, None, "registry.household.import")
    progress = progress or (lambda stage, done, total: None)
    report = ImportReport()
    table = read_table(data, filename)
    missing = table.missing(HEADERS)
    if missing:
        for h in missing:
            report.error(table.header_row, h, f"缺少“{h}”列，请使用标准模板")
        return report

    rows, bad = rows_parse(table, report, progress)
    if report.problems.stopped:  # too many errors to go on: nothing is written, even with only_valid
        return report
    households = households_check(rows, bad, report, actor)
    plan = plan_build(households, rows, bad, report, actor, progress)

    if dry_run or (report.problems and not only_valid) or not plan.good:
        return report
    if plan.empty:
        report.committed = True  # nothing differs: re-importing the same file is a no-op
        audit.event_log(
            action="import",
            actor=actor,
            request=request,
            extra={"file": filename, **report.as_json(), "errors": report.errors[:100]},
        )
        return report
    plan_write(plan, report=report, actor=actor, request=request, filename=filename, progress=progress)
    return report
