"""Imports of projects, allocations, payments and assets (.xlsx, .xls or .csv), with the household
import's contract:

- every problem is reported with its file row number, column and a Chinese message;
- atomic: a file with any error changes nothing; ``dry_run`` checks and reports without writing;
- idempotent: re-importing the same file changes nothing (upsert by natural key: 项目编号;
  县+年度+资金来源+文号; 项目编号+凭证号; 资产编号);
- the CLI exits 0 when everything was imported, 1 when the file had errors, 2 when it could not be
  read at all;
- a title row above the header row, header variants with spaces or full-width brackets, and the
  system's own exports are accepted.

After a payment import that committed, the leakage check runs over the importer's scope.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from zhenxing.accounts import scope
from zhenxing.audit import services as audit
from zhenxing.audit.context import acting, bulk_logged
from zhenxing.lib import tabular
from zhenxing.lib.tabular import CellError, RowErrors
from zhenxing.regions.models import Level

from . import services
from .models import POOL_STATUSES, Allocation, BuildType, FundSource, Payment, Project, ProjectStatus, ProjectType

UnreadableFile = tabular.Unreadable  # the file could not be read at all (exit code 2)
HEADER_ROWS = 5  # the header row is looked for in the first 5 rows


@dataclass
class ImportResult:
    kind: str
    committed: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: RowErrors = field(default_factory=RowErrors)
    leakage: dict | None = None

    @property
    def errors(self) -> list[dict]:
        """Every row error as {"row", "column", "message"}, in the order found."""
        return self.problems.dicts()

    def error(self, row: int, column: str, message: str) -> None:
        self.problems.add(row, column, message)

    def as_dict(self) -> dict:
        out = {
            "committed": self.committed,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": self.errors,
        }
        if self.leakage is not None:
            out["leakage"] = self.leakage
        return out


def text(v) -> str:
    return tabular.cell_text(v)


def required_text(v) -> str:
    s = text(v)
    if not s:
        raise CellError("不能为空")
    return s


def code_cell(v) -> str:
    """A code column (项目编号, 凭证号 …): 12.0 → "12", a number Excel cut to scientific notation refused."""
    s = tabular.cell_code(v)
    if not s:
        raise CellError("不能为空")
    return s


def code_text(v) -> str:
    """A code for looking records up ("" when the cell is unusable; its parser reports why)."""
    try:
        return tabular.cell_code(v)
    except CellError:
        return ""


def _number(v, message: str) -> Decimal | None:
    try:
        return tabular.cell_number(v)
    except CellError:
        raise CellError(message.format(text(v))) from None


def decimal(v, *, required=True) -> Decimal | None:
    d = _number(v, "“{}”不是有效的金额")
    if d is None:
        if required:
            raise CellError("不能为空")
        return None
    try:
        d = d.quantize(Decimal("0.01"))
    except InvalidOperation:
        raise CellError(f"“{text(v)}”不是有效的金额") from None
    if d < 0:
        raise CellError("金额不能为负数")
    return d


def integer(v, *, required=True) -> int | None:
    d = _number(v, "“{}”不是整数")
    if d is None:
        if required:
            raise CellError("不能为空")
        return None
    return int(d)


def date(v, *, required=True) -> dt.date | None:
    d = tabular.cell_date(v)
    if d is None and required:
        raise CellError("不能为空")
    return d


def choice(v, choices, *, required=True) -> str:
    s = text(v)
    if not s and not required:
        return ""
    labels = {str(label): value for value, label in choices}
    values = {value for value, _ in choices}
    if s in labels:
        return labels[s]
    if s in values:
        return s
    raise CellError(f"须为：{'、'.join(labels)}")


# --- the importers ------------------------------------------------------------------------------


@dataclass
class Importer:
    kind: str
    label: str
    headers: list[str]  # every known column, in the template's order
    required: list[str]
    apply: Callable  # (rows: list[(rownum, dict)], result, actor, dry_run) -> None
    write: str = ""  # a write action the importing account needs besides "funds.import.run"


def row_cells(row_no: int, raw: dict, spec: dict, result: ImportResult) -> dict | None:
    """Parse a row by {header: parser}; errors go to the result. None when the row had errors."""
    out, ok = {}, True
    for header, parser in spec.items():
        try:
            out[header] = parser(raw.get(header))
        except CellError as exc:
            result.error(row_no, header, str(exc))
            ok = False
    return out if ok else None


def _region(county_name: str, village_name: str, actor, row_no: int, result: ImportResult):
    from zhenxing.regions.selectors import region_find

    county = region_find(county_name, level=Level.COUNTY).first() if county_name else None
    if county is None:
        result.error(row_no, "县", f"未知的县：{county_name}")
        return None, None
    village = None
    if village_name:
        village = region_find(village_name, within=county, level=Level.VILLAGE).first()
        if village is None:
            result.error(row_no, "村", f"{county_name}下没有村：{village_name}")
            return county, None
    if actor is not None and not scope.region_in_scope(actor, village or county):
        result.error(row_no, "村" if village else "县", "不在您的数据权限范围内")
        return None, None
    return county, village


PROJECT_HEADERS = [
    "项目编号",
    "项目名称",
    "项目类型",
    "建设性质",
    "县",
    "乡镇",
    "村",
    "入库年度",
    "计划开工",
    "计划完工",
    "责任单位",
    "建设任务",
    "概算投资",
    "资金来源",
    "计划受益户数",
    "计划受益人数",
    "绩效目标",
    "利益联结机制",
]
PROJECT_MAP = {
    "项目名称": "name",
    "项目类型": "type",
    "建设性质": "build_type",
    "入库年度": "year",
    "计划开工": "start_planned",
    "计划完工": "end_planned",
    "责任单位": "responsible_unit",
    "建设任务": "tasks",
    "概算投资": "budget",
    "资金来源": "funding_sources",
    "计划受益户数": "planned_households",
    "计划受益人数": "planned_people",
    "绩效目标": "performance_targets",
    "利益联结机制": "benefit_mechanism",
}


def _apply_projects(rows, result: ImportResult, actor) -> None:
    spec = {
        "项目编号": code_cell,
        "项目名称": required_text,
        "项目类型": lambda v: choice(v, ProjectType.choices),
        "建设性质": lambda v: choice(v, BuildType.choices, required=False),
        "县": text,
        "村": text,
        "入库年度": integer,
        "计划开工": lambda v: date(v, required=False),
        "计划完工": lambda v: date(v, required=False),
        "责任单位": text,
        "建设任务": text,
        "概算投资": lambda v: decimal(v, required=False) or Decimal("0"),
        "资金来源": text,
        "计划受益户数": lambda v: integer(v, required=False) or 0,
        "计划受益人数": lambda v: integer(v, required=False) or 0,
        "绩效目标": text,
        "利益联结机制": text,
    }
    seen: dict[str, int] = {}
    existing = {p.code: p for p in Project.objects.filter(code__in=[code_text(r.get("项目编号")) for _, r in rows])}
    for row_no, raw in rows:
        cells = row_cells(row_no, raw, spec, result)
        if cells is None:
            continue
        code = cells["项目编号"]
        if code in seen:
            result.error(row_no, "项目编号", f"与第{seen[code]}行重复")
            continue
        seen[code] = row_no
        county, village = _region(cells["县"], cells["村"], actor, row_no, result)
        if county is None or village is None:
            if county is not None and not cells["村"]:
                result.error(row_no, "村", "项目实施地点须具体到村")
            continue
        fields = {attr: cells[h] for h, attr in PROJECT_MAP.items()}
        p = existing.get(code)
        try:
            with transaction.atomic():
                if p is None:
                    services.project_create(actor=actor, village=village, code=code, **fields)
                    result.created += 1
                    continue
                if actor is not None and not scope.scoped(actor, Project).filter(pk=p.pk).exists():
                    result.error(row_no, "项目编号", f"项目编号 {code} 已被其他地区使用")
                    continue
                changed = {k: v for k, v in fields.items() if getattr(p, k) != v} | (
                    {} if p.village_id == village.pk else {"village": village}
                )
                if not changed:
                    result.unchanged += 1
                    continue
                if p.status not in services.EDITABLE_STATUSES:
                    result.error(row_no, "项目编号", "项目已审定入库，信息已锁定，不能通过导入修改")
                    continue
                village_change = changed.pop("village", None)
                if village_change is not None:
                    p.village, p.county = village_change, services.county_of(village_change)
                services.project_update(actor=actor, project=p, **changed)
                result.updated += 1
        except (ValidationError, PermissionDenied) as exc:
            row_service_error(result, row_no, exc, "项目编号")


def row_service_error(result: ImportResult, row_no: int, exc: Exception, column: str) -> None:
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for _, msgs in exc.message_dict.items():
            for m in msgs:
                result.error(row_no, column, m)
    else:
        result.error(row_no, column, "；".join(getattr(exc, "messages", [str(exc)])))


ALLOCATION_HEADERS = ["县", "年度", "资金来源", "文号", "文件标题", "下达日期", "下达金额"]


def _apply_allocations(rows, result: ImportResult, actor) -> None:
    spec = {
        "县": text,
        "年度": integer,
        "资金来源": lambda v: choice(v, FundSource.choices),
        "文号": required_text,
        "文件标题": text,
        "下达日期": date,
        "下达金额": decimal,
    }
    seen: dict[tuple, int] = {}
    for row_no, raw in rows:
        cells = row_cells(row_no, raw, spec, result)
        if cells is None:
            continue
        county, _ = _region(cells["县"], "", actor, row_no, result)
        if county is None:
            continue
        key = (county.pk, cells["年度"], cells["资金来源"], cells["文号"])
        if key in seen:
            result.error(row_no, "文号", f"与第{seen[key]}行重复")
            continue
        seen[key] = row_no
        if cells["下达金额"] <= 0:
            result.error(row_no, "下达金额", "下达金额须大于0")
            continue
        a = Allocation.objects.filter(
            county=county, year=cells["年度"], source=cells["资金来源"], document_number=cells["文号"]
        ).first()
        try:
            with transaction.atomic():
                if a is None:
                    services.allocation_create(
                        actor=actor,
                        county=county,
                        year=cells["年度"],
                        source=cells["资金来源"],
                        document_number=cells["文号"],
                        amount=cells["下达金额"],
                        issued_on=cells["下达日期"],
                        title=cells["文件标题"],
                    )
                    result.created += 1
                elif (a.amount, a.issued_on, a.title) == (cells["下达金额"], cells["下达日期"], cells["文件标题"]):
                    result.unchanged += 1
                else:
                    if cells["下达金额"] < a.assigned_total:
                        result.error(row_no, "下达金额", f"已安排到项目 {a.assigned_total} 元，下达金额不能低于此数")
                        continue
                    scope.require_write(actor, county, "funds.money.write")
                    with acting(actor):
                        a.amount, a.issued_on, a.title = cells["下达金额"], cells["下达日期"], cells["文件标题"]
                        a.save(update_fields=["amount", "issued_on", "title"])
                    result.updated += 1
        except (ValidationError, PermissionDenied, IntegrityError) as exc:
            row_service_error(result, row_no, exc, "文号")


PAYMENT_HEADERS = ["项目编号", "支付日期", "金额", "收款人", "收款人身份证号", "凭证号"]


def _apply_payments(rows, result: ImportResult, actor) -> None:
    """Set-based: parse and check all rows, then one bulk insert, totals by F() per project and the
    county-month figures once per month. The database still refuses any overpayment."""
    spec = {
        "项目编号": code_cell,
        "支付日期": date,
        "金额": decimal,
        "收款人": required_text,
        "收款人身份证号": text,
        "凭证号": code_cell,
    }
    codes = {code_text(r.get("项目编号")) for _, r in rows}
    visible = scope.scoped(actor, Project) if actor is not None else Project.objects.all()
    projects = {p.code: p for p in visible.filter(code__in=codes)}
    existing = {
        (pid, v): (d, amt, name)
        for pid, v, d, amt, name in Payment.objects.filter(project__in=projects.values()).values_list(
            "project_id", "voucher_number", "date", "amount", "payee_name"
        )
    }
    scope.require_write(actor, None, "funds.money.write")
    new: list[Payment] = []
    adding: dict[int, Decimal] = defaultdict(Decimal)
    seen: dict[tuple, int] = {}
    rownums: dict[int, list[int]] = defaultdict(list)
    for row_no, raw in rows:
        cells = row_cells(row_no, raw, spec, result)
        if cells is None:
            continue
        p = projects.get(cells["项目编号"])
        if p is None:
            result.error(row_no, "项目编号", f"项目 {cells['项目编号']} 不存在或不在您的数据权限范围内")
            continue
        key = (p.pk, cells["凭证号"])
        if key in seen:
            result.error(row_no, "凭证号", f"与第{seen[key]}行重复")
            continue
        seen[key] = row_no
        if cells["金额"] <= 0:
            result.error(row_no, "金额", "支付金额须大于0")
            continue
        if key in existing:
            if existing[key] == (cells["支付日期"], cells["金额"], cells["收款人"]):
                result.unchanged += 1
            else:
                result.error(row_no, "凭证号", "该凭证号已登记且内容不同（支付不能通过导入修改）")
            continue
        if p.status not in POOL_STATUSES or p.status == ProjectStatus.APPROVED:
            result.error(row_no, "项目编号", "只能对已纳入年度计划的项目支付")
            continue
        try:
            id_hash, masked = services.payee_identity(cells["收款人身份证号"])
        except ValidationError as exc:
            result.error(row_no, "收款人身份证号", exc.message_dict["payee_id_number"][0])
            continue
        adding[p.pk] += cells["金额"]
        rownums[p.pk].append(row_no)
        new.append(
            Payment(
                project=p,
                date=cells["支付日期"],
                amount=cells["金额"],
                payee_name=cells["收款人"],
                payee_id_hash=id_hash,
                payee_id_masked=masked,
                voucher_number=cells["凭证号"],
            )
        )
    by_pk = {p.pk: p for p in projects.values()}
    for pk, amount in adding.items():
        p = by_pk[pk]
        if p.paid_total + amount > p.assigned_total:
            result.error(
                rownums[pk][-1],
                "金额",
                f"项目 {p.code} 本次导入支付合计 {amount} 元，超出已安排未支付的 {p.assigned_total - p.paid_total} 元",
            )
    if result.problems or not new:
        return
    try:
        with transaction.atomic(), bulk_logged():
            created = Payment.objects.bulk_create(new, batch_size=5000)
            for pk, amount in adding.items():
                Project.objects.filter(pk=pk).update(paid_total=F("paid_total") + amount)
            services.payments_figures_add(
                created, {pk: p.type for pk, p in by_pk.items()}, {pk: p.county_id for pk, p in by_pk.items()}
            )
            audit.bulk_change_log(
                model=Payment,
                rows=[
                    (
                        pay.pk,
                        str(pay),
                        "create",
                        None,
                        {
                            "project_id": pay.project_id,
                            "date": pay.date,
                            "amount": pay.amount,
                            "payee_name": pay.payee_name,
                            "payee_id_masked": pay.payee_id_masked,
                            "voucher_number": pay.voucher_number,
                        },
                    )
                    for pay in created
                ],
                extra={"import": "payments"},
            )
    except IntegrityError:
        result.error(0, "金额", "数据库拒绝：支付超过已安排资金或凭证号重复（可能有他人同时登记），请重新导入")
        return
    result.created += len(new)


IMPORTERS: dict[str, Importer] = {
    "projects": Importer(
        "projects",
        "项目",
        PROJECT_HEADERS,
        ["项目编号", "项目名称", "项目类型", "县", "村", "入库年度"],
        _apply_projects,
    ),
    "allocations": Importer(
        "allocations",
        "资金下达",
        ALLOCATION_HEADERS,
        ["县", "年度", "资金来源", "文号", "下达日期", "下达金额"],
        _apply_allocations,
    ),
    "payments": Importer(
        "payments",
        "资金支付",
        PAYMENT_HEADERS,
        ["项目编号", "支付日期", "金额", "收款人", "凭证号"],
        _apply_payments,
        write="funds.money.write",
    ),
}


def importer_register(importer: Importer) -> None:
    """Adds the importer of another app (assets registers "assets" when Django loads it), so that
    ``run_import``, the upload API and the template page serve it without funds importing that app."""
    IMPORTERS[importer.kind] = importer


class _Rollback(Exception):
    pass


def import_kinds() -> list:
    """What a saved column mapping (the mappings app) can be made for: every importer here."""
    from zhenxing.lib.mapping import ImportKind

    return [
        ImportKind(f"funds.{imp.kind}", imp.label, tabular.Layout(headers=imp.headers)) for imp in IMPORTERS.values()
    ]


def import_permit(kind: str, actor) -> None:
    """PermissionDenied (its Chinese reason) for an account that may not import ``kind``: asked by
    ``run_import`` and, before the upload is stored, by the API."""
    scope.require_write(actor, None, "funds.import.run")
    if IMPORTERS[kind].write:
        scope.require_write(actor, None, IMPORTERS[kind].write)


def run_import(
    kind: str, data: bytes, *, actor=None, dry_run: bool = False, filename: str = "", mapping=None
) -> ImportResult:
    """Read, check and (when clean and not a dry run) commit a file. Raises UnreadableFile.
    ``mapping``: a column mapping (``lib.mapping.ColumnMapping``) for a file in another layout."""
    imp = IMPORTERS[kind]
    import_permit(kind, actor)
    table = tabular.read_table(
        data,
        tabular.Layout(headers=imp.headers),
        filename=filename,
        required=imp.required,
        at_least=max(2, len(imp.required) // 2),
        within=HEADER_ROWS,
        mapping=mapping,
    )
    result = ImportResult(kind=kind)
    for h in table.missing(imp.required):
        result.error(table.header_row, h, "缺少此列")
    if result.problems:
        return result
    parsed = list(table.records())  # blank rows are skipped
    try:
        with transaction.atomic(), acting(actor):
            imp.apply(parsed, result, actor)
            if result.problems or dry_run:
                raise _Rollback
            result.committed = True
            audit.event_log(
                action="import",
                actor=actor,
                extra={
                    "kind": kind,
                    "file": filename,
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                },
            )
    except _Rollback:
        result.committed = False
        if result.problems:
            result.created = result.updated = 0
    if result.committed and kind == "payments" and result.created:
        from .leakage import leakage_run

        run = leakage_run(
            actor=actor if actor is not None and not actor.is_read_only else None, trigger="payment_import"
        )
        result.leakage = {"found": run.total, "new": run.new}
    return result


def template_bytes(kind: str) -> bytes:
    from zhenxing.lib.xlsx import workbook_bytes

    imp = IMPORTERS[kind]
    return workbook_bytes(title=f"{imp.label}导入模板", columns=imp.headers, rows=[])
