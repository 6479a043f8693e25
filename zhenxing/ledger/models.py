"""工作台账 and the 四个体系: key-task ledger, rectification ledgers, county assessment, inspection
and accountability, and the in-app notice centre.

State machines (which status may follow which, who may act, what is checked) live in
``workflow.py``; writes in ``services.py``; reads in ``selectors.py``.
"""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhenxing.accounts import scope
from zhenxing.accounts.models import Department
from zhenxing.lib.workdays import CALENDAR, UNIT_CHOICES


def _file_names(*fields: str) -> dict:
    """``audit_masked`` for file fields: the audit logs the stored name (an empty FieldFile has no url)."""
    return {f: (lambda instance, f=f: getattr(instance, f).name or "") for f in fields}


class UnitKind(models.TextChoices):
    PARTY = "party", _("党委部门")
    GOVERNMENT = "government", _("政府部门")
    COUNTY = "county", _("县（市、区）")
    TOWNSHIP = "township", _("乡镇")
    OTHER = "other", _("其他")


@scope.register(region="region", field="department", below=1)  # the prefecture's departments: read by all
class Unit(models.Model):
    """A 牵头单位 / 责任单位 / local owner: 地区水务局, 塔河县乡村振兴局, 十八站乡政府 ..."""

    name = models.CharField(_("单位名称"), max_length=64)
    kind = models.CharField(_("单位类别"), max_length=16, choices=UnitKind.choices, default=UnitKind.GOVERNMENT)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="ledger_units",
                               verbose_name=_("所在区划"))
    department = models.CharField(_("对应行业部门"), max_length=32, choices=Department.choices, blank=True)

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["region__path", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="ledger_unit_region_name")]

    def __str__(self) -> str:
        return self.name


