"""Department screening: feed files, rule sets, runs and alerts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from zhenxing.accounts import scope
from zhenxing.accounts.models import Department


class Source(models.TextChoices):
    MEDICAL = "medical", _("医保结算")
    INSURANCE = "insurance", _("医保参保")
    CIVIL = "civil", _("民政救助")
    DISABILITY = "disability", _("残联")
    EDUCATION = "education", _("教育")
    HOUSING = "housing", _("住建")
    WATER = "water", _("水务")
    EMPLOYMENT = "employment", _("人社")
    DISASTER = "disaster", _("应急")
    DEATH = "death", _("公安")


# Which department owns (and may upload) each source.
SOURCE_DEPARTMENT: dict[str, str] = {
    Source.MEDICAL: Department.MEDICAL_INSURANCE,
    Source.INSURANCE: Department.MEDICAL_INSURANCE,
    Source.CIVIL: Department.CIVIL_AFFAIRS,
    Source.DISABILITY: Department.DISABLED_FEDERATION,
    Source.EDUCATION: Department.EDUCATION,
    Source.HOUSING: Department.HOUSING,
    Source.WATER: Department.WATER,
    Source.EMPLOYMENT: Department.HUMAN_RESOURCES,
    Source.DISASTER: Department.EMERGENCY,
    Source.DEATH: Department.PUBLIC_SECURITY,
}


@scope.register(region="region", field="department")
class FeedFile(models.Model):
    """One imported department file, stored as a Parquet file and catalogued here.

    Rows are immutable; a later file with the same natural key supersedes the earlier row
    (latest file wins), so re-importing or overlapping files never counts a record twice.
    """

    source = models.CharField(_("数据来源"), max_length=16, choices=Source.choices)
    department = models.CharField(_("行业部门"), max_length=32, choices=Department.choices)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区划"))
    file_name = models.CharField(_("文件名"), max_length=255)
    path = models.CharField(_("存储路径"), max_length=500)
    sha256 = models.CharField(_("文件摘要"), max_length=64)
    rows = models.PositiveIntegerField(_("文件行数"), default=0)
    new_records = models.PositiveIntegerField(_("新增记录"), default=0)
    changed_records = models.PositiveIntegerField(_("更新记录"), default=0)
    duplicate_records = models.PositiveIntegerField(_("重复记录"), default=0)
    unmatched = models.PositiveIntegerField(_("未匹配记录"), default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("导入人")
    )
    imported_at = models.DateTimeField(_("导入时间"), auto_now_add=True)
    seconds = models.FloatField(_("用时（秒）"), default=0)

    class Meta:
        verbose_name = _("部门数据文件")
        verbose_name_plural = _("部门数据文件")
        ordering = ["-imported_at", "-id"]
        indexes = [models.Index(fields=["source", "id"], name="feedfile_source_id")]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.file_name}"


@scope.register(region="region", departments="region")
class RuleSet(models.Model):
    """One version of the year's rule set. Versions are immutable: an edit creates the next one."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区划"))
    year = models.PositiveSmallIntegerField(_("年度"))
    version = models.PositiveIntegerField(_("版本"))
    # rule code -> {"enabled": bool, "severity": str, "params": {name: value}}
    rules = models.JSONField(_("规则与参数"))
    note = models.CharField(_("修改说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("修改人")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("筛查规则集")
        verbose_name_plural = _("筛查规则集")
        ordering = ["-year", "-version"]
        constraints = [models.UniqueConstraint(fields=["year", "version"], name="ruleset_year_version")]

    def __str__(self) -> str:
        return f"{self.year}年规则集 第{self.version}版"


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("运行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class RunKind(models.TextChoices):
    SCREEN = "screen", _("筛查")
    SIMULATE = "simulate", _("政策模拟")
    PREVIEW = "preview", _("筛查预演")  # a dry run: per rule, how many alerts a screening would raise


@scope.register(region="region", departments="region")
class Run(models.Model):
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区划"))
    kind = models.CharField(_("类型"), max_length=16, choices=RunKind.choices, default=RunKind.SCREEN)
    as_of = models.DateField(_("筛查基准日"))
    ruleset = models.ForeignKey(
        RuleSet, on_delete=models.PROTECT, null=True, related_name="runs", verbose_name=_("规则集")
    )
    overrides = models.JSONField(_("本次参数覆盖"), default=dict, blank=True)
    threshold = models.DecimalField(_("模拟标准"), max_digits=12, decimal_places=2, null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    stage = models.CharField(_("当前步骤"), max_length=100, blank=True)
    summary = models.JSONField(_("结果摘要"), default=dict, blank=True)
    error = models.TextField(_("错误"), blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("发起人")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    # Refreshed at every progress step (shown on the page). Whether the process still lives is the
    # run's job's heartbeat (zhenxing/jobs): when that stops, the job and the run are marked failed.
    heartbeat_at = models.DateTimeField(_("最近心跳"), null=True, blank=True)
    worker = models.CharField(_("执行进程"), max_length=100, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("筛查运行")
        verbose_name_plural = _("筛查运行")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"], name="run_status_created")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.as_of:%Y-%m-%d} #{self.pk}"


class AlertState(models.TextChoices):
    NEW = "new", _("新预警")
    ISSUED = "issued", _("已下发")
    VERIFYING = "verifying", _("核实中")
    MONITORED = "monitored", _("纳入监测")
    NO_RISK = "no_risk", _("核实无风险")
    LAPSED = "lapsed", _("数据复核未再触发")
    ATTACHED = "attached", _("并入监测案件")
    RECTIFYING = "rectifying", _("转整改台账")
    WITHDRAWN = "withdrawn", _("部门撤回")


OPEN_STATES = (AlertState.NEW, AlertState.ISSUED, AlertState.VERIFYING)


@scope.register(region="village", field="department")
class Alert(models.Model):
    """One open alert per household (or, for water, per village) and rule; a re-run updates it."""

    rule = models.CharField(_("规则"), max_length=24)
    rule_name = models.CharField(_("规则名称"), max_length=64)
    risk_types = models.JSONField(_("风险类型"), default=list, blank=True)
    severity = models.CharField(_("严重程度"), max_length=16, blank=True)
    # "h<household id>" or "v<village id>": the subject the one-open-alert rule applies to.
    subject = models.CharField(_("预警对象"), max_length=32)
    household = models.ForeignKey(
        "registry.Household",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="screening_alerts",
        verbose_name=_("农户"),
        # checked set-based by the run (runs._drop_vanished), not by a trigger per row; PROTECT still
        # holds for deletes through the ORM
        db_constraint=False,
    )
    # indexed by alert_village_state (village first)
    village = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
        verbose_name=_("所在村"),
    )
    department = models.CharField(_("数据来源部门"), max_length=32, choices=Department.choices, blank=True)
    state = models.CharField(_("状态"), max_length=16, choices=AlertState.choices, default=AlertState.NEW)
    is_open = models.BooleanField(_("未办结"), default=True)
    metric = models.DecimalField(_("指标值"), max_digits=14, decimal_places=2, null=True, blank=True)
    limit_value = models.DecimalField(_("判定标准"), max_digits=14, decimal_places=2, null=True, blank=True)
    # {"sub": str, "records": [{source, key, date, note}] (the 50 latest), "record_count": n,
    #  "households": n (water)}; the rule set, as-of date and parameters: ``citation``.
    evidence = models.JSONField(_("依据"), default=dict)
    # md5 of the evidence as the run wrote it: a re-run compares digests instead of parsing JSON.
    evidence_digest = models.CharField(_("证据摘要"), max_length=32, blank=True, editable=False)
    # The run and rule-set references are written only by the set-based screening write, never
    # queried by them, and runs and rule sets are never deleted: no database constraint and no
    # index, so writing 300,000 alerts does not cost 900,000 trigger lookups (docs/benchmarks.md).
    ruleset = models.ForeignKey(
        RuleSet,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        db_constraint=False,
        db_index=False,
        verbose_name=_("规则集"),
    )
    first_run = models.ForeignKey(
        Run,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        db_constraint=False,
        db_index=False,
        verbose_name=_("首次触发运行"),
    )
    last_run = models.ForeignKey(
        Run,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        db_constraint=False,
        db_index=False,
        verbose_name=_("最近更新依据的运行"),
    )
    raised_at = models.DateTimeField(_("预警时间"))
    updated_at = models.DateTimeField(_("更新时间"))
    issued_at = models.DateTimeField(_("下发时间"), null=True, blank=True)
    verify_due = models.DateField(_("核实期限"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    outcome_reason = models.TextField(_("核实说明"), blank=True)
    outcome_evidence = models.TextField(_("核实依据"), blank=True)
    case_ref = models.CharField(_("监测案卷"), max_length=64, blank=True)
    item_ref = models.CharField(_("整改事项"), max_length=64, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        verbose_name = _("预警")
        verbose_name_plural = _("预警")
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "subject"], condition=Q(is_open=True), name="alert_one_open_per_subject_rule"
            )
        ]
        indexes = [
            models.Index(fields=["village", "state"], name="alert_village_state"),
            models.Index(fields=["rule", "state"], name="alert_rule_state"),
            models.Index(fields=["department", "state"], name="alert_department_state"),
            # the list's order (newest first) and the same within one village (keyset pages)
            models.Index(fields=["raised_at", "id"], name="alert_raised"),
            models.Index(fields=["village", "raised_at", "id"], name="alert_village_raised"),
        ]

    @cached_property
    def citation(self) -> dict:
        """The rule set, as-of date and parameters under which the evidence was last set: those of
        ``last_run`` (its rule set and this run's overrides), so they are not repeated in every alert."""
        from . import rules

        run, ruleset = self.last_run, self.ruleset
        if ruleset is None:
            return {}
        params = rules.effective_parameters(ruleset.rules, run.overrides if run else {})
        own = dict(params.get("income" if self.rule == "income_missing" else self.rule, {}))
        if self.rule == "paper_exit":
            own["threshold"] = params["income"]["threshold"]
        return {
            "ruleset_year": ruleset.year,
            "ruleset_version": ruleset.version,
            "as_of": run.as_of.isoformat() if run else None,
            "parameters": own,
        }

    def __str__(self) -> str:
        who = self.household.number if self.household_id else self.village.name
        return f"{self.rule_name}：{who}"


class NoteKind(models.TextChoices):
    INSTRUCTION = "instruction", _("下发要求")
    COMMENT = "comment", _("留言")
    WITHDRAWAL = "withdrawal", _("部门撤回说明")


@scope.register(region="alert__village", field="alert__department")
class AlertNote(models.Model):
    """The alert's thread: the township's instructions to the village (kept, never overwritten),
    questions and the department's answers, and a department's reason for withdrawing it. Seen by
    everyone whose scope holds the alert (the township, the village, the department of its field)."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="notes", verbose_name=_("预警"))
    kind = models.CharField(_("类别"), max_length=16, choices=NoteKind.choices, default=NoteKind.COMMENT)
    text = models.TextField(_("内容"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("填写人")
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("预警留言")
        verbose_name_plural = _("预警留言")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.text[:30]}"


@scope.register(region="alert__village", field="department")
class RecordCorrection(models.Model):
    """A department record that raised an alert wrongly, flagged for the department to correct in
    its next file (written when the department withdraws the alert)."""

    alert = models.ForeignKey(Alert, on_delete=models.PROTECT, related_name="corrections", verbose_name=_("预警"))
    department = models.CharField(_("行业部门"), max_length=32, choices=Department.choices)
    source = models.CharField(_("数据来源"), max_length=16, blank=True)
    record_key = models.CharField(_("记录"), max_length=100, blank=True)
    note = models.CharField(_("记录内容"), max_length=300, blank=True)
    reason = models.TextField(_("更正原因"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("标记人")
    )
    created_at = models.DateTimeField(_("标记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("待更正部门记录")
        verbose_name_plural = _("待更正部门记录")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_department_display()} {self.record_key}"


def _households_alerted(department: str):
    """The households ``department``'s alerts name (open or closed): what its account sees of the
    registry and of monitoring (accounts.scope, ``departments="touched"``)."""
    return Alert.objects.filter(department=department, household__isnull=False).values("household_id")


scope.department_touches(_households_alerted)


@scope.register(region="village", field="department")
class AlertCount(models.Model):
    """How many alerts of one village, department, rule and state there are: the figures the alert
    list shows per state, rule and region, so no page counts the alert table. Recomputed set-based
    at the end of each run's alert write and moved by each alert's step in the same transaction
    (``figures``); never written by hand."""

    audit_skip = True  # derived figures, written only with the alert writes that are audited

    village = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="+", verbose_name=_("村"))
    department = models.CharField(_("数据来源部门"), max_length=32, blank=True)
    rule = models.CharField(_("规则"), max_length=24)
    state = models.CharField(_("状态"), max_length=16, choices=AlertState.choices)
    n = models.IntegerField(_("预警数"), default=0)

    class Meta:
        verbose_name = _("预警计数")
        verbose_name_plural = _("预警计数")
        constraints = [
            models.UniqueConstraint(fields=["village", "department", "rule", "state"], name="alertcount_key")
        ]
