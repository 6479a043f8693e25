"""防返贫动态监测: the yearly standard, the case file, its timeline, measures, helpers and visits.

The procedure itself (which step follows which, who may take it, what it needs) lives in
``workflow.py``; the rules checked on the way in ``rules.py``; every write in ``services.py``.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhenxing.accounts import scope
from zhenxing.lib.workdays import CALENDAR, UNIT_CHOICES, WORKDAYS
from zhenxing.registry.models import MonitoringKind


class YearStandard(models.Model):
    """The year's monitoring standard, set by the prefecture admin (never hard-coded)."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    threshold = models.DecimalField(_("监测收入标准（元/人·年）"), max_digits=10, decimal_places=2)
    reference_income = models.DecimalField(_("上年农村居民人均可支配收入（元）"), max_digits=10, decimal_places=2)
    # Each limit in days says whether it counts 自然日 or 工作日 (the calendar service, lib/workdays.py).
    decision_days = models.PositiveSmallIntegerField(_("发现至认定时限"), default=15)
    decision_unit = models.CharField(_("发现至认定时限单位"), max_length=10, choices=UNIT_CHOICES, default=CALENDAR)
    home_check_days = models.PositiveSmallIntegerField(_("入户核实时限"), default=5)
    home_check_unit = models.CharField(_("入户核实时限单位"), max_length=10, choices=UNIT_CHOICES, default=WORKDAYS)
    posting_days = models.PositiveSmallIntegerField(_("公示天数（不少于）"), default=5)
    posting_unit = models.CharField(_("公示天数单位"), max_length=10, choices=UNIT_CHOICES, default=CALENDAR)
    stable_months = models.PositiveSmallIntegerField(_("收入稳定月数（风险消除）"), default=6)
    income_collection_closes = models.DateField(
        _("本年度收入采集截止日期"),
        null=True,
        blank=True,
        help_text=_("该日之后筛查才对本年度无收入记录的农户发出“收入缺失”预警；空则为次年3月31日"),
    )
    visit_interval_days = models.PositiveSmallIntegerField(_("走访间隔"), default=30)
    visit_interval_unit = models.CharField(_("走访间隔单位"), max_length=10, choices=UNIT_CHOICES, default=CALENDAR)
    is_demo = models.BooleanField(
        _("演示数值"), default=False, help_text=_("演示用数值，正式使用前须由地区管理员按省年度标准修改")
    )
    note = models.CharField(_("依据或说明"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("年度监测标准")
        verbose_name_plural = _("年度监测标准")
        constraints = [
            models.CheckConstraint(condition=Q(threshold__gt=0) & Q(reference_income__gt=0), name="standard_positive")
        ]

    def __str__(self) -> str:
        return f"{self.year}年监测标准"

    def limit(self, name: str) -> tuple[int, str]:
        """(days, unit) of one limit: ``decision``, ``home_check``, ``posting`` or ``visit_interval``."""
        return getattr(self, f"{name}_days"), getattr(self, f"{name}_unit")

    def limit_label(self, name: str) -> str:
        days, unit = self.limit(name)
        return f"{days} 个工作日" if unit == WORKDAYS else f"{days} 天"


class Channel(models.TextChoices):
    SELF_APPLICATION = "self_application", _("农户自主申报")
    CADRE_VISIT = "cadre_visit", _("基层干部排查")
    DEPARTMENT_ALERT = "department_alert", _("部门筛查预警")
    HISTORICAL = "historical", _("历史数据导入")


# National code table 100A27 (risk types) with the 100A271 disaster sub-codes.
RISK_TYPES: dict[str, str] = {
    "01": "因病",
    "0201": "因自然灾害（洪涝）",
    "0202": "因自然灾害（地质灾害）",
    "0203": "因自然灾害（干旱）",
    "0204": "因自然灾害（生物灾害）",
    "0205": "因自然灾害（气象灾害）",
    "0206": "因自然灾害（地震）",
    "0299": "因自然灾害（其他）",
    "03": "因残",
    "04": "因缺劳动力",
    "05": "因意外事故",
    "06": "因产业失败",
    "07": "因务工就业不稳",
    "09": "因学",
    "99": "其他",
}
RISK_CHOICES = list(RISK_TYPES.items())


def risk_labels(codes) -> str:
    return "、".join(RISK_TYPES.get(c, c) for c in codes or [])


def risk_names(codes) -> str:
    """Codes with their names, as the national table shows them: "01 因病、0201 因自然灾害（洪涝）"."""
    if isinstance(codes, str):
        codes = [c for c in codes.replace("、", ",").split(",") if c.strip()]
    return "、".join(f"{c} {RISK_TYPES[c]}" if c in RISK_TYPES else str(c) for c in codes or [])


class Coping(models.TextChoices):
    """自身应对能力: one of the four identification factors."""

    ABLE = "able", _("能够自行应对")
    PARTLY = "partly", _("仅能部分应对")
    UNABLE = "unable", _("无力应对")


class ElimWay(models.TextChoices):
    ASSISTED = "assisted", _("帮扶消除")
    NATURAL = "natural", _("自然消除")


@scope.register(region="village", departments="region")
class Helper(models.Model):
    """帮扶责任人: a named cadre who helps the household (may or may not have an account)."""

    name = models.CharField(_("姓名"), max_length=64)
    unit = models.CharField(_("工作单位"), max_length=128)
    position = models.CharField(_("职务"), max_length=64, blank=True)
    phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("负责村"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("系统账户"),
    )
    active = models.BooleanField(_("在岗"), default=True)

    class Meta:
        ordering = ["village", "name"]
        verbose_name = _("帮扶责任人")
        verbose_name_plural = _("帮扶责任人")

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）"


@scope.register(region="village", departments="touched", household="household")
class MonitoringCase(models.Model):
    """One household's monitoring file. ``state`` moves only through services.case_transition."""

    number = models.CharField(_("案件编号"), max_length=24, unique=True)
    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, related_name="monitoring_cases", verbose_name=_("农户")
    )
    # Denormalised from the household (a household never changes village): the scope and indexes use it.
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("所在村"))
    channel = models.CharField(_("发现渠道"), max_length=24, choices=Channel.choices)
    source_ref = models.CharField(_("来源编号"), max_length=64, blank=True, help_text=_("部门预警编号或自主申报受理号"))
    description = models.TextField(_("情况描述"), blank=True)
    state = models.CharField(_("当前环节"), max_length=32, db_index=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    kind = models.CharField(_("监测对象类别"), max_length=16, choices=MonitoringKind.choices, blank=True)
    risk_types = models.JSONField(_("风险类型"), default=list)
    # "|01|09|": the same codes as text, so that filtering by a risk type is one indexed-free LIKE on
    # every back end (kept by the services together with risk_types).
    risk_codes = models.CharField(_("风险类型代码"), max_length=40, blank=True)
    authorisation_signed = models.BooleanField(_("已签署授权承诺书"), default=False)
    income_12m = models.DecimalField(
        _("近12个月家庭纯收入（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    spending_12m = models.DecimalField(
        _("近12个月合规自付支出（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    per_capita_income = models.DecimalField(
        _("人均纯收入（扣除合规自付支出，元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    # The other two identification factors (income and 刚性支出 are the two amounts above).
    hardship = models.TextField(_("突发困难情况"), blank=True)
    coping = models.CharField(_("自身应对能力"), max_length=16, choices=Coping.choices, blank=True)
    helper = models.ForeignKey(
        Helper, on_delete=models.PROTECT, null=True, blank=True, related_name="cases", verbose_name=_("帮扶责任人")
    )
    fast_track = models.BooleanField(_("先帮扶后认定"), default=False)
    discovered_on = models.DateField(_("发现日期"))
    step_since = models.DateField(_("本环节开始日期"))
    posting_start = models.DateField(_("公示开始日期"), null=True, blank=True)
    decided_on = models.DateField(_("认定决定日期"), null=True, blank=True)
    identified_on = models.DateField(_("纳入监测日期"), null=True, blank=True)
    elimination_proposed_on = models.DateField(_("提出风险消除日期"), null=True, blank=True)
    elimination_way = models.CharField(_("风险消除方式"), max_length=16, choices=ElimWay.choices, blank=True)
    eliminated_on = models.DateField(_("风险消除日期"), null=True, blank=True)
    closing_reason = models.CharField(_("不予纳入原因"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记人"),
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["-discovered_on", "-id"]
        verbose_name = _("监测对象案件")
        verbose_name_plural = _("监测对象案件")
        constraints = [
            # A household has at most one open case (the service says so in Chinese first).
            models.UniqueConstraint(
                fields=["household"],
                condition=~Q(state__in=["eliminated", "not_admitted"]),
                name="case_one_open_per_household",
            ),
        ]
        indexes = [models.Index(fields=["village", "state"], name="case_village_state")]

    def __str__(self) -> str:
        return f"{self.number}"

    @property
    def state_label(self) -> str:
        from .workflow import STATES

        return str(STATES[self.state].label)

    @property
    def risk_label(self) -> str:
        return risk_labels(self.risk_types)

    @property
    def is_open(self) -> bool:
        return self.state not in {"eliminated", "not_admitted"}


@scope.register(region="case__village", departments="touched", household="case__household")
class CaseEvent(models.Model):
    """One line of the case's timeline: a transition (or a recorded act) with who, when, why."""

    case = models.ForeignKey(MonitoringCase, on_delete=models.PROTECT, related_name="events", verbose_name=_("案件"))
    transition = models.CharField(_("操作"), max_length=32)
    label = models.CharField(_("操作名称"), max_length=64)
    from_state = models.CharField(_("原环节"), max_length=32, blank=True)
    to_state = models.CharField(_("新环节"), max_length=32, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("操作人")
    )
    actor_name = models.CharField(_("操作人"), max_length=150, blank=True)
    actor_level = models.CharField(_("操作层级"), max_length=16, blank=True)
    at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    date = models.DateField(_("办理日期"))
    decision = models.CharField(_("结论"), max_length=64, blank=True)
    reason = models.TextField(_("意见或理由"), blank=True)
    data = models.JSONField(_("登记内容"), default=dict, blank=True)
    warnings = models.JSONField(_("提示"), default=list, blank=True)

    class Meta:
        ordering = ["case", "at", "id"]
        verbose_name = _("案件办理记录")
        verbose_name_plural = _("案件办理记录")

    def __str__(self) -> str:
        return f"{self.label}（{self.date:%Y-%m-%d}）"


class EvidenceKind(models.TextChoices):
    PHOTO = "photo", _("照片")
    SCAN = "scan", _("扫描件")


@scope.register(region="case__village", departments="touched", household="case__household")
class Evidence(models.Model):
    """A stored file (photo or scanned form) attached to a step or a visit."""

    case = models.ForeignKey(MonitoringCase, on_delete=models.PROTECT, related_name="evidence", verbose_name=_("案件"))
    event = models.ForeignKey(
        CaseEvent, on_delete=models.PROTECT, null=True, blank=True, related_name="evidence", verbose_name=_("办理记录")
    )
    visit = models.ForeignKey(
        "Visit", on_delete=models.PROTECT, null=True, blank=True, related_name="evidence", verbose_name=_("走访记录")
    )
    kind = models.CharField(_("类型"), max_length=8, choices=EvidenceKind.choices)
    file = models.FileField(_("文件"), upload_to="monitoring/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("文件格式"), max_length=64)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("上传人")
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")

    def __str__(self) -> str:
        return self.original_name


class MeasureCategory(models.TextChoices):
    """The 14 national assistance categories, stored as the codes of their national code tables
    (100A39–100A55, in the order of the national list; ``docs/monitoring.md`` §帮扶措施)."""

    INDUSTRY = "100A39", _("产业帮扶")
    EMPLOYMENT = "100A40", _("就业帮扶")
    FINANCE = "100A41", _("金融帮扶（小额信贷）")
    PUBLIC_JOB = "100A42", _("公益岗位帮扶")
    HEALTH = "100A43", _("健康帮扶")
    COMPULSORY_EDUCATION = "100A44", _("义务教育保障")
    OTHER_EDUCATION = "100A45", _("其他教育帮扶")
    SAFETY_NET = "100A46", _("综合保障（低保、特困）")
    HOUSING = "100A47", _("住房安全保障")
    WATER = "100A48", _("饮水安全保障")
    SOCIAL = "100A49", _("社会帮扶")
    RELOCATION = "100A50", _("易地搬迁")
    LIVING = "100A51", _("生产生活条件改善")
    INFRASTRUCTURE = "100A52", _("基础设施")


# The English slugs the categories were stored as before the national codes (migration 0002
# converted the rows); the API still accepts them as input.
LEGACY_CATEGORY_SLUGS: dict[str, str] = {
    "industry": MeasureCategory.INDUSTRY,
    "employment": MeasureCategory.EMPLOYMENT,
    "finance": MeasureCategory.FINANCE,
    "public_job": MeasureCategory.PUBLIC_JOB,
    "health": MeasureCategory.HEALTH,
    "compulsory_education": MeasureCategory.COMPULSORY_EDUCATION,
    "other_education": MeasureCategory.OTHER_EDUCATION,
    "safety_net": MeasureCategory.SAFETY_NET,
    "housing": MeasureCategory.HOUSING,
    "water": MeasureCategory.WATER,
    "social": MeasureCategory.SOCIAL,
    "relocation": MeasureCategory.RELOCATION,
    "living": MeasureCategory.LIVING,
    "infrastructure": MeasureCategory.INFRASTRUCTURE,
}
MEASURE_CATEGORY_CHOICES = [(c.value, f"{c.value} {c.label}") for c in MeasureCategory]


def measure_category_code(value: str) -> str:
    """The national code of a category given as its code or as its former English slug ("" if neither)."""
    value = str(value or "").strip()
    if value in MeasureCategory.values:
        return value
    return str(LEGACY_CATEGORY_SLUGS.get(value, ""))


DEVELOPMENT_CATEGORIES = {
    MeasureCategory.INDUSTRY,
    MeasureCategory.EMPLOYMENT,
    MeasureCategory.FINANCE,
    MeasureCategory.PUBLIC_JOB,
}
ILLNESS_CATEGORIES = {MeasureCategory.HEALTH, MeasureCategory.SOCIAL, MeasureCategory.SAFETY_NET}
EDUCATION_CATEGORIES = {MeasureCategory.COMPULSORY_EDUCATION, MeasureCategory.OTHER_EDUCATION}


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", _("计划")
    UNDER_WAY = "under_way", _("实施中")
    DONE = "done", _("已落实")


@scope.register(region="case__village", departments="touched", household="case__household")
class Measure(models.Model):
    case = models.ForeignKey(MonitoringCase, on_delete=models.PROTECT, related_name="measures", verbose_name=_("案件"))
    category = models.CharField(_("措施类别"), max_length=24, choices=MeasureCategory.choices)
    content = models.CharField(_("帮扶内容"), max_length=300)
    unit = models.CharField(_("实施单位"), max_length=128)
    person = models.CharField(_("责任人"), max_length=64)
    start_on = models.DateField(_("开始日期"))
    end_on = models.DateField(_("结束日期"), null=True, blank=True)
    amount = models.DecimalField(_("资金或收益（元）"), max_digits=12, decimal_places=2, default=Decimal("0"))
    status = models.CharField(_("状态"), max_length=16, choices=MeasureStatus.choices, default=MeasureStatus.PLANNED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("登记人")
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        ordering = ["case", "start_on", "id"]
        verbose_name = _("帮扶措施")
        verbose_name_plural = _("帮扶措施")
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="measure_amount_not_negative")]

    def __str__(self) -> str:
        return f"{self.get_category_display()}：{self.content}"

    @property
    def category_display(self) -> str:
        """ "代码 名称", as forms and pages show a category."""
        return f"{self.category} {self.get_category_display()}"


@scope.register(region="case__village", departments="touched", household="case__household")
class Visit(models.Model):
    """A helper's visit: what changed, an income update (annualised per capita), photos."""

    case = models.ForeignKey(MonitoringCase, on_delete=models.PROTECT, related_name="visits", verbose_name=_("案件"))
    date = models.DateField(_("走访日期"))
    helper = models.ForeignKey(
        Helper, on_delete=models.PROTECT, null=True, blank=True, related_name="visits", verbose_name=_("走访人")
    )
    changes = models.TextField(_("家庭变化情况"))
    per_capita_income = models.DecimalField(
        _("人均纯收入测算（元/年）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("记录人")
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    # The idempotency key of a write queued on a phone (the field app): a resend of the same
    # client id returns the visit already recorded instead of a second one.
    client_id = models.CharField(_("客户端编号"), max_length=64, blank=True, default="")

    class Meta:
        ordering = ["case", "-date", "-id"]
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "client_id"], condition=~Q(client_id=""), name="visit_one_per_client_id"
            )
        ]

    def __str__(self) -> str:
        return f"走访记录（{self.date:%Y-%m-%d}）"


class ApplicationStatus(models.TextChoices):
    RECEIVED = "received", _("已受理，待村里核实")
    CASE = "case", _("已转为监测案件")
    CLOSED = "closed", _("已办结")


@scope.register(region="village", departments="none")  # names and phones: not for line departments
class Application(models.Model):
    """A villager's own application from the public page; lands in the village's inbox."""

    reference = models.CharField(_("受理号"), max_length=20, unique=True)
    name = models.CharField(_("申请人姓名"), max_length=64)
    phone = models.CharField(_("联系电话"), max_length=32)
    id_hash = models.CharField(_("身份证号索引"), max_length=64, db_index=True)
    id_masked = models.CharField(_("身份证号"), max_length=18)
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("所在村"))
    risk_type = models.CharField(_("风险类型"), max_length=4, choices=RISK_CHOICES)
    description = models.TextField(_("遇到的困难"))
    status = models.CharField(
        _("办理状态"), max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.RECEIVED
    )
    case = models.ForeignKey(
        MonitoringCase, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("监测案件")
    )
    closing_note = models.CharField(_("办结说明"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)

    audit_exclude = {"id_hash"}

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("自主申报")
        verbose_name_plural = _("自主申报")

    def __str__(self) -> str:
        return self.reference


class PublicAttempt(models.Model):
    """Rate limiting of the public pages, kept in the database (works across workers, testable)."""

    kind = models.CharField(_("类别"), max_length=16)  # "apply" or "status"
    ip = models.GenericIPAddressField(_("地址"), null=True)
    id_hash = models.CharField(_("身份证号摘要"), max_length=64, blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    audit_skip = True

    class Meta:
        verbose_name = _("公开服务访问记录")
        verbose_name_plural = _("公开服务访问记录")
        indexes = [
            models.Index(fields=["kind", "ip", "at"], name="publicattempt_ip"),
            models.Index(fields=["kind", "id_hash", "at"], name="publicattempt_id"),
        ]

    def __str__(self) -> str:
        return f"{'自主申报' if self.kind == 'apply' else '进度查询'}（{timezone.localtime(self.at):%Y-%m-%d %H:%M}）"


@scope.register(region="case__village", departments="touched", household="case__household")
class CaseSource(models.Model):
    """The case's discovery list (发现来源): the signal that opened it and every later one attached
    to it (a department alert on a household that already has an open case). ``flags`` are the
    household's 三保障/饮水 flags the signal confirmed as not secured; eliminating the risk
    restores them (registry.services.household_record_apply)."""

    case = models.ForeignKey(MonitoringCase, on_delete=models.PROTECT, related_name="sources", verbose_name=_("案件"))
    source_ref = models.CharField(_("来源编号"), max_length=64)
    label = models.CharField(_("来源"), max_length=200)
    flags = models.JSONField(_("确认未保障的项目"), default=list, blank=True)
    added_on = models.DateField(_("并入日期"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("操作人")
    )

    class Meta:
        ordering = ["added_on", "id"]
        verbose_name = _("案件发现来源")
        verbose_name_plural = _("案件发现来源")
        constraints = [models.UniqueConstraint(fields=["case", "source_ref"], name="case_source_once")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.label}"
