"""One pagination style for every list of the API: keyset pages by ``after`` + ``limit``.

A list takes ``?after=<cursor>&limit=<n>`` (``limit`` 1–500, default 100; values outside are
brought to the nearest bound). The cursor is the key of the last row of the previous page (an id,
or for the registry's sorted list an opaque string); the next page starts strictly after it, so
pages never overlap and no OFFSET or COUNT is run. When there is a next page the response carries
its cursor in the ``X-Next-Cursor`` header and the whole next address in ``Link: <…>; rel="next"``;
list bodies that are objects carry it in their ``next`` field as well. No header means last page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
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
    """Put the next page's cursor (if any) in the response headers."""
    if not cursor:
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
