"""Household import: the report (counts and row errors) and its .xlsx form."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from zhenxing.lib.tabular import RowErrors

from .read import HEADERS


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


@dataclass
class ImportReport:
    committed: bool = False
    households: Counts = field(default_factory=Counts)
    members: Counts = field(default_factory=Counts)
    problems: RowErrors = field(default_factory=RowErrors)
    rows: int = 0
    skipped_households: int = 0
    household_ids: list[int] = field(default_factory=list)
    # Read through a column mapping: template header -> the source file's own header, so that an
    # error names the column the user sees in their file.
    source_columns: dict[str, str] = field(default_factory=dict)
    cases_imported: int = 0  # monitored households' cases opened from the same file (monitoring)

    def _named(self, errors: list[dict]) -> list[dict]:
        if not self.source_columns:
            return errors
        return [{**e, "column": self.source_columns.get(e["column"], e["column"])} for e in errors]

    @property
    def errors(self) -> list[dict]:
        """Every row error as {"row", "column", "message"}, in the order found."""
        return self._named(self.problems.dicts())

    def error(self, row: int | None, column: str, message: str) -> None:
        self.problems.add(row, column, message)

    def as_json(self) -> dict:
        """Exactly the CLI/API report: committed, households, members, errors."""
        return {
            "committed": self.committed,
            "households": self.households.as_dict(),
            "members": self.members.as_dict(),
            "errors": self._named(self.problems.dicts(order=HEADERS)),
        }


def report_xlsx(report: ImportReport, path_or_buffer) -> None:
    """The import report as .xlsx: a summary and every error with row, column and message."""
    from zhenxing.lib.xlsx import Column, Sheet, workbook_bytes

    data = report.as_json()
    summary = Sheet(
        title="农户导入结果",
        name="导入结果",
        subtitle="已提交" if data["committed"] else "未提交（数据库未作任何修改）",
        columns=[Column("项目", 30), "新增", "修改", "未变"],
        rows=[["农户", *data["households"].values()], ["成员", *data["members"].values()]],
    )
    errors = Sheet(
        title="错误清单",
        name="错误清单",
        columns=[Column("行号", 8), Column("列", 16), Column("问题", 80)],
        rows=[[e["row"], e["column"], e["message"]] for e in data["errors"]],
    )
    content = workbook_bytes(summary, errors)
    if hasattr(path_or_buffer, "write"):
        path_or_buffer.write(content)
    else:
        Path(path_or_buffer).write_bytes(content)
