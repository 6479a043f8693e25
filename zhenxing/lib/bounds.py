"""Bounds for every input of the JSON API, in one place (issue 20: no 500 from any input).

``bound_models(models, columns)`` rewrites the fields of pydantic models (ninja's parameter and
body models, and the schemas nested in them) so that each value fits where it goes before any
service sees it:

- text: no NUL character (PostgreSQL cannot store one), at most the longest ``max_length`` of the
  database columns of that name (``Columns.text``), else ``TEXT_MAX`` (base64 photos: the body cap);
- integers: within the database range of the columns of that name (``Columns.integer``), else
  within a 32-bit integer; a year (``year``, ``*_year``) within ``YEAR_MIN``..``YEAR_MAX``;
  months 1..12;
- decimals: finite, and fewer integer digits than the narrowest column of that name allows
  (``Columns.decimal``: 10¹⁷ yuan into a 14-digit column is refused, not stored by SQLite and
  then unreadable), else below ``DECIMAL_MAX``; floats finite and within the same bound;
- dates and date-times: within ``YEAR_MIN - 49``..``YEAR_MAX``;
- lists at most ``LIST_MAX`` items;
- ``refuse_null``: the optional fields of a partial update (PATCH) whose columns are all NOT NULL
  may be left out but not sent as null.

The bounds are ordinary pydantic constraints, so the OpenAPI document shows them (minimum,
maximum, maxLength) and a refusal is the API's one 422 with Chinese messages. lib/ imports no
app: zhenxing/api.py collects ``Columns`` from the models and calls this once at start-up.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Annotated, Union

from pydantic import AfterValidator, BaseModel, Field
from pydantic_core import PydanticCustomError

YEAR_MIN, YEAR_MAX = 1949, 2100
DATE_MIN, DATE_MAX = dt.date(YEAR_MIN - 49, 1, 1), dt.date(YEAR_MAX, 12, 31)
INT_MIN, INT_MAX = -(2**31), 2**31 - 1
TEXT_MAX = 10_000
# Base64 content inside JSON (the field app's photos): as long as a request body may be
# (DATA_UPLOAD_MAX_MEMORY_SIZE, 20 MB); the services check the decoded files.
ENCODED_NAMES = ("photo", "photos", "content_base64")
ENCODED_MAX = 20 * 1024 * 1024
DECIMAL_DIGITS = 12  # integer digits of a decimal whose name no column has (a 14,2 column's)
LIST_MAX = 5_000
# Names ending in _year that count something rather than name a year.
NOT_YEARS = ("last_year", "this_year", "per_year", "years")


@dataclass
class Columns:
    """What the database columns of each field name allow (the loosest column for text and
    integers, the narrowest for decimals), and which names are NOT NULL in every model."""

    text: dict[str, int] = field(default_factory=dict)  # name → longest max_length (0: unbounded text)
    integer: dict[str, tuple[int, int]] = field(default_factory=dict)  # name → (min, max)
    decimal: dict[str, tuple[int, int]] = field(default_factory=dict)  # name → (max_digits, places)
    not_null: set[str] = field(default_factory=set)


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise PydanticCustomError("nul_character", "不能含有空字符（\\0）")
    return value


def _date_in_range(value):
    day = value.date() if isinstance(value, dt.datetime) else value
    if not DATE_MIN <= day <= DATE_MAX:
        raise PydanticCustomError(
            "date_out_of_range", "须在 {low} 至 {high} 之间", {"low": str(DATE_MIN), "high": str(DATE_MAX)}
        )
    return value


def _not_null(value):
    if value is None:
        raise PydanticCustomError("null_refused", "不能为空（不修改请不传此项）")
    return value


def _is_year(name: str) -> bool:
    return name == "year" or (name.endswith("_year") and not name.endswith(NOT_YEARS))


def _bounded(tp, name: str, columns: Columns):
    """``tp`` with the bounds of a field called ``name``; unions and lists are walked."""
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        return Union[tuple(_bounded(a, name, columns) for a in typing.get_args(tp))]  # noqa: UP007
    if origin in (list, set, frozenset) and len(typing.get_args(tp)) == 1:
        return Annotated[origin[_bounded(typing.get_args(tp)[0], name, columns)], Field(max_length=LIST_MAX)]
    if origin is typing.Annotated:
        base, *meta = typing.get_args(tp)
        return Annotated[(_bounded(base, name, columns), *meta)]
    if tp is bool or not isinstance(tp, type):
        return tp
    if issubclass(tp, str):
        longest = ENCODED_MAX if name in ENCODED_NAMES else columns.text.get(name) or TEXT_MAX
        return Annotated[tp, Field(max_length=longest), AfterValidator(_no_nul)]
    if issubclass(tp, int):
        if _is_year(name):
            low, high = YEAR_MIN, YEAR_MAX
        elif name == "month":
            low, high = 1, 12
        else:
            low, high = columns.integer.get(name, (INT_MIN, INT_MAX))
        return Annotated[tp, Field(ge=low, le=high)]
    if issubclass(tp, Decimal | float):
        digits, places = columns.decimal.get(name, (DECIMAL_DIGITS + 2, 2))
        high = Decimal(10) ** (digits - places) - Decimal(1).scaleb(-places)
        if issubclass(tp, float):
            return Annotated[tp, Field(ge=-float(high), le=float(high), allow_inf_nan=False)]
        return Annotated[tp, Field(ge=-high, le=high, allow_inf_nan=False)]
    if issubclass(tp, dt.date):  # and datetime
        return Annotated[tp, AfterValidator(_date_in_range)]
    return tp


def _nested(tp) -> list[type[BaseModel]]:
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return [tp]
    return [m for arg in typing.get_args(tp) for m in _nested(arg)]


def _text(tp) -> bool:
    if typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    return isinstance(tp, type) and issubclass(tp, str)


def _optional(tp) -> bool:
    return typing.get_origin(tp) in (Union, types.UnionType) and type(None) in typing.get_args(tp)


def bound_models(
    models,
    columns: Columns,
    *,
    refuse_null: set[type[BaseModel]] = frozenset(),
    refuse_empty: set[type[BaseModel]] = frozenset(),
) -> int:
    """Bound every field of ``models`` and of the models nested in them (each once, inner models
    first, so an outer model's validator is rebuilt from the bounded inner one). In the models of
    ``refuse_null`` an optional field of a NOT NULL column may be left out but not sent as null; in
    those of ``refuse_empty`` (query and path parameters) a required text may not be empty.
    Returns how many models were rebuilt."""
    order: list[type[BaseModel]] = []
    seen: set[type[BaseModel]] = set()

    def visit(model: type[BaseModel]) -> None:
        if model in seen or model.__dict__.get("__zx_bounded__"):
            return
        seen.add(model)
        for f in model.model_fields.values():
            for inner in _nested(f.annotation):
                visit(inner)
        order.append(model)

    for model in models:
        visit(model)
    for model in order:
        for name, f in model.model_fields.items():
            f.annotation = _bounded(f.annotation, f.alias or name, columns)
            if model in refuse_null and name in columns.not_null and _optional(f.annotation):
                f.metadata.append(AfterValidator(_not_null))
            if model in refuse_empty and f.is_required() and f.annotation is not None:
                if _text(f.annotation):
                    f.metadata.append(Field(min_length=1))
        model.__zx_bounded__ = True
        model.model_rebuild(force=True)
    return len(order)
