"""Ledger models: key-task ledger."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhenxing.accounts import scope

from .units import Unit, _file_names


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
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("制定区划"))
    rhythm = models.CharField(_("进度报送频次"), max_length=16, choices=Rhythm.choices, default=Rhythm.MONTHLY)
    sections = models.JSONField(_("任务分类"), default=list, help_text=_("[{number, title}]"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

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
    lead_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="led_tasks", verbose_name=_("牵头单位")
    )
    responsible_units = models.ManyToManyField(Unit, blank=True, related_name="tasks", verbose_name=_("责任单位"))
    units_confirmed = models.BooleanField(_("分工已确认"), default=False)
    deadline = models.DateField(_("完成时限"))
    rhythm = models.CharField(_("进度报送频次"), max_length=16, choices=Rhythm.choices, default=Rhythm.MONTHLY)
    # ",water,housing," -- the departments of the lead and responsible units, kept by the service
    # that assigns them, so the data scope can show a line department its tasks.
    dept_codes = models.CharField(_("责任部门"), max_length=400, blank=True, editable=False)

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
        verbose_name = _("验收清单项")
        verbose_name_plural = _("验收清单项")
        ordering = ["task", "number"]
        constraints = [models.UniqueConstraint(fields=["task", "number"], name="ledger_checklist_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:30]}"


class Milestone(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("任务"))
    due = models.DateField(_("节点时间"))
    title = models.CharField(_("节点目标"), max_length=200)

    class Meta:
        verbose_name = _("节点目标")
        verbose_name_plural = _("节点目标")
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
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="ledger_assignments", verbose_name=_("落实区划")
    )
    owner_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="owned", verbose_name=_("本地责任单位")
    )
    owner_person = models.CharField(_("责任人"), max_length=64, blank=True)
    deadline = models.DateField(_("完成时限"))
    status = models.CharField(_("状态"), max_length=16, choices=TaskStatus.choices[:4], default=TaskStatus.NOT_STARTED)
    commitment = models.TextField(_("承诺事项"), blank=True)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("承诺人"),
    )
    committed_at = models.DateTimeField(_("承诺时间"), null=True, blank=True)
    submitted_on = models.DateField(_("报请验收日期"), null=True, blank=True)
    closed_on = models.DateField(_("销号日期"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=0)

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
    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="reports", verbose_name=_("任务落实")
    )
    period = models.DateField(_("报送期"), help_text=_("期初日（每月1日）"))
    reported_on = models.DateField(_("报送日期"))
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("报送人")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("报送单位")
    )
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

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("任务落实")
    )
    item = models.ForeignKey(
        ChecklistItem, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("验收清单项")
    )
    text = models.TextField(_("完成情况及佐证"))
    attachment = models.FileField(_("佐证材料"), upload_to="ledger/evidence/%Y/", blank=True)
    audit_masked = _file_names("attachment")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("提交人")
    )
    submitted_at = models.DateTimeField(_("提交时间"), auto_now=True)

    class Meta:
        verbose_name = _("验收清单佐证")
        verbose_name_plural = _("验收清单佐证")
        constraints = [models.UniqueConstraint(fields=["assignment", "item"], name="ledger_evidence_item")]

    def __str__(self) -> str:
        return f"{self.item}的完成佐证"


class AssignmentEvent(models.Model):
    """Insert-only: every transition of an assignment (who, when, from, to, why)."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="events", verbose_name=_("任务落实")
    )
    action = models.CharField(_("操作"), max_length=32)
    from_status = models.CharField(_("原状态"), max_length=16, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16)
    on = models.DateField(_("办理日期"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("操作人")
    )
    reason = models.TextField(_("理由"), blank=True)
    at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("任务落实办理记录")
        verbose_name_plural = _("任务落实办理记录")
        ordering = ["at", "id"]

    @property
    def action_label(self) -> str:
        from ..workflow import TASK_TRANSITIONS

        t = TASK_TRANSITIONS.get(self.action)
        return t.label if t else self.action

    def __str__(self) -> str:
        return f"{self.assignment}：{self.action}（{self.on:%Y-%m-%d}）"
