"""The row loop of the small record imports (collective books, village records): each row of a
``tabular.Table`` applied in its own savepoint, every problem collected as a row error named by the
source file's column (``Table.source_name``), nothing kept by the caller when any row fails.

``apply(row_no, values, cell)`` writes one row; ``cell(column, reader)`` reads a column through a
parser ``reader(values, column)`` and turns its ``CellError`` into an error of that column. A
service's ``ValidationError`` is named by ``field_columns`` (its field → the column it came from),
else ``default_column``; a ``PermissionDenied`` by ``refusal_column``.

Imports no app of the project."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from .tabular import CellError, RowErrors, Table


class CellAt(Exception):
    """A problem of one column raised while applying a row (a column the parser cannot name itself)."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column, self.message = column, message


def records_apply(
    table: Table,
    apply: Callable,
    *,
    field_columns: Mapping[str, str],
    default_column: str,
    refusal_column: str = "",
    limit: int = 500,
) -> tuple[int, RowErrors]:
    """Apply every row; returns (rows applied, the row errors). The caller owns the transaction
    and rolls it back when there are errors."""
    errors = RowErrors(limit=limit)
    done = 0
    for row_no, values in table.records():

        def cell(column, reader, _values=values):
            try:
                return reader(_values, column)
            except CellError as exc:
                raise CellAt(column, str(exc)) from None

        try:
            with transaction.atomic():
                apply(row_no, values, cell)
            done += 1
        except CellAt as exc:
            errors.add(row_no, table.source_name(exc.column), exc.message)
        except ValidationError as exc:
            found = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
            for field, messages in found.items():
                column = table.source_name(field_columns.get(field, default_column))
                for message in messages:
                    errors.add(row_no, column, message)
        except PermissionDenied as exc:
            errors.add(row_no, refusal_column, str(exc))
    return done, errors
