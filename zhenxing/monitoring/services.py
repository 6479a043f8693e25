"""Every write of the monitoring module. Each function takes the acting user (keyword-only),
validates, owns its transaction, and leaves an audit trail. ``case_transition`` is the only way a
case changes state; it does what ``workflow.TRANSITIONS`` says and nothing else."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from zhenxing.accounts import scope
from zhenxing.accounts.models import Role
from zhenxing.audit.context import acting
from zhenxing.audit.writes import audited_update
from zhenxing.lib.errors import StaleVersion, require_current
from zhenxing.registry.models import Household, MonitoringKind

from . import rules, workflow
from .models import (
    RISK_TYPES,
    CaseEvent,
    CaseSource,
    Channel,
    Coping,
    ElimWay,
    Evidence,
    EvidenceKind,
    Helper,
    Measure,
    MeasureStatus,
    MonitoringCase,
    measure_category_code,
)
from .workflow import risk_codes

MAX_FILE_BYTES = 10 * 1024 * 1024
# extension -> (content type, magic prefixes)
FILE_TYPES = {
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "pdf": ("application/pdf", (b"%PDF-",)),
}
KIND_EXTENSIONS = {EvidenceKind.PHOTO: {"jpg", "jpeg", "png"}, EvidenceKind.SCAN: {"jpg", "jpeg", "png", "pdf"}}

# Someone else changed the case since the form was opened (optimistic locking): the one stale-version error.
ConcurrentChange = StaleVersion


def _today() -> dt.date:
    return timezone.localdate()


# Who may write what (scope.require_write checks it, with the read-only account and the data scope).
# A line department raises alerts (screening) but does not open cases itself.
CASE_OPENERS = frozenset(Role) - {Role.DEPARTMENT_STAFF, Role.INSPECTOR}
WRITER_ROLES = {Role.VILLAGE_CADRE, Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF}
WRITE_RULES = scope.write_rules(
    {
        # 批量办理 (审核通过 / 催办) from the case list: the township and county offices
        "monitoring.case.bulk": scope.WriteRule(
            roles=frozenset({Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF}),
            system=False,
            refusal="只有乡镇和县级工作人员可以批量办理监测案件",
        ),
        "monitoring.case.create": scope.WriteRule(
            roles=CASE_OPENERS, refusal="行业部门账户不能新建监测案件，请通过部门预警推送"
        ),
        "monitoring.case.transition": scope.WriteRule(system=False),
        "monitoring.case.help": scope.WriteRule(
            roles=frozenset(WRITER_ROLES), system=False, refusal="只有村、乡镇、县级工作人员可以登记帮扶信息"
        ),
        "monitoring.helper.create": scope.WriteRule(
            roles=frozenset(WRITER_ROLES), system=False, refusal="只有村、乡镇、县级工作人员可以登记帮扶责任人"
        ),
        "monitoring.standard.set": scope.WriteRule(
            roles=frozenset({Role.PREFECTURE_ADMIN, Role.SYSTEM_ADMIN}),
            system=False,
            refusal="年度监测标准由地区管理员设置",
        ),
        "monitoring.application.handle": scope.WriteRule(
            roles=frozenset({Role.VILLAGE_CADRE}), system=False, refusal="自主申报由村级受理"
        ),
    }
)

# Who may open a page (scope.page_rules): the views, the menu and the templates ask these.
PAGE_RULES = scope.page_rules(
    {
        "monitoring.list": None,
        "monitoring.discover": scope.PageRule(
            roles=frozenset({Role.VILLAGE_CADRE}), refusal="发现登记由村级办理（入户核实后登记）"
        ),
        "monitoring.applications": {
            Role.VILLAGE_CADRE,
            Role.TOWNSHIP_STAFF,
            Role.COUNTY_STAFF,
            Role.PREFECTURE_ADMIN,
            Role.INSPECTOR,
        },
        "monitoring.postings": None,
        "monitoring.helpers": None,
        # A village cadre reads the year's standard from the case list; the menu lists it for the
        # levels that set or apply it.
        "monitoring.standards": scope.PageRule(menu=frozenset(Role) - {Role.VILLAGE_CADRE}),
    }
)


def _event(
    *,
    case,
    actor,
    transition: str,
    label: str,
    to_state: str = "",
    on: dt.date,
    decision: str = "",
    reason: str = "",
    data: dict | None = None,
) -> CaseEvent:
    """An act on the case that is not a step (opening, helper, measure, visit): the timeline row and
    the audit event, written by the one transition engine."""
    return workflow.MACHINE.record(
        actor=actor,
        obj=case,
        code=transition,
        label=label,
        target=to_state,
        reason=reason,
        on=on,
        decision=decision,
        data=data or {},
    ).history


def _new_number(prefix: str, model, field: str) -> str:
    for _ in range(20):
        number = f"{prefix}{_today():%Y%m%d}{secrets.token_hex(3).upper()}"
        if not model.objects.filter(**{field: number}).exists():
            return number
    raise RuntimeError("无法生成唯一编号")


def _clean_risks(risk_types: Iterable[str]) -> list[str]:
    codes = [str(c).strip() for c in risk_types or [] if str(c).strip()]
    bad = [c for c in codes if c not in RISK_TYPES]
    if bad:
        raise ValidationError({"risk_types": [f"风险类型代码 {', '.join(bad)} 不在国家代码表中"]})
    if len(codes) > rules.MAX_RISK_TYPES or len(set(codes)) != len(codes):
        raise ValidationError({"risk_types": [f"风险类型最多 {rules.MAX_RISK_TYPES} 项且不能重复"]})
    return codes


# --- discovery -------------------------------------------------------------------------------


def case_discover(
    *,
    actor,
    household: Household,
    channel: str,
    risk_types: list[str],
    description: str = "",
    source_ref: str = "",
    discovered_on: dt.date | None = None,
    source_label: str = "",
    source_flags: Iterable[str] = (),
) -> MonitoringCase:
    """Open a monitoring case (发现) for a household. ``actor`` None only for a villager's own
    application from the public page. Raises ValidationError when the household has an open case.
    With ``source_ref`` the signal heads the case's discovery list (``CaseSource``), with the
    三保障/饮水 flags it confirmed (``source_flags``)."""
    scope.require_write(actor, household, "monitoring.case.create")
    if channel not in Channel.values:
        raise ValidationError({"channel": ["发现渠道须为 自主申报、干部排查 或 部门预警"]})
    codes = _clean_risks(risk_types)
    on = discovered_on or _today()
    if on > _today():
        raise ValidationError({"discovered_on": ["发现日期不能晚于今天"]})
    open_case = MonitoringCase.objects.filter(household=household, state__in=workflow.OPEN_STATES).first()
    if open_case is not None:
        raise ValidationError(f"该户已有未办结的监测案件 {open_case.number}（{open_case.state_label}），不能重复登记")
    try:
        with transaction.atomic(), acting(actor):
            case = MonitoringCase.objects.create(
                number=_new_number("JC", MonitoringCase, "number"),
                household=household,
                village=household.village,
                channel=channel,
                source_ref=source_ref,
                description=description,
                state="discovered",
                risk_types=codes,
                risk_codes=risk_codes(codes),
                discovered_on=on,
                step_since=on,
                created_by=actor,
            )
            _event(
                case=case,
                actor=actor,
                transition="discover",
                label="发现登记",
                to_state="discovered",
                on=on,
                decision=str(Channel(channel).label),
                reason=description,
                data={"channel": channel, "source_ref": source_ref, "risk_types": codes},
            )
            if source_ref:
                CaseSource.objects.create(
                    case=case,
                    source_ref=source_ref[:64],
                    actor=actor,
                    added_on=on,
                    label=(source_label or str(Channel(channel).label))[:200],
                    flags=list(source_flags),
                )
    except IntegrityError:
        raise ValidationError("该户已有未办结的监测案件，不能重复登记") from None
    return case


def case_source_attach(
    *, actor, case: MonitoringCase, source_ref: str, label: str, flags: Iterable[str] = (), note: str = ""
) -> CaseSource:
    """A later signal on a household that already has an open case joins the case's discovery list
    (an alert attached instead of a second case): a ``CaseSource`` row and a timeline entry."""
    scope.require_write(actor, case, "monitoring.case.help")
    if not case.is_open:
        raise ValidationError(f"监测案件 {case.number} 已办结，不能并入")
    if not source_ref:
        raise ValidationError("须提供来源编号")
    if CaseSource.objects.filter(case=case, source_ref=source_ref).exists():
        raise ValidationError(f"该来源已并入监测案件 {case.number}")
    on = _today()
    with transaction.atomic(), acting(actor):
        source = CaseSource.objects.create(
            case=case, source_ref=source_ref[:64], label=label[:200], flags=list(flags), added_on=on, actor=actor
        )
        _event(
            case=case,
            actor=actor,
            transition="attach_source",
            label="并入发现来源",
            on=on,
            decision=label[:64],
            reason=note,
            data={"source_ref": source_ref, "flags": list(flags)},
        )
    return source


def case_open_for(household: Household) -> MonitoringCase | None:
    """The household's open monitoring case, if any."""
    return MonitoringCase.objects.filter(household=household, state__in=workflow.OPEN_STATES).first()


