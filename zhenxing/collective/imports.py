"""Imports of a village's member applications, journal entries and contracts (.xlsx/.xls/.csv,
read by lib.tabular). All or nothing: any row error (named by row and column, in Chinese) leaves
the books untouched; the whole file is written in one transaction otherwise."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from zhenxing.accounts import scope
from zhenxing.audit.context import acting
from zhenxing.audit.services import event_log
from zhenxing.lib.rowimport import CellAt, records_apply
from zhenxing.lib.tabular import CellError, Layout, Unreadable, cell_code, cell_date, cell_number, cell_text

from . import books, services
from .models import AwardMethod, Category, CollectiveMember, MemberState, Organisation, ShareKind
from .shares import share_set


@dataclass(frozen=True)
class Kind:
    label: str
    layout: Layout
    required: tuple[str, ...]
    apply: Callable  # (actor, organisation, row values, cell, seen) -> None; raises ValidationError / CellError


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


def _member(actor, org: Organisation, v: dict, cell, seen: dict) -> None:
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


def _journal(actor, org: Organisation, v: dict, cell, seen: dict) -> None:
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


def _contract(actor, org: Organisation, v: dict, cell, seen: dict) -> None:
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


def _shares(actor, org: Organisation, v: dict, cell, seen: dict) -> None:
    """股权登记簿: a confirmed member's 人口股 / 劳龄股 (blank: left as is) and 股权证号, set to the
    register's figures (``shares.share_set``); the same file twice changes nothing."""
    number = cell("身份证号", lambda v, c: cell_code(v.get(c), what="身份证号"))
    try:
        person = services.registry_member(org, number)
    except ValidationError as exc:
        raise CellAt("身份证号", exc.message_dict["id_number"][0]) from None
    if person.id_hash in seen:
        raise CellAt("身份证号", f"与第{seen[person.id_hash]}行重复")
    seen[person.id_hash] = v.get("__row__")
    member = CollectiveMember.objects.filter(
        organisation=org, id_hash=person.id_hash, state=MemberState.CONFIRMED
    ).first()
    if member is None:
        raise CellAt("身份证号", "此人不是本组织已确认身份的成员（请先办理成员身份确认）")
    figures = {}
    for kind, column in ((ShareKind.POPULATION, "人口股"), (ShareKind.LABOUR, "劳龄股")):
        if cell_text(v.get(column)):
            figures[kind] = cell(column, _shares_figure)
    certificate = cell_text(v.get("股权证号"))
    if not figures and not certificate:
        raise CellAt("人口股", "人口股、劳龄股、股权证号至少填写一项")
    date = cell("核定日期", _date)
    approval = cell("批准文件", _required)
    try:
        share_set(actor=actor, member=member, figures=figures, approval=approval, date=date)
    except ValidationError as exc:
        column = {ShareKind.POPULATION: "人口股", ShareKind.LABOUR: "劳龄股", "date": "核定日期", "member": "身份证号"}
        field, messages = next(iter(exc.message_dict.items()))
        raise CellAt(column.get(field, "批准文件"), messages[0]) from None
    if certificate and certificate != member.certificate_no:
        if member.certificate_no:
            raise CellAt("股权证号", f"该成员已有股权证号 {member.certificate_no}")
        try:
            services.certificate_issue(actor=actor, member=member, number=certificate, issued_on=date)
        except ValidationError as exc:
            raise CellAt("股权证号", exc.messages[0]) from None


def _shares_figure(values: dict, column: str) -> Decimal:
    n = cell_number(values.get(column))
    if n is None or n <= 0:
        raise CellError("须为大于0的数（不持有该类股份请留空）")
    d = Decimal(str(n))
    if d != d.quantize(Decimal("0.01")):
        raise CellError("最多两位小数")
    return d


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
    "shares": Kind(
        "股权登记簿（核定股权）",
        Layout(
            ["身份证号", "人口股", "劳龄股", "股权证号", "核定日期", "批准文件"],
            aliases={
                "公民身份号码": "身份证号",
                "人口股数": "人口股",
                "劳龄股数": "劳龄股",
                "批准会议或文件": "批准文件",
            },
        ),
        ("身份证号", "核定日期", "批准文件"),
        _shares,
    ),
}


# A service's field name -> the template's column, so a row error names the column the user sees.
FIELD_COLUMNS = {
    "id_number": "身份证号",
    "applied_on": "申请日期",
    "labour_years": "劳龄",
    "date": "日期",
    "category": "类别",
    "amount": "金额",
    "summary": "摘要",
    "voucher": "凭证号",
    "account": "账户",
    "code": "合同编号",
    "party": "承包方",
    "subject": "标的",
    "start": "起始日期",
    "end": "终止日期",
    "annual_price": "年租金",
    "award_method": "发包方式",
    "meeting_record": "决策记录",
}


class _Rollback(Exception):
    pass


def import_kinds() -> list:
    """What a saved column mapping (the mappings app) can be made for: each import here."""
    from zhenxing.lib.mapping import ImportKind

    return [ImportKind(f"collective.{code}", spec.label, spec.layout) for code, spec in KINDS.items()]


def collective_import(
    *, actor, organisation: Organisation, kind: str, data: bytes, filename: str = "", mapping=None
) -> dict:
    """Import one file; returns {"created": n, "errors": [row errors]}; nothing is written when any
    row fails. Raises Unreadable for a file without the template's header."""
    scope.require_write(actor, organisation, "collective.books.keep")
    spec = KINDS[kind]
    from zhenxing.lib.tabular import read_table

    table = read_table(data, spec.layout, filename=filename, required=spec.required, mapping=mapping)
    seen: dict = {}  # what a kind remembers across rows (the shares register: who came on which row)
    try:
        with transaction.atomic(), acting(actor):
            created, errors = records_apply(
                table,
                lambda row_no, values, cell: spec.apply(actor, organisation, {**values, "__row__": row_no}, cell, seen),
                field_columns=FIELD_COLUMNS,
                default_column=spec.layout.headers[0],
            )
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


__all__ = ["KINDS", "Unreadable", "collective_import"]
