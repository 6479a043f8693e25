"""Imports of a village's member applications, journal entries and contracts (.xlsx/.xls/.csv,
read by lib.tabular). All or nothing: any row error (named by row and column, in Chinese) leaves
the books untouched; the whole file is written in one transaction otherwise."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from zhenxing.accounts import scope
from zhenxing.audit.context import acting
from zhenxing.audit.services import event_log
from zhenxing.lib.tabular import CellError, Layout, RowErrors, Unreadable, cell_code, cell_date, cell_number, cell_text

from . import books, services
from .models import AwardMethod, Category, Organisation


@dataclass(frozen=True)
class Kind:
    label: str
    layout: Layout
    required: tuple[str, ...]
    apply: Callable  # (actor, organisation, row values) -> None; raises ValidationError / CellError


def _required(values: dict, column: str) -> str:
    text = cell_text(values.get(column))
    if not text:
        raise CellError("不能为空")
    return text


def _date(values: dict, column: str):
    d = cell_date(values.get(column))
    if d is None:
        raise CellError("须填写日期（如 2026-12-01）")
    return d


def _number(values: dict, column: str):
    n = cell_number(values.get(column))
    if n is None:
        raise CellError("须填写数字")
    return n


def _member(actor, org: Organisation, v: dict, cell) -> None:
    services.member_apply(
        actor=actor,
        organisation=org,
        id_number=cell("身份证号", lambda v, c: cell_code(v.get(c), what="身份证号")),
        applied_on=cell("申请日期", _date),
        labour_years=int(cell("劳龄", lambda v, c: cell_number(v.get(c)) or 0)),
    )


CATEGORY_BY_LABEL = {str(label): value for value, label in Category.choices}
AWARD_BY_LABEL = {str(label): value for value, label in AwardMethod.choices}


def _choice(mapping: dict[str, str], what: str):
    def read(values: dict, column: str) -> str:
        text = cell_text(values.get(column))
        if text in mapping.values():
            return text
        if text not in mapping:
            raise CellError(f"{what}须为：{'、'.join(mapping)}")
        return mapping[text]

    return read


def _journal(actor, org: Organisation, v: dict, cell) -> None:
    books.journal_add(
        actor=actor,
        organisation=org,
        date=cell("日期", _date),
        category=cell("类别", _choice(CATEGORY_BY_LABEL, "类别")),
        amount=cell("金额", _number),
        summary=cell("摘要", _required),
        voucher=cell_text(v.get("凭证号")),
        account=cell_text(v.get("账户")) or "银行存款",
    )


def _contract(actor, org: Organisation, v: dict, cell) -> None:
    books.contract_add(
        actor=actor,
        organisation=org,
        code=cell("合同编号", _required),
        party=cell("承包方", _required),
        subject=cell("标的", _required),
        start=cell("起始日期", _date),
        end=cell("终止日期", _date),
        annual_price=cell("年租金", _number),
        award_method=cell("发包方式", _choice(AWARD_BY_LABEL, "发包方式")),
        meeting_record=cell_text(v.get("决策记录")),
        written=cell_text(v.get("书面合同")) != "无",
    )


KINDS = {
    "members": Kind(
        "成员申请",
        Layout(["身份证号", "申请日期", "劳龄"], aliases={"公民身份号码": "身份证号", "劳龄年数": "劳龄"}),
        ("身份证号", "申请日期"),
        _member,
    ),
    "journal": Kind(
        "收支日记账",
        Layout(["日期", "凭证号", "账户", "类别", "金额", "摘要"], aliases={"收支类别": "类别", "金额元": "金额"}),
        ("日期", "类别", "金额", "摘要"),
        _journal,
    ),
    "contracts": Kind(
        "合同",
        Layout(
            ["合同编号", "承包方", "标的", "起始日期", "终止日期", "年租金", "发包方式", "决策记录", "书面合同"],
            aliases={"承租方": "承包方", "年承包费": "年租金"},
        ),
        ("合同编号", "承包方", "标的", "起始日期", "终止日期", "年租金", "发包方式"),
        _contract,
    ),
}


class _Rollback(Exception):
    pass


def collective_import(*, actor, organisation: Organisation, kind: str, data: bytes, filename: str = "") -> dict:
    """Import one file; returns {"created": n, "errors": [row errors]}; nothing is written when any
    row fails. Raises Unreadable for a file without the template's header."""
    scope.require_write(actor, organisation, "collective.books.keep")
    spec = KINDS[kind]
    from zhenxing.lib.tabular import read_table

    table = read_table(data, spec.layout, filename=filename, required=spec.required)
    errors = RowErrors(limit=500)
    created = 0
    try:
        with transaction.atomic(), acting(actor):
            for row_no, values in table.records():

                def cell(column, reader, _row=row_no, _values=values):
                    try:
                        return reader(_values, column)
                    except CellError as exc:
                        raise _CellAt(column, str(exc)) from None

                try:
                    with transaction.atomic():
                        spec.apply(actor, organisation, values, cell)
                    created += 1
                except _CellAt as exc:
                    errors.add(row_no, exc.column, exc.message)
                except ValidationError as exc:
                    for field, messages in (
                        exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
                    ).items():
                        for m in messages:
                            errors.add(row_no, spec.layout.headers[0] if field == "__all__" else field, m)
                except PermissionDenied as exc:
                    errors.add(row_no, "", str(exc))
            if errors:
                raise _Rollback
            event_log(
                action="import",
                actor=actor,
                obj=organisation,
                extra={"kind": f"collective.{kind}", "rows": created, "file": filename},
            )
    except _Rollback:
        return {"created": 0, "errors": errors.dicts(), "more": errors.more}
    return {"created": created, "errors": [], "more": 0}


class _CellAt(Exception):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column, self.message = column, message


__all__ = ["KINDS", "Unreadable", "collective_import"]
