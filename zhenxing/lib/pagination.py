"""One pagination style for every list of the API: keyset pages by ``after`` + ``limit``.

A list takes ``?after=<cursor>&limit=<n>`` (``limit`` 1–500, default 100; values outside are
brought to the nearest bound). The cursor is the key of the last row of the previous page (an id,
or for the registry's sorted list an opaque string); the next page starts strictly after it, so
pages never overlap and no OFFSET or COUNT is run. When there is a next page the response carries
its cursor in the ``X-Next-Cursor`` header and the whole next address in ``Link: <…>; rel="next"``;
list bodies that are objects carry it in their ``next`` field as well. No header means last page.
A search that goes by POST (``POST /households/search``, the pickers' POST forms) takes the same
``after`` and ``limit`` in its body (its schema extends ``Keyset``) and gets the cursor alone.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Field, Schema

DEFAULT_LIMIT = 100
MAX_LIMIT = 500
NEXT_HEADER = "X-Next-Cursor"
# Older names of the cursor that some lists documented before the contract; a new cursor replaces them.
CURSOR_ALIASES = ("cursor", "before")

T = TypeVar("T")


class Keyset(Schema):
    """The page parameters of every list (``page: Keyset = Query(...)``)."""

    after: str = Field("", description="上一页响应头 X-Next-Cursor 的值；为空时从第一条开始")
    limit: int = Field(DEFAULT_LIMIT, description=f"每页条数，1–{MAX_LIMIT}，默认 {DEFAULT_LIMIT}")


def page_size(page: Keyset) -> int:
    return max(1, min(page.limit, MAX_LIMIT))


def _invalid_cursor() -> ValidationError:
    return ValidationError({"after": ["分页游标无效，请使用上一页返回的 X-Next-Cursor"]})


def announce_next(request: HttpRequest, response: HttpResponse, cursor: str, limit: int) -> None:
    """Put the next page's cursor (if any) in the response headers. A search sent by POST (its words
    kept out of the URL: a whole ID number) pages by posting again with ``after``: it gets the
    cursor alone, no ``Link`` (a GET address would drop the words)."""
    if not cursor:
        return
    if request.method != "GET":
        response[NEXT_HEADER] = cursor
        return
    query = request.GET.copy()
    for alias in CURSOR_ALIASES:
        query.pop(alias, None)
    query["after"] = cursor
    query["limit"] = str(limit)
    response[NEXT_HEADER] = cursor
    response["Link"] = f'<{request.path}?{query.urlencode()}>; rel="next"'


def keyset_page(
    request: HttpRequest,
    response: HttpResponse,
    qs: QuerySet[Any],
    page: Keyset,
    *,
    key: str = "pk",
    desc: bool = False,
    after: str = "",
) -> list[Any]:
    """One page of ``qs`` ordered by the unique column ``key`` (descending when ``desc``), starting
    after ``page.after`` (or ``after``, a documented older name of the cursor)."""
    size = page_size(page)
    cursor = page.after or after
    field = qs.model._meta.pk if key == "pk" else qs.model._meta.get_field(key)
    if cursor:
        try:
            value = field.to_python(cursor)
        except ValidationError:
            raise _invalid_cursor() from None
        qs = qs.filter(**{f"{key}__{'lt' if desc else 'gt'}": value})
    rows = list(qs.order_by(f"-{key}" if desc else key)[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    announce_next(request, response, str(getattr(rows[-1], field.attname)) if more else "", size)
    return rows


def keyset_rows(
    request: HttpRequest, response: HttpResponse, rows: Iterable[T], page: Keyset, *, key: Callable[[T], int | str]
) -> list[T]:
    """The same page over rows computed in memory (grouped figures): ordered by ``key(row)``,
    which is unique per row and an int or a str."""
    ordered = sorted(rows, key=key)
    size = page_size(page)
    if page.after and ordered:
        if isinstance(key(ordered[0]), int):
            try:
                start: int | str = int(page.after)
            except ValueError:
                raise _invalid_cursor() from None
        else:
            start = page.after
        ordered = [r for r in ordered if key(r) > start]  # type: ignore[operator]
    more = len(ordered) > size
    ordered = ordered[:size]
    announce_next(request, response, str(key(ordered[-1])) if more else "", size)
    return ordered


# ---------------------------------------------------------------- pages (HTML lists)
#
# A page of a list shows an exact count up to COUNT_CAP and "超过 COUNT_CAP" beyond, and moves on by
# a keyset cursor over (sort column, id): neither ever reads the whole table.

COUNT_CAP = 1000


def count_capped(qs: QuerySet[Any], cap: int | None = None) -> tuple[int, bool]:
    """(count, capped): counts at most ``cap + 1`` rows (``COUNT_CAP`` by default); capped means
    more than ``cap`` match."""
    cap = COUNT_CAP if cap is None else cap
    n = qs.order_by()[: cap + 1].count()
    return min(n, cap), n > cap


def encode_cursor(value: Any, pk: int) -> str:
    """The opaque cursor of a (sort value, id) keyset."""
    return base64.urlsafe_b64encode(json.dumps([None if value is None else str(value), pk]).encode()).decode()


def decode_cursor(cursor: str) -> tuple[str | None, int] | None:
    """(sort value as text, id), or None when the cursor is not one of ours."""
    try:
        value, pk = json.loads(base64.urlsafe_b64decode(cursor.encode()).decode())
        return value, int(pk)
    except (ValueError, TypeError, json.JSONDecodeError, UnicodeDecodeError):
        return None


def cursor_of(row: Any, order: Sequence[str]) -> str:
    """The cursor that starts a page of ``order`` just after ``row``."""
    key = [str(getattr(row, "pk" if f.lstrip("-") == "pk" else f.lstrip("-"))) for f in order]
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode()


def _cursor_values(qs: QuerySet[Any], order: Sequence[str], cursor: str) -> list[Any] | None:
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor.encode()).decode())
    except (ValueError, TypeError, json.JSONDecodeError, UnicodeDecodeError):
        return None
    if not isinstance(raw, list) or len(raw) != len(order) or not all(isinstance(v, str) for v in raw):
        return None
    meta = qs.model._meta
    try:
        return [
            (meta.pk if f.lstrip("-") == "pk" else meta.get_field(f.lstrip("-"))).to_python(v)
            for f, v in zip(order, raw, strict=True)
        ]
    except ValidationError:
        return None


def keyset_after(qs: QuerySet[Any], *, order: Sequence[str], cursor: str) -> QuerySet[Any]:
    """``qs`` in ``order`` (non-null columns, "-" for descending, the last one unique, usually
    "pk") and, when ``cursor`` is valid, strictly after the row it names. The condition
    ``a >= va AND (a > va OR (a = va AND (b > vb OR ...)))`` is a range scan of an index over the
    same columns in the same directions; a cursor that is not ours starts from the beginning."""
    qs = qs.order_by(*order)
    values = _cursor_values(qs, order, cursor) if cursor else None
    if values is None:
        return qs
    names = [f.lstrip("-") for f in order]
    ops = ["lt" if f.startswith("-") else "gt" for f in order]
    after = Q()
    for i in reversed(range(len(order))):
        step = Q(**{f"{names[i]}__{ops[i]}": values[i]})
        after = step if i == len(order) - 1 else step | (Q(**{names[i]: values[i]}) & after)
    return qs.filter(**{f"{names[0]}__{ops[0]}e": values[0]}).filter(after)


def keyset_slice(
    qs: QuerySet[Any],
    *,
    order: Sequence[str],
    cursor: str = "",
    size: int = 50,
    split: str = "",
    split_values: Sequence[Any] = (),
) -> tuple[list[Any], str]:
    """(rows, next cursor or ""): one page of ``qs`` in ``order`` after ``cursor``; no OFFSET and
    no COUNT. With ``split`` (a column) and a few ``split_values`` (say the villages of a
    township), each value's page is read through the (split, order...) index and the pages are
    merged: a small scope then never walks the whole list's index to find its rows."""
    base = keyset_after(qs, order=order, cursor=cursor)
    if split and split_values:
        # each value's keys only (an index-only read), merged; then the page's rows by id
        names = [f.lstrip("-") for f in order]
        keys: list[tuple[Any, ...]] = []
        for v in split_values:
            keys += list(base.filter(**{split: v}).values_list(*names)[: size + 1])
        for i in reversed(range(len(order))):  # stable sorts, last key first
            keys.sort(key=lambda k, i=i: k[i], reverse=order[i].startswith("-"))
        pk_at = names.index("pk") if "pk" in names else None
        wanted = [k[pk_at] for k in keys[: size + 1]] if pk_at is not None else None
        if wanted is None:
            raise ValueError("split pages need the primary key in the order")
        by_pk = {r.pk: r for r in qs.filter(pk__in=wanted)}
        rows = [by_pk[pk] for pk in wanted if pk in by_pk]
    else:
        rows = list(base[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return rows, (cursor_of(rows[-1], order) if more and rows else "")
