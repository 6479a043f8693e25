"""The audit log in words: what an entry changed, with Chinese field names and values.

An entry keeps field values as the database holds them (``{"status": "accepted"}``) and the
model as its label (``ledger.rectificationitem``). Pages show them the way the record's own pages
do: the model's and fields' verbose names, choice labels, 是/否, dates as 2022年10月12日, the
record a foreign key points at by its name, and a transition as "状态：待整改 → 整改中" with the
transition's label. ``describe(entries)`` reads the records the entries point at in one query per
model.

Personal phone numbers in an entry (a household's, an applicant's, a helper's, a cadre's, a staff
account's: ``is_phone``) are shown masked (``lib.logmask.mask_phone``, the registry's one mask)
unless the caller says the reader may read them whole: ``describe(entries, phones_full=...)``,
which the audit page and the household timeline answer with ``registry.phone.full``. The stored
entries keep what was written (the log is append-only); ID numbers are stored masked already.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models
from django.utils import timezone

from zhenxing.lib.logmask import mask_phone

from .models import ACTION_LABELS

EMPTY = "（空）"
# What a personal phone is called, as a field's name, its verbose name or a key of ``extra``. A county
# office's public phone (``Region.office_phone``, 办公电话, shown on the public portal) is not one.
PHONE_KEYS = frozenset({"phone", "mobile", "telephone", "contact_phone", "联系电话", "手机", "手机号", "电话"})
REF = re.compile(r"^(?P<label>[a-z_]+\.[a-z_]+):(?P<pk>\d+)$")  # "screening.alert:85"
REPR = re.compile(r"\b[A-Z]\w* object( \(\w*\))?")

# Keys an event puts in ``extra`` (imports, exports, transitions, runs), in words.
EXTRA_LABELS = {
    "action": "操作",
    "transition": "操作",
    "reason": "理由",
    "note": "说明",
    "on": "办理日期",
    "date": "办理日期",
    "decision": "结论",
    "warnings": "提示",
    "evidence": "依据",
    "step": "步骤",
    "import": "导入文件",
    "file": "文件",
    "what": "内容",
    "filters": "筛选条件",
    "reveal_id": "含完整身份证号",
    "format": "格式",
    "region": "区划",
    "rows": "行数",
    "item": "物品",
    "quantity": "数量",
    "points": "积分",
    "kind": "类别",
    "year": "年度",
    "version": "版本",
    "new": "新增",
    "changed": "变更",
    "updated": "更新",
    "duplicates": "重复",
    "unmatched": "未匹配",
    "source": "来源",
    "tasks": "任务数",
    "households": "农户数",
    "members": "成员数",
    "regions": "区划数",
    "committed": "已写入",
    "errors": "错误数",
    "skipped_households": "跳过农户数",
    "closed": "已关闭",
    "mechanisms": "推进机制数",
    "rule": "规则",
    "outcome": "结果",
    "trigger": "触发方式",
    "found": "发现",
    "resolved": "已解决",
    "rotated": "已轮换",
    "already_current": "已是当前密钥",
    "username": "用户名",
    "created": "新增",
    "unchanged": "未变",
    "path": "页面",
    "page": "页面",
    "title": "标题",
    "deleted": "删除",
    "lock": "锁定方式",
    "ip": "地址",
    "phone": "联系电话",
}
# Keys that only say which machine took the step (the model already says it).
EXTRA_HIDDEN = {"flow", "from", "to", "label"}
# English values some events keep in ``extra``.
VALUE_WORDS = {
    "account": "账户",
    "address": "地址",
    "auto": "自动",
    "manual": "手工",
    # the funds and assets exports' kinds
    "projects": "项目库",
    "allocations": "资金下达",
    "payments": "资金支付",
    "leakage": "跑冒滴漏疑点",
    "loans": "小额信贷",
    "assets": "项目资产",
}
# What an export or import named in ``extra["what"]`` with a code.
WHAT_LABELS = {
    "monitoring.cases": "监测对象名单",
    "screening.alerts": "部门筛查预警",
    "rectification_items": "整改事项",
    "rotate-id-key": "身份证号密钥轮换",
}
FORMATS = {"xlsx": "Excel 表格", "pdf": "PDF", "docx": "Word 文档", "csv": "CSV 文件"}
FILTER_LABELS = {
    "region": "区划",
    "q": "关键词",
    "state": "状态",
    "status": "状态",
    "year": "年度",
    "export": "导出格式",
    "kind": "类别",
    "department": "部门",
    "village": "村",
    "county": "县",
}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, "其他操作"))


def model_of(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label) if label and "." in label else None
    except (LookupError, ValueError):
        return None


def model_label(label: str) -> str:
    model = model_of(label)
    return str(model._meta.verbose_name) if model is not None else ("" if not label else "其他记录")


def record_ref(text: str) -> str:
    """A record kept as "app.model:id" ("screening.alert:85") in words: "预警 第85号"."""
    ref = REF.match(str(text or ""))
    if ref is None:
        return str(text or "")
    return f"{model_label(ref['label']) if model_of(ref['label']) else '相关记录'} 第{ref['pk']}号"


def model_choices() -> list[tuple[str, str]]:
    """The audited models by Chinese name, for the filter (the value stays the label)."""
    rows = [
        (m._meta.label_lower, str(m._meta.verbose_name))
        for m in apps.get_models()
        if m._meta.app_config.name.startswith("zhenxing.") and not getattr(m, "audit_skip", False)
    ]
    return sorted(rows, key=lambda r: (r[1], r[0]))


def _date(value: str) -> str:
    try:
        if "T" in value or " " in value:
            moment = dt.datetime.fromisoformat(value)
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return f"{moment.year}年{moment.month}月{moment.day}日 {moment:%H:%M}"
        day = dt.date.fromisoformat(value)
        return f"{day.year}年{day.month}月{day.day}日"
    except ValueError:
        return value


def plain(value) -> str:
    """A value without a field to explain it (``extra``): no Python repr, no English."""
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(plain(v) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{FILTER_LABELS.get(k, EXTRA_LABELS.get(k, k))}：{plain(v)}" for k, v in value.items())
    if isinstance(value, str) and len(value) >= 10 and value[4:5] == "-" and value[:4].isdigit():
        return _date(value)
    if isinstance(value, str) and REF.match(value):
        return record_ref(value)
    return VALUE_WORDS.get(value, str(value)) if isinstance(value, str) else str(value)


@dataclass
class Line:
    label: str
    before: str = ""
    after: str = ""
    arrow: bool = False  # "before → after"

    def __str__(self) -> str:
        if self.arrow:
            return f"{self.label}：{self.before} → {self.after}"
        return f"{self.label}：{self.after or self.before}"


@dataclass
class Shown:
    entry: object
    action: str
    model: str
    name: str = ""
    lines: list[Line] = field(default_factory=list)


class _Values:
    """Field values in words; the records foreign keys point at are read once per model."""

    def __init__(self):
        self.wanted: dict[type[models.Model], set] = defaultdict(set)
        self.names: dict[type[models.Model], dict] = {}

    def want(self, f: models.Field, value) -> None:
        if f.is_relation and f.many_to_one and value not in (None, ""):
            self.wanted[f.related_model].add(value)

    def load(self) -> None:
        for model, ids in self.wanted.items():
            clean = {i for i in ids if isinstance(i, int) or (isinstance(i, str) and i.isdigit())}
            self.names[model] = {str(k): str(v) for k, v in model._base_manager.in_bulk(list(clean)).items()}

    def show(self, f: models.Field | None, value) -> str:
        if f is None:
            return plain(value)
        if value is None or value == "":
            return EMPTY
        if f.is_relation and f.many_to_one:
            name = self.names.get(f.related_model, {}).get(str(value))
            return name or f"{f.related_model._meta.verbose_name}（编号 {value}）"
        if f.choices:
            choices = {str(k): str(v) for k, v in f.flatchoices}
            if isinstance(value, list):
                return "、".join(choices.get(str(v), str(v)) for v in value)
            return choices.get(str(value), str(value))
        if isinstance(f, models.BooleanField):
            return "是" if value else "否"
        if isinstance(f, (models.DateField, models.DateTimeField)) and isinstance(value, str):
            return _date(value)
        return plain(value)


def is_phone(key: str, f: models.Field | None = None) -> bool:
    """Whether the value under ``key`` (of field ``f``, when the entry's model has it) is a personal phone."""
    if f is not None:
        return f.name in PHONE_KEYS or f.attname in PHONE_KEYS or str(f.verbose_name) in PHONE_KEYS
    return str(key).lower() in PHONE_KEYS


def _fields(model) -> dict[str, models.Field]:
    return {f.attname: f for f in model._meta.concrete_fields} if model is not None else {}


def _field_label(f: models.Field | None, key: str) -> str:
    if f is None:
        return EXTRA_LABELS.get(key, "其他")
    if f.primary_key:
        return "编号"
    return str(f.verbose_name)


# The transition engine (a higher layer) hands over how to find a model's state machine
# (``workflow.engine`` calls ``machine_lookup_set`` on import): its steps' and states' labels.
_machine_lookup = None


def machine_lookup_set(lookup) -> None:
    global _machine_lookup
    _machine_lookup = lookup


def _machine(model):
    if model is None or _machine_lookup is None:
        return None
    try:
        return _machine_lookup(model)
    except LookupError:
        return None


def _state_lines(model, extra: dict) -> list[Line]:
    """A transition: its label and "状态：from → to" in the machine's words."""
    machine = _machine(model)
    lines = []
    code = extra.get("action") or extra.get("transition")
    t = machine.get(code) if machine is not None and code else None
    label = extra.get("label") or (t.label if t is not None else "")
    if label:
        lines.append(Line("操作", after=str(label)))
    if extra.get("from") or extra.get("to"):
        name = machine.state_name if machine is not None else plain
        field_label = "状态"
        if machine is not None:
            try:
                field_label = str(model._meta.get_field(machine.state_field).verbose_name)
            except Exception:  # noqa: BLE001 - a state outside a field
                pass

        def word(v):
            return name(v) if v else "（新建）"

        if extra.get("from") != extra.get("to"):
            lines.append(Line(field_label, before=word(extra.get("from")), after=word(extra.get("to")), arrow=True))
    return lines


def _extra_lines(model, extra, *, phones_full: bool) -> list[Line]:
    if not isinstance(extra, dict):
        return [Line("附加信息", after=plain(extra))] if extra not in (None, "", [], {}) else []
    lines = _state_lines(model, extra) if ("from" in extra or "to" in extra) else []
    for key, value in extra.items():
        if key in EXTRA_HIDDEN or key in ("action", "transition") or value in (None, "", [], {}):
            continue
        f = _fields(model).get(key)
        if not phones_full and is_phone(key, f):
            text = mask_phone(str(value))
        elif f is not None and f.choices:  # a value of one of the record's own fields ("source": "medical")
            text = {str(k): str(v) for k, v in f.flatchoices}.get(str(value), plain(value))
        elif key == "what":
            text = WHAT_LABELS.get(value, value if not model_of(str(value)) else model_label(str(value)))
        elif key == "format":
            text = FORMATS.get(value, plain(value))
        else:
            text = plain(value)
        lines.append(Line(EXTRA_LABELS.get(key, "其他"), after=text))
    return lines


def describe(entries, *, phones_full: bool = False) -> list[Shown]:
    """The entries in words. ``phones_full``: the reader may read phones whole (``registry.phone.full``);
    otherwise every personal phone value is shown masked."""
    values = _Values()
    for e in entries:
        fields = _fields(model_of(e.model))
        for data in (e.before, e.after):
            if isinstance(data, dict):
                for key, value in data.items():
                    if key in fields:
                        values.want(fields[key], value)
    values.load()
    shown = []
    for e in entries:
        model = model_of(e.model)
        fields = _fields(model)
        item = Shown(entry=e, action=action_label(e.action), model=model_label(e.model), name=object_name(e))
        before = e.before if isinstance(e.before, dict) else {}
        after = e.after if isinstance(e.after, dict) else {}
        for key in list(dict.fromkeys([*before, *after])):
            f = fields.get(key)
            label = _field_label(f, key)
            mask = not phones_full and is_phone(key, f)

            def show(value, f=f, mask=mask) -> str:
                return mask_phone(str(value)) if mask and value not in (None, "") else values.show(f, value)

            if e.action == "update":
                item.lines.append(Line(label, before=show(before.get(key)), after=show(after.get(key)), arrow=True))
            else:
                value = after.get(key, before.get(key))
                if value in (None, "", [], {}):
                    continue
                item.lines.append(Line(label, after=show(value)))
        item.lines.extend(_extra_lines(model, e.extra, phones_full=phones_full))
        shown.append(item)
    return shown


def object_name(entry) -> str:
    """The record's name as logged; an English repr from before models had Chinese names gives way."""
    text = entry.object_repr or ""
    if not text or REPR.search(text):
        if not entry.object_id:
            return ""
        return f"{model_label(entry.model) or '记录'}（编号 {entry.object_id}）"
    return text