class UnitMember(models.Model):
    """Links a staff account to the unit it acts for (one unit per account)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="members", verbose_name=_("单位"))
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ledger_unit",
                                verbose_name=_("账户"))

    class Meta:
        verbose_name = _("单位成员")
        verbose_name_plural = _("单位成员")

    def __str__(self) -> str:
        return f"{self.unit} · {self.user}"


# ---------------------------------------------------------------- key-task ledger


class Rhythm(models.TextChoices):
    MONTHLY = "monthly", _("每月")
    QUARTERLY = "quarterly", _("每季度")
    HALF_YEAR = "half_year", _("每半年")


RHYTHM_MONTHS = {Rhythm.MONTHLY: 1, Rhythm.QUARTERLY: 3, Rhythm.HALF_YEAR: 6}


@scope.register(region="region", departments="region")
class Ledger(models.Model):
    """One year's key-task ledger (重点任务台账)."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    title = models.CharField(_("标题"), max_length=200)
    document = models.CharField(_("依据文件"), max_length=100, blank=True)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("制定区划"))
    rhythm = models.CharField(_("进度报送频次"), max_length=16, choices=Rhythm.choices, default=Rhythm.MONTHLY)
    sections = models.JSONField(_("任务分类"), default=list, help_text=_("[{number, title}]"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("重点任务台账")
        verbose_name_plural = _("重点任务台账")
        ordering = ["-year"]

    def __str__(self) -> str:
        return self.title

    def section_title(self, number: int | None) -> str:
        for s in self.sections:
            if s["number"] == number:
                return s["title"]
        return ""


class TaskKind(models.TextChoices):
    TASK = "task", _("重点任务")
    MECHANISM = "mechanism", _("推进机制")


CN_NUMERALS = "一二三四五六七八九十"


def cn_number(n: int | None) -> str:
    if not n:
        return ""
    if n <= 10:
        return CN_NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return (CN_NUMERALS[tens - 1] if tens > 1 else "") + "十" + (CN_NUMERALS[ones - 1] if ones else "")


@scope.register(region="ledger__region", field="dept_codes__contains")
class Task(models.Model):
    """A numbered task of the plan (or one of the four mechanisms), prefecture-wide."""

    ledger = models.ForeignKey(Ledger, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("台账"))
    kind = models.CharField(_("类别"), max_length=16, choices=TaskKind.choices, default=TaskKind.TASK)
    section = models.PositiveSmallIntegerField(_("任务分类"), null=True, blank=True)
    number = models.PositiveSmallIntegerField(_("序号"))
    title = models.CharField(_("任务"), max_length=200)
    text = models.TextField(_("方案原文"), blank=True)
    lead_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="led_tasks",
                                  verbose_name=_("牵头单位"))
    responsible_units = models.ManyToManyField(Unit, blank=True, related_name="tasks", verbose_name=_("责任单位"))
    units_confirmed = models.BooleanField(_("分工已确认"), default=False)
    deadline = models.DateField(_("完成时限"))
    rhythm = models.CharField(_("进度报送频次"), max_length=16, choices=Rhythm.choices, default=Rhythm.MONTHLY)
    # ",water,housing," -- the departments of the lead and responsible units, kept by the service
    # that assigns them, so the data scope can show a line department its tasks.
    dept_codes = models.CharField(max_length=400, blank=True, editable=False)

    class Meta:
        verbose_name = _("重点任务")
        verbose_name_plural = _("重点任务")
        ordering = ["ledger", "-kind", "number"]  # tasks before mechanisms
        constraints = [models.UniqueConstraint(fields=["ledger", "kind", "number"], name="ledger_task_number")]

    def __str__(self) -> str:
        return f"{self.label} {self.title}"

    @property
    def label(self) -> str:
        return f"（{cn_number(self.number)}）" if self.kind == TaskKind.MECHANISM else f"{self.number}."


class ChecklistItem(models.Model):
    """One measure of a task: what is checked at close-out (照单验收)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="checklist", verbose_name=_("任务"))
    number = models.PositiveSmallIntegerField(_("序号"))
    text = models.TextField(_("工作措施"))

    class Meta:
        ordering = ["task", "number"]
        constraints = [models.UniqueConstraint(fields=["task", "number"], name="ledger_checklist_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:30]}"


class Milestone(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("任务"))
    due = models.DateField(_("节点时间"))
    title = models.CharField(_("节点目标"), max_length=200)

    class Meta:
        ordering = ["task", "due"]

    def __str__(self) -> str:
        return self.title


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("未开始")
    IN_PROGRESS = "in_progress", _("推进中")
    AWAITING_ACCEPTANCE = "awaiting", _("已完成待验收")
    CLOSED = "closed", _("已销号")
    OVERDUE = "overdue", _("逾期")  # derived: never stored


OPEN_TASK_STATUSES = (TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS)


@scope.register(region="region", field="task__dept_codes__contains")
class Assignment(models.Model):
    """A task as one county carries it out (任务落实): local owner, commitment, reports, close-out."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("任务"))
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="ledger_assignments",
                               verbose_name=_("落实区划"))
    owner_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="owned",
                                   verbose_name=_("本地责任单位"))
    owner_person = models.CharField(_("责任人"), max_length=64, blank=True)
    deadline = models.DateField(_("完成时限"))
    status = models.CharField(_("状态"), max_length=16, choices=TaskStatus.choices[:4], default=TaskStatus.NOT_STARTED)
    commitment = models.TextField(_("承诺事项"), blank=True)
    committed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("承诺人"))
    committed_at = models.DateTimeField(_("承诺时间"), null=True, blank=True)
    submitted_on = models.DateField(_("报请验收日期"), null=True, blank=True)
    closed_on = models.DateField(_("销号日期"), null=True, blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("任务落实")
        verbose_name_plural = _("任务落实")
        ordering = ["-task__kind", "task__number", "region__path"]
        constraints = [models.UniqueConstraint(fields=["task", "region"], name="ledger_assignment_task_region")]

    def __str__(self) -> str:
        return f"{self.task} · {self.region}"

    def effective_status(self, as_of: dt.date | None = None) -> str:
        as_of = as_of or dt.date.today()
        if self.status in OPEN_TASK_STATUSES and self.deadline < as_of:
            return TaskStatus.OVERDUE
        return self.status

    def status_label(self, as_of: dt.date | None = None) -> str:
        return str(TaskStatus(self.effective_status(as_of)).label)

    def overdue_days(self, as_of: dt.date | None = None) -> int:
        as_of = as_of or dt.date.today()
        return (as_of - self.deadline).days if self.effective_status(as_of) == TaskStatus.OVERDUE else 0


@scope.register(region="assignment__region", field="assignment__task__dept_codes__contains")
class ProgressReport(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="reports",
                                   verbose_name=_("任务落实"))
    period = models.DateField(_("报送期"), help_text=_("期初日（每月1日）"))
    reported_on = models.DateField(_("报送日期"))
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("报送人"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("报送单位"))
    text = models.TextField(_("进展情况"))
    figures = models.CharField(_("数据"), max_length=500, blank=True, help_text=_("如：完成排查 326 户"))
    attachment = models.FileField(_("附件"), upload_to="ledger/reports/%Y/", blank=True)
    audit_masked = _file_names("attachment")

    class Meta:
        verbose_name = _("进度报告")
        verbose_name_plural = _("进度报告")
        ordering = ["-period", "-id"]

    def __str__(self) -> str:
        return f"{self.assignment} {self.period:%Y年%m月}"


class ChecklistEvidence(models.Model):
    """The evidence a county gives for one checklist item of its assignment."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="evidence",
                                   verbose_name=_("任务落实"))
    item = models.ForeignKey(ChecklistItem, on_delete=models.CASCADE, related_name="evidence",
                             verbose_name=_("验收清单项"))
    text = models.TextField(_("完成情况及佐证"))
    attachment = models.FileField(_("佐证材料"), upload_to="ledger/evidence/%Y/", blank=True)
    audit_masked = _file_names("attachment")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assignment", "item"], name="ledger_evidence_item")]


class AssignmentEvent(models.Model):
    """Insert-only: every transition of an assignment (who, when, from, to, why)."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    on = models.DateField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    reason = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    @property
    def action_label(self) -> str:
        from .workflow import TASK_TRANSITIONS

        t = TASK_TRANSITIONS.get(self.action)
        return t.label if t else self.action


# ---------------------------------------------------------------- rectification ledgers


class RectificationType(models.Model):
    """A kind of find-fix-close list: 住房安全, 饮水安全, 问题厕所, 考核反馈问题, 督查发现问题, or one the admin adds."""

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    task_number = models.PositiveSmallIntegerField(_("对应重点任务序号"), null=True, blank=True)
    department = models.CharField(_("主管行业部门"), max_length=32, choices=Department.choices, blank=True)
    recheck_required = models.BooleanField(_("销号后须回头看"), default=False)
    default_days = models.PositiveSmallIntegerField(_("默认整改时限"), default=30)
    default_days_unit = models.CharField(_("默认整改时限单位"), max_length=10, choices=UNIT_CHOICES, default=CALENDAR)
    builtin = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("整改台账类型")
        verbose_name_plural = _("整改台账类型")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class SourceKind(models.TextChoices):
    SCREENING = "screening", _("部门筛查预警")
    INSPECTION = "inspection", _("督导检查发现")
    NATIONAL = "national", _("国家考核评估反馈")
    PROVINCIAL = "provincial", _("省考核评估反馈")
    SELF_CHECK = "self_check", _("自查排查")
    FUNDS = "funds", _("资金项目监管")
    OTHER = "other", _("其他")


class ItemStatus(models.TextChoices):
    PENDING = "pending", _("待整改")
    IN_PROGRESS = "in_progress", _("整改中")
    AWAITING_VERIFICATION = "awaiting", _("已整改待核验")
    CLOSED = "closed", _("已销号")


OPEN_ITEM_STATUSES = (ItemStatus.PENDING, ItemStatus.IN_PROGRESS, ItemStatus.AWAITING_VERIFICATION)


@scope.register(region="region", field="type__department")
class RectificationItem(models.Model):
    type = models.ForeignKey(RectificationType, on_delete=models.PROTECT, related_name="items",
                             verbose_name=_("台账类型"))
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="ledger_items",
                               verbose_name=_("所在区划"))
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="ledger_items", verbose_name=_("农户"))
    source = models.CharField(_("问题来源"), max_length=16, choices=SourceKind.choices)
    source_label = models.CharField(_("来源说明"), max_length=200, blank=True)
    source_ref = models.CharField(_("来源编号"), max_length=64, blank=True, db_index=True)
    inspection = models.ForeignKey("Inspection", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="findings", verbose_name=_("督导检查"))
    problem = models.TextField(_("问题描述"))
    found_on = models.DateField(_("发现日期"))
    responsible_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="items", verbose_name=_("责任单位"))
    responsible_person = models.CharField(_("责任人"), max_length=64, blank=True)
    deadline = models.DateField(_("整改时限"))
    measures = models.TextField(_("整改措施"), blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=ItemStatus.choices, default=ItemStatus.PENDING)
    evidence = models.TextField(_("整改佐证"), blank=True)
    evidence_file = models.FileField(_("佐证材料"), upload_to="ledger/items/%Y/", blank=True)
    audit_masked = _file_names("evidence_file")
    fixed_on = models.DateField(_("整改完成日期"), null=True, blank=True)
    closed_on = models.DateField(_("销号日期"), null=True, blank=True)
    failed_checks = models.PositiveSmallIntegerField(_("核验未通过次数"), default=0)
    recheck_result = models.TextField(_("回头看结果"), blank=True)
    rechecked_on = models.DateField(_("回头看日期"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("整改事项")
        verbose_name_plural = _("整改事项")
        ordering = ["-found_on", "-id"]
        indexes = [models.Index(fields=["status", "deadline"], name="ledger_item_status_deadline"),
                   models.Index(fields=["source", "source_ref"], name="ledger_item_source")]

    def __str__(self) -> str:
        return f"{self.type.name if self.type_id else ''}：{self.problem[:30]}"

    def is_overdue(self, as_of: dt.date | None = None) -> bool:
        as_of = as_of or dt.date.today()
        return self.status in (ItemStatus.PENDING, ItemStatus.IN_PROGRESS) and self.deadline < as_of

    def overdue_days(self, as_of: dt.date | None = None) -> int:
        as_of = as_of or dt.date.today()
        return (as_of - self.deadline).days if self.is_overdue(as_of) else 0


class ItemEvent(models.Model):
    """Insert-only transition log of an item; the status as of any date is read from it."""

    item = models.ForeignKey(RectificationItem, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    on = models.DateField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    @property
    def action_label(self) -> str:
        from .workflow import ITEM_TRANSITIONS

        t = ITEM_TRANSITIONS.get(self.action)
        return t.label if t else {"open": "登记"}.get(self.action, self.action)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["item", "on"], name="ledger_itemevent_item_on")]


# ---------------------------------------------------------------- inspection and accountability


class InspectionKind(models.TextChoices):
    PREFECTURE_SPOT = "prefecture_spot", _("地级抽查")
    COUNTY_SELF = "county_self", _("县级自查")
    DEPARTMENT = "department", _("行业部门督查")
    UNANNOUNCED = "unannounced", _("暗访")


@scope.register(region="region", departments="region")
class Inspection(models.Model):
    kind = models.CharField(_("督导方式"), max_length=20, choices=InspectionKind.choices)
    title = models.CharField(_("名称"), max_length=200)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="ledger_inspections",
                               verbose_name=_("被督导区划"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="inspections",
                             verbose_name=_("督导单位"))
    inspectors = models.CharField(_("督导人员"), max_length=200, blank=True)
    started_on = models.DateField(_("督导日期"))
    summary = models.TextField(_("总体情况"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        verbose_name = _("督导检查")
        verbose_name_plural = _("督导检查")
        ordering = ["-started_on", "-id"]

    def __str__(self) -> str:
        return self.title


class EscalationRule(models.Model):
    """One step of the escalation ladder, as data: when the system proposes it.

    A step is proposed for an item when every earlier step has been decided for it and the item
    meets the step's condition: overdue by at least ``min_overdue_days`` (when set), OR verification
    failed at least ``min_failed_checks`` times (when set)."""

    order = models.PositiveSmallIntegerField(_("顺序"), unique=True)
    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("措施"), max_length=32)
    min_overdue_days = models.PositiveSmallIntegerField(_("逾期天数达到"), null=True, blank=True)
    min_failed_checks = models.PositiveSmallIntegerField(_("核验未通过次数达到"), null=True, blank=True)
    description = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("问责升级规则")
        verbose_name_plural = _("问责升级规则")
        ordering = ["order"]

    def __str__(self) -> str:
        return self.name

    def met_by(self, item: RectificationItem, as_of: dt.date) -> bool:
        if item.status == ItemStatus.CLOSED:
            return False
        if self.min_overdue_days is not None and item.is_overdue(as_of) and item.overdue_days(as_of) >= self.min_overdue_days:
            return True
        return self.min_failed_checks is not None and item.failed_checks >= self.min_failed_checks


class DecisionOutcome(models.TextChoices):
    APPLIED = "applied", _("决定实施")
    DECLINED = "declined", _("决定不实施")


@scope.register(region="item__region", departments="none")
class EscalationDecision(models.Model):
    """The prefecture's decision on a proposed step, against the unit and the people."""

    item = models.ForeignKey(RectificationItem, on_delete=models.PROTECT, related_name="decisions",
                             verbose_name=_("整改事项"))
    rule = models.ForeignKey(EscalationRule, on_delete=models.PROTECT, related_name="+", verbose_name=_("措施"))
    outcome = models.CharField(_("决定"), max_length=16, choices=DecisionOutcome.choices)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions",
                             verbose_name=_("被问责单位"))
    people = models.CharField(_("相关责任人"), max_length=200, blank=True)
    document = models.CharField(_("文件文号"), max_length=100, blank=True)
    document_file = models.FileField(_("文件"), upload_to="ledger/decisions/%Y/", blank=True)
    audit_masked = _file_names("document_file")
    note = models.TextField(_("说明"), blank=True)
    decided_on = models.DateField(_("决定日期"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("问责决定")
        verbose_name_plural = _("问责决定")
        ordering = ["-decided_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["item", "rule"], name="ledger_decision_item_rule")]

    def __str__(self) -> str:
        return f"{self.rule}：{self.item}"


# ---------------------------------------------------------------- county assessment


class SchemeStatus(models.TextChoices):
    DRAFT = "draft", _("编制中")
    COMPUTED = "computed", _("已计算待审核")
    PUBLISHED = "published", _("已发布")


@scope.register(region="region", departments="none")
class AssessmentScheme(models.Model):
    """A year's county assessment: the indicator system and, once run, the frozen results."""

    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("名称"), max_length=200)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("考核区划"))
    as_of = models.DateField(_("数据截止日期"))
    status = models.CharField(_("状态"), max_length=16, choices=SchemeStatus.choices, default=SchemeStatus.DRAFT)
    computed_at = models.DateTimeField(_("计算时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("县级考核")
        verbose_name_plural = _("县级考核")
        ordering = ["-year", "-id"]

    def __str__(self) -> str:
        return self.title


class Scoring(models.TextChoices):
    PROPORTIONAL = "proportional", _("按完成比例计分")
    PASS_FAIL = "pass_fail", _("达标得满分，否则不得分")
    MANUAL = "manual", _("评审打分")


class AssessmentIndicator(models.Model):
    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.CASCADE, related_name="indicators")
    order = models.PositiveSmallIntegerField(_("序号"))
    code = models.CharField(_("指标代码"), max_length=64, help_text=_("系统指标的代码；评审指标留空"), blank=True)
    name = models.CharField(_("指标"), max_length=200)
    formula = models.TextField(_("计算方法"), blank=True)
    unit = models.CharField(_("单位"), max_length=16, blank=True)
    weight = models.DecimalField(_("分值"), max_digits=6, decimal_places=2)
    scoring = models.CharField(_("计分方式"), max_length=16, choices=Scoring.choices)
    target = models.DecimalField(_("目标值"), max_digits=14, decimal_places=4, null=True, blank=True)
    higher_is_better = models.BooleanField(_("越高越好"), default=True)

    class Meta:
        ordering = ["scheme", "order"]
        constraints = [models.UniqueConstraint(fields=["scheme", "order"], name="ledger_indicator_order")]

    def __str__(self) -> str:
        return self.name

    @property
    def computed(self) -> bool:
        return bool(self.code)


@scope.register(region="county", departments="none")
class AssessmentResult(models.Model):
    """One county's line of a scheme: the total and its rank (frozen once published)."""

    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.CASCADE, related_name="results")
    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("县（市、区）"))
    total = models.DecimalField(_("总分"), max_digits=8, decimal_places=2, default=0)
    raw_total = models.DecimalField(_("适用系统指标得分合计"), max_digits=8, decimal_places=2, default=0)
    applicable_weight = models.DecimalField(_("适用系统指标分值合计"), max_digits=8, decimal_places=2, default=0)
    rank = models.PositiveSmallIntegerField(_("名次"), null=True)

    class Meta:
        verbose_name = _("考核结果")
        verbose_name_plural = _("考核结果")
        ordering = ["scheme", "rank", "county__code"]
        constraints = [models.UniqueConstraint(fields=["scheme", "county"], name="ledger_result_county")]

    def __str__(self) -> str:
        return f"{self.scheme} · {self.county}"


class AssessmentScore(models.Model):
    """A county's value and score on one indicator, with the evidence behind it."""

    result = models.ForeignKey(AssessmentResult, on_delete=models.CASCADE, related_name="scores")
    indicator = models.ForeignKey(AssessmentIndicator, on_delete=models.CASCADE, related_name="scores")
    # The same precision as the dashboard snapshot: one figure, one value everywhere.
    value = models.DecimalField(_("指标值"), max_digits=24, decimal_places=6, null=True, blank=True)
    numerator = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    denominator = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    score = models.DecimalField(_("得分"), max_digits=8, decimal_places=2, null=True, blank=True)
    applicable = models.BooleanField(_("适用"), default=True, help_text=_("无应计量事项的指标为不适用，其分值按比例分配给适用指标"))
    evidence_url = models.CharField(_("数据来源"), max_length=500, blank=True)
    evidence = models.TextField(_("评审依据"), blank=True)
    evidence_file = models.FileField(_("佐证材料"), upload_to="ledger/assessment/%Y/", blank=True)
    audit_masked = _file_names("evidence_file")
    note = models.CharField(_("说明"), max_length=200, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")

    class Meta:
        ordering = ["result", "indicator__order"]
        constraints = [models.UniqueConstraint(fields=["result", "indicator"], name="ledger_score_indicator")]


# ---------------------------------------------------------------- notice centre


class Notice(models.Model):
    """An in-app notice to one person (reminders, escalations, published results)."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("类别"), max_length=32, blank=True)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=500, blank=True)
    key = models.CharField(max_length=120, blank=True, help_text=_("去重键：同一收件人同一键只发一次"))
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="ledger_notice_unread")]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], condition=~models.Q(key=""),
                                               name="ledger_notice_once")]

    def __str__(self) -> str:
        return self.title