# --- the state machine -----------------------------------------------------------------------


def _parse_date(value, label: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError({"date": [f"{label}格式不正确"]}) from None


def _parse_money(value, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ValidationError({field: ["请填写金额（元）"]}) from None
    if amount < 0 or not amount.is_finite():
        raise ValidationError({field: ["金额不能为负数"]})
    return amount.quantize(Decimal("0.01"))


def _normalise(t: workflow.Transition, data: dict) -> dict:
    """Types and presence of the transition's fields; unknown fields are ignored."""
    clean: dict = {}
    errors: dict[str, list[str]] = {}
    for name in (*t.required, *t.optional):
        value = data.get(name)
        if name in {"date", "posting_start"}:
            value = _parse_date(value, str(workflow.FIELD_LABELS[name]))
        elif name in {"income_12m", "spending_12m"}:
            value = _parse_money(value, name)
        elif name in {"authorisation_signed", "fast_track", "accept_warnings"}:
            value = value in (True, "true", "on", "1", 1, "yes")
        elif name in {"risk_types", "resolved_risks"}:
            value = (
                [str(v) for v in (value or [])]
                if isinstance(value, (list, tuple))
                else ([v for v in str(value).split(",") if v] if value else [])
            )
        elif isinstance(value, str):
            value = value.strip()
        if name in t.required and (value is None or value is False or value == "" or value == []):
            errors[name] = [f"请填写“{workflow.FIELD_LABELS[name]}”"]
        clean[name] = value
    if "authorisation_signed" in t.required and not clean.get("authorisation_signed"):
        errors["authorisation_signed"] = ["须有农户签署的授权承诺书（同意查询家庭经济状况）方可核实认定"]
    if clean.get("kind") not in (None, "") and clean["kind"] not in MonitoringKind.values:
        errors["kind"] = ["监测对象类别不正确"]
    if clean.get("coping") not in (None, "") and clean["coping"] not in Coping.values:
        errors["coping"] = ["自身应对能力须为 能够自行应对、仅能部分应对 或 无力应对"]
    if clean.get("elimination_way") not in (None, "") and clean["elimination_way"] not in ElimWay.values:
        errors["elimination_way"] = ["风险消除方式须为帮扶消除或自然消除"]
    if errors:
        raise ValidationError(errors)
    return clean


def transition_check(*, actor, case: MonitoringCase, name: str) -> workflow.Transition:
    """Who may take which step: refuses the wrong state, the wrong level and another region."""
    return workflow.MACHINE.check(actor=actor, obj=case, code=name)


def case_transition(
    *,
    actor,
    case: MonitoringCase,
    name: str,
    version: int,
    data: dict | None = None,
    files: Iterable[tuple[str, object]] = (),
) -> MonitoringCase:
    """Take one step of the procedure. ``version`` is the case version the actor saw: when someone
    else acted in between, ConcurrentChange is raised and nothing is written.
    ``files``: (kind, uploaded file) pairs stored as evidence of this step."""
    require_current(version, case.version, "该案件已被他人办理或修改，请刷新页面查看最新情况后再操作")
    t = transition_check(actor=actor, case=case, name=name)
    clean = _normalise(t, data or {})
    on = clean.get("date") or _today()
    if on > _today():
        raise ValidationError({"date": ["办理日期不能晚于今天"]})
    if on < case.step_since:
        raise ValidationError({"date": [f"办理日期不能早于上一环节日期（{case.step_since:%Y年%m月%d日}）"]})
    # The guards (rules.CHECKS) see the fields this step records (e.g. the kind being verified).
    ctx = rules.Ctx(on=on, standard=rules.standard_for(on.year), actor=actor)
    files = list(files)
    for kind, f in files:
        _check_file(kind, f)
    with transaction.atomic():
        move = workflow.MACHINE.apply(
            actor=actor,
            obj=case,
            code=name,
            reason=clean.get("reason") or "",
            version=version,
            data=clean,
            ctx=ctx,
            on=on,
        )
        with acting(actor):
            for kind, f in files:
                _store_file(case=case, kind=kind, f=f, actor=actor, event=move.history)
    return case


# --- evidence files --------------------------------------------------------------------------


def _check_file(kind: str, f) -> str:
    if kind not in KIND_EXTENSIONS:
        raise ValidationError({"file": ["材料类型须为照片或扫描件"]})
    name = getattr(f, "name", "") or ""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in KIND_EXTENSIONS[kind]:
        allowed = "、".join(sorted(KIND_EXTENSIONS[kind]))
        raise ValidationError({"file": [f"{name}：{EvidenceKind(kind).label}只接受 {allowed} 格式"]})
    if f.size > MAX_FILE_BYTES:
        raise ValidationError({"file": [f"{name}：文件超过 {MAX_FILE_BYTES // 1024 // 1024} MB"]})
    if f.size == 0:
        raise ValidationError({"file": [f"{name}：文件为空"]})
    f.seek(0)
    head = f.read(16)
    f.seek(0)
    content_type, magics = FILE_TYPES[ext]
    if not any(head.startswith(m) for m in magics):
        raise ValidationError({"file": [f"{name}：文件内容与扩展名不符"]})
    return content_type


def _store_file(*, case, kind, f, actor, event=None, visit=None) -> Evidence:
    content_type = _check_file(kind, f)
    ext = f.name.rsplit(".", 1)[-1].lower()
    evidence = Evidence(
        case=case,
        event=event,
        visit=visit,
        kind=kind,
        original_name=f.name[:200],
        content_type=content_type,
        size=f.size,
        uploaded_by=actor,
    )
    evidence.file.save(f"{case.number}-{secrets.token_hex(8)}.{ext}", f, save=False)
    evidence.save()
    return evidence


def evidence_add(*, actor, case: MonitoringCase, kind: str, f) -> Evidence:
    scope.require_write(actor, case, "monitoring.case.help")
    with transaction.atomic(), acting(actor):
        return _store_file(case=case, kind=kind, f=f, actor=actor)


# --- helpers, measures, visits ---------------------------------------------------------------


def _require_help_allowed(case, status: str = MeasureStatus.PLANNED) -> None:
    if not case.is_open:
        raise ValidationError("案件已办结，不能再登记帮扶信息")
    if case.state == "discovered":
        raise ValidationError("请先完成入户核实")
    if case.state in workflow.IDENTIFICATION_STATES and not case.fast_track and status != MeasureStatus.PLANNED:
        raise ValidationError("尚未纳入监测，措施只能登记为“计划”；突发严重困难户可“先帮扶后认定”")


def helper_create(*, actor, village, name: str, unit: str, position: str = "", phone: str = "", user=None) -> Helper:
    scope.require_write(actor, village, "monitoring.helper.create")
    if village.level != "village":
        raise ValidationError({"village": ["帮扶责任人须明确负责的村"]})
    if not name.strip() or not unit.strip():
        raise ValidationError({"name": ["请填写姓名和工作单位"]})
    with transaction.atomic(), acting(actor):
        return Helper.objects.create(
            village=village, name=name.strip(), unit=unit.strip(), position=position, phone=phone, user=user
        )


def case_assign_helper(*, actor, case: MonitoringCase, helper: Helper) -> MonitoringCase:
    scope.require_write(actor, case, "monitoring.case.help")
    _require_help_allowed(case)
    if helper.village_id != case.village_id or not helper.active:
        raise ValidationError({"helper": ["帮扶责任人须为本村在岗的帮扶责任人"]})
    with transaction.atomic(), acting(actor):
        audited_update(MonitoringCase.objects.filter(pk=case.pk), helper=helper, updated_at=timezone.now())
        case.refresh_from_db()
        _event(
            case=case,
            actor=actor,
            transition="assign_helper",
            label="明确帮扶责任人",
            on=_today(),
            decision=str(helper),
            data={"helper": helper.pk},
        )
    return case


def measure_add(
    *,
    actor,
    case: MonitoringCase,
    category: str,
    content: str,
    unit: str,
    person: str,
    start_on: dt.date,
    end_on: dt.date | None = None,
    amount=Decimal("0"),
    status: str = MeasureStatus.PLANNED,
    version: int | None = None,
) -> Measure:
    """``category``: the national code (100A39–100A52); the former English slugs are accepted too.
    ``version`` (the case version a phone's form was based on): when given and no longer current,
    nothing is written (StaleVersion, 409)."""
    scope.require_write(actor, case, "monitoring.case.help")
    require_current(
        version, case.version, f"离线期间该案件已有变化（现为“{case.state_label}”），请确认帮扶措施后重新提交"
    )
    errors = {}
    category = measure_category_code(category)
    if not category:
        errors["category"] = ["请选择国家规定的帮扶措施类别"]
    if status not in MeasureStatus.values:
        errors["status"] = ["措施状态不正确"]
    if not content.strip():
        errors["content"] = ["请填写帮扶内容"]
    if not unit.strip() or not person.strip():
        errors["unit"] = ["请填写实施单位和责任人"]
    if end_on and end_on < start_on:
        errors["end_on"] = ["结束日期不能早于开始日期"]
    if errors:
        raise ValidationError(errors)
    money = _parse_money(amount, "amount") or Decimal("0")
    _require_help_allowed(case, status)
    with transaction.atomic(), acting(actor):
        measure = Measure.objects.create(
            case=case,
            category=category,
            content=content.strip(),
            unit=unit.strip(),
            person=person.strip(),
            start_on=start_on,
            end_on=end_on,
            amount=money,
            status=status,
            created_by=actor,
        )
        _event(
            case=case,
            actor=actor,
            transition="measure",
            label="登记帮扶措施",
            on=_today(),
            decision=measure.category_display,
            reason=measure.content,
            data={"measure": measure.pk, "status": status, "amount": money},
        )
    return measure


def measure_set_status(*, actor, measure: Measure, status: str) -> Measure:
    case = measure.case
    scope.require_write(actor, case, "monitoring.case.help")
    if status not in MeasureStatus.values:
        raise ValidationError({"status": ["措施状态不正确"]})
    _require_help_allowed(case, status)
    with transaction.atomic(), acting(actor):
        measure.status = status
        measure.save(update_fields=["status"])
        _event(
            case=case,
            actor=actor,
            transition="measure_status",
            label="更新措施进展",
            on=_today(),
            decision=measure.get_status_display(),
            reason=str(measure),
            data={"measure": measure.pk},
        )
    return measure
