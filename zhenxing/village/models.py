"""乡村建设 and the village profile (plan tasks 12–14, parts of 15, 19, 21, 23): each village's yearly
profile (村庄分类, 村庄规划, 两委, the 管护 of its toilets), its 村规民约 and 示范 recommendations, the
household toilet census with problem toilets rectified through the ledger and 回头看 rounds, the
living-environment records (sewage, garbage, 村庄清洁 rounds), the 乡村建设 projects of the funds pool
(a project type there, with a category and a task list here) and rural talent.

Population and households are read from the registry, never typed; people (两委, talent) are the
registry's members by ID hash, never copied."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhenxing.accounts import scope
from zhenxing.accounts.models import Department

# The line departments whose work these records are (plan tasks 12–14, DOMAIN.md): 农村厕所革命,
# 人居环境 and the village's profile are 农业农村's; the 乡村建设 projects also 住建's. Their accounts
# read the records of their region (accounts.scope ``read_by``), never write them.
AGRICULTURE = (Department.AGRICULTURE,)
CONSTRUCTION = (Department.AGRICULTURE, Department.HOUSING)


class VillageClass(models.TextChoices):
    GATHER = "gather", _("集聚提升类")
    SUBURB = "suburb", _("城郊融合类")
    HERITAGE = "heritage", _("特色保护类")
    RELOCATE = "relocate", _("搬迁撤并类")
    UNCLASSIFIED = "unclassified", _("暂不分类")


class PlanStatus(models.TextChoices):
    NONE = "none", _("未编制")
    DRAFTING = "drafting", _("编制中")
    APPROVED = "approved", _("已批复")


@scope.register(region="village", read_by=AGRICULTURE)
class VillageProfile(models.Model):
    """A village's profile for one year (a new year starts from a copy of the last)."""

    village = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="profiles", verbose_name=_("村")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    village_class = models.CharField(
        _("村庄分类"), max_length=16, choices=VillageClass.choices, default=VillageClass.UNCLASSIFIED
    )
    plan_status = models.CharField(_("村庄规划"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.NONE)
    plan_approved_on = models.DateField(_("规划批复日期"), null=True, blank=True)
    plan_document = models.CharField(_("规划批复文号"), max_length=120, blank=True)
    upkeep_manager = models.CharField(_("户厕管护责任人"), max_length=60, blank=True)
    upkeep_service = models.CharField(_("粪污清掏服务"), max_length=120, blank=True)
    upkeep_fee = models.CharField(_("管护收费办法"), max_length=120, blank=True)
    note = models.CharField(_("备注"), max_length=300, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("填报人")
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("村庄档案")
        verbose_name_plural = _("村庄档案")
        ordering = ["village__code", "-year"]
        constraints = [models.UniqueConstraint(fields=["village", "year"], name="village_profile_year")]

    def __str__(self) -> str:
        return f"{self.village.name}{self.year}年村庄档案"


class CadrePost(models.TextChoices):
    SECRETARY = "secretary", _("党组织书记")
    DIRECTOR = "director", _("村委会主任")
    BOTH = "both", _("书记兼主任")
    DEPUTY = "deputy", _("副书记")
    MEMBER = "member", _("两委委员")


class AgeBand(models.TextChoices):
    UNDER35 = "u35", _("35岁以下")
    TO45 = "35_45", _("35至45岁")
    TO55 = "45_55", _("45至55岁")
    OVER55 = "o55", _("55岁以上")


class Education(models.TextChoices):
    PRIMARY = "primary", _("小学及以下")
    JUNIOR = "junior", _("初中")
    SENIOR = "senior", _("高中或中专")
    COLLEGE = "college", _("大专及以上")


@scope.register(region="profile__village", read_by=AGRICULTURE)
class Cadre(models.Model):
    """A member of the village's 两委 in the profile's year (the person by ID hash; the name is read
    from the registry and the ID number shown only masked)."""

    profile = models.ForeignKey(VillageProfile, on_delete=models.CASCADE, related_name="cadres", verbose_name=_("档案"))
    id_hash = models.CharField(_("身份证号索引"), max_length=64)
    post = models.CharField(_("职务"), max_length=16, choices=CadrePost.choices)
    age_band = models.CharField(_("年龄段"), max_length=8, choices=AgeBand.choices)
    education = models.CharField(_("学历"), max_length=8, choices=Education.choices)
    veteran = models.BooleanField(_("退役军人"), default=False)
    graduate = models.BooleanField(_("返乡大学生"), default=False)

    audit_exclude = {"id_hash"}

    class Meta:
        verbose_name = _("两委成员")
        verbose_name_plural = _("两委成员")
        ordering = ["profile", "id"]
        constraints = [models.UniqueConstraint(fields=["profile", "id_hash"], name="village_cadre_once")]

    def __str__(self) -> str:
        return f"两委成员（{self.get_post_display()}）"


class RuleState(models.TextChoices):
    DRAFT = "draft", _("草案")
    VOTED = "voted", _("会议表决通过")
    FILED = "filed", _("乡镇备案")
    POSTED = "posted", _("已公布")
    SUPERSEDED = "superseded", _("已废止")


class Meeting(models.TextChoices):
    ASSEMBLY = "assembly", _("村民会议")
    REPRESENTATIVES = "representatives", _("村民代表会议")


@scope.register(region="village", read_by=AGRICULTURE)
class VillageRule(models.Model):
    """村规民约: drafted, voted by the 村民会议 or 村民代表会议, filed with the township, posted.
    Posting a new one supersedes the village's earlier posted one."""

    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("村"))
    title = models.CharField(_("标题"), max_length=100)
    items = models.TextField(_("条款"), help_text=_("每行一条：移风易俗、红白事标准、婚嫁彩礼、人居环境、邻里关系等"))
    state = models.CharField(_("状态"), max_length=16, choices=RuleState.choices, default=RuleState.DRAFT)
    meeting = models.CharField(_("表决会议"), max_length=20, choices=Meeting.choices, blank=True)
    vote_record = models.CharField(_("表决情况"), max_length=200, blank=True)
    voted_on = models.DateField(_("表决日期"), null=True, blank=True)
    filing_number = models.CharField(_("备案编号"), max_length=60, blank=True)
    filed_on = models.DateField(_("备案日期"), null=True, blank=True)
    posted_on = models.DateField(_("公布日期"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("起草人")
    )
    created_at = models.DateTimeField(_("起草时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("村规民约")
        verbose_name_plural = _("村规民约")
        ordering = ["village__code", "-id"]

    def __str__(self) -> str:
        return self.title

    def item_lines(self) -> list[str]:
        return [line.strip() for line in self.items.splitlines() if line.strip()]


class HonourKind(models.TextChoices):
    MODEL_VILLAGE = "model_village", _("乡村振兴示范村")
    LIVABLE = "livable", _("美丽宜居村庄")
    SECRETARY = "secretary", _("好支书")


class HonourState(models.TextChoices):
    RECOMMENDED = "recommended", _("村级推荐")
    TOWNSHIP = "township", _("乡镇审核通过")
    APPROVED = "approved", _("县级审定命名")
    REFUSED = "refused", _("未通过")


@scope.register(region="village", read_by=AGRICULTURE)
class Honour(models.Model):
    """A 示范 recommendation and, once the county approves it, the village's title."""

    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("村"))
    kind = models.CharField(_("示范类别"), max_length=16, choices=HonourKind.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    reason = models.CharField(_("推荐理由"), max_length=300)
    state = models.CharField(_("状态"), max_length=16, choices=HonourState.choices, default=HonourState.RECOMMENDED)
    decision = models.CharField(_("审核意见或命名文号"), max_length=200, blank=True)
    decided_on = models.DateField(_("审定日期"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    recommended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("推荐人")
    )

    class Meta:
        verbose_name = _("示范推荐")
        verbose_name_plural = _("示范推荐")
        ordering = ["-year", "village__code"]
        constraints = [models.UniqueConstraint(fields=["village", "kind", "year"], name="village_honour_once")]

    def __str__(self) -> str:
        return f"{self.year}年{self.get_kind_display()}"


class ToiletKind(models.TextChoices):
    FLUSH = "flush", _("水冲式")
    DRY = "dry", _("卫生旱厕")
    DIVERTING = "diverting", _("粪尿分集式")
    BIOGAS = "biogas", _("三格化粪池或沼气池（无害化）")
    PLAIN = "plain", _("普通旱厕（非卫生）")


SANITARY_KINDS = (ToiletKind.FLUSH, ToiletKind.DRY, ToiletKind.DIVERTING, ToiletKind.BIOGAS)


class ToiletMode(models.TextChoices):
    WATER = "water", _("宜水则水")
    DRY = "dry", _("宜旱则旱")


class ToiletProblem(models.TextChoices):
    FROZEN = "frozen", _("冬季冻堵无法使用")
    LEAK = "leak", _("化粪池渗漏")
    CLEANOUT = "cleanout", _("粪污清掏不及时")
    UNUSED = "unused", _("建而未用")
    QUALITY = "quality", _("建设质量不达标")
    OTHER = "other", _("其他")


class ToiletStatus(models.TextChoices):
    OK = "ok", _("正常使用")
    PROBLEM = "problem", _("问题厕所待整改")
    RECTIFYING = "rectifying", _("回头看发现问题，重新整改")
    RECTIFIED = "rectified", _("已整改")


@scope.register(region="village", read_by=AGRICULTURE)
class Toilet(models.Model):
    """户厕摸排: one row per household (the census), with its problem and rectification."""

    household = models.OneToOneField(
        "registry.Household", on_delete=models.PROTECT, related_name="toilet", verbose_name=_("农户")
    )
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("村"))
    surveyed_on = models.DateField(_("摸排日期"))
    has_toilet = models.BooleanField(_("有户厕"), default=True)
    kind = models.CharField(_("厕所类型"), max_length=16, choices=ToiletKind.choices, blank=True)
    mode = models.CharField(_("技术模式"), max_length=8, choices=ToiletMode.choices, blank=True)
    indoor = models.BooleanField(_("室内"), default=False)
    built_year = models.PositiveSmallIntegerField(_("建设（改造）年度"), null=True, blank=True)
    funding = models.CharField(_("资金来源"), max_length=60, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=ToiletStatus.choices, default=ToiletStatus.OK)
    problem = models.CharField(_("问题类型"), max_length=16, choices=ToiletProblem.choices, blank=True)
    problem_note = models.CharField(_("问题说明"), max_length=200, blank=True)
    found_on = models.DateField(_("发现日期"), null=True, blank=True)
    deadline = models.DateField(_("整改时限"), null=True, blank=True)
    item_id = models.PositiveIntegerField(_("整改事项编号"), null=True, blank=True)
    rectified_on = models.DateField(_("整改完成日期"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        verbose_name = _("户厕")
        verbose_name_plural = _("户厕")
        ordering = ["village", "id"]
        indexes = [models.Index(fields=["village", "status"], name="village_toilet_status")]

    def __str__(self) -> str:
        return f"户厕（{self.get_kind_display() or '无户厕'}）"

    @property
    def sanitary(self) -> bool:
        return self.has_toilet and self.kind in SANITARY_KINDS


@scope.register(region="region", read_by=AGRICULTURE)
class RecheckRound(models.Model):
    """回头看: a round over a county or township, rechecking a sample of the rectified toilets."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区划"))
    name = models.CharField(_("名称"), max_length=100)
    started_on = models.DateField(_("开始日期"))
    sample_percent = models.PositiveSmallIntegerField(_("抽查比例（%）"), default=20)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("组织人")
    )

    class Meta:
        verbose_name = _("户厕回头看")
        verbose_name_plural = _("户厕回头看")
        ordering = ["-started_on", "-id"]

    def __str__(self) -> str:
        return self.name


@scope.register(region="toilet__village", read_by=AGRICULTURE)
class Recheck(models.Model):
    """One sampled toilet of a round: checked or not yet, and what was found."""

    round = models.ForeignKey(RecheckRound, on_delete=models.CASCADE, related_name="checks", verbose_name=_("回头看"))
    toilet = models.ForeignKey(Toilet, on_delete=models.PROTECT, related_name="rechecks", verbose_name=_("户厕"))
    checked_on = models.DateField(_("复查日期"), null=True, blank=True)
    passed = models.BooleanField(_("复查合格"), null=True)
    note = models.CharField(_("复查情况"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("回头看复查")
        verbose_name_plural = _("回头看复查")
        ordering = ["round", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "toilet"], name="village_recheck_once")]

    def __str__(self) -> str:
        return "回头看复查"


class SewageMode(models.TextChoices):
    PIPED = "piped", _("纳入城镇管网")
    CENTRAL = "central", _("村级集中处理")
    SCATTERED = "scattered", _("分散处理")
    NONE = "none", _("未处理")


@scope.register(region="village", read_by=AGRICULTURE)
class SewageRecord(models.Model):
    """生活污水: the village's treatment in a year, and its 黑臭水体."""

    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("村"))
    year = models.PositiveSmallIntegerField(_("年度"))
    mode = models.CharField(_("治理模式"), max_length=16, choices=SewageMode.choices)
    households_covered = models.PositiveIntegerField(_("覆盖户数"), default=0)
    black_water_bodies = models.PositiveSmallIntegerField(_("黑臭水体（处）"), default=0)
    black_water_fixed = models.PositiveSmallIntegerField(_("已治理黑臭水体（处）"), default=0)
    greening_rate = models.DecimalField(_("村庄绿化覆盖率（%）"), max_digits=5, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("生活污水治理")
        verbose_name_plural = _("生活污水治理")
        ordering = ["village__code", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["village", "year"], name="village_sewage_year"),
            models.CheckConstraint(
                condition=Q(black_water_fixed__lte=models.F("black_water_bodies")), name="village_black_fixed"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年生活污水治理"


class Disposal(models.TextChoices):
    TRANSFER = "transfer", _("村收集、镇转运、县处理")
    LOCAL = "local", _("就地就近处理")
    NONE = "none", _("未收运处理")


@scope.register(region="village", read_by=AGRICULTURE)
class GarbageRecord(models.Model):
    """生活垃圾: collection points, transport, disposal, the 分类 pilot."""

    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("村"))
    year = models.PositiveSmallIntegerField(_("年度"))
    collection_points = models.PositiveSmallIntegerField(_("收集点（个）"), default=0)
    transport = models.CharField(_("转运方式"), max_length=60, blank=True)
    disposal = models.CharField(_("处理方式"), max_length=16, choices=Disposal.choices)
    households_covered = models.PositiveIntegerField(_("覆盖户数"), default=0)
    sorting_pilot = models.BooleanField(_("垃圾分类试点"), default=False)

    class Meta:
        verbose_name = _("生活垃圾收运处置")
        verbose_name_plural = _("生活垃圾收运处置")
        ordering = ["village__code", "-year"]
        constraints = [models.UniqueConstraint(fields=["village", "year"], name="village_garbage_year")]

    def __str__(self) -> str:
        return f"{self.year}年生活垃圾收运处置"


class Season(models.TextChoices):
    SPRING = "spring", _("春季战役")
    SUMMER = "summer", _("夏季战役")
    AUTUMN = "autumn", _("秋季战役")
    WINTER = "winter", _("冬季战役")


@scope.register(region="village", read_by=AGRICULTURE)
class CleaningRound(models.Model):
    """村庄清洁四季战役: an inspection of the village in a season, its score and problems found
    (which become a rectification item)."""

    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("村"))
    year = models.PositiveSmallIntegerField(_("年度"))
    season = models.CharField(_("战役"), max_length=8, choices=Season.choices)
    inspected_on = models.DateField(_("检查日期"))
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=1)
    problems = models.CharField(_("发现问题"), max_length=300, blank=True)
    item_id = models.PositiveIntegerField(_("整改事项编号"), null=True, blank=True)
    resolved_on = models.DateField(_("问题整改销号日期"), null=True, blank=True)
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("检查人")
    )

    class Meta:
        verbose_name = _("村庄清洁行动检查")
        verbose_name_plural = _("村庄清洁行动检查")
        ordering = ["-inspected_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["village", "year", "season"], name="village_cleaning_once"),
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=100), name="village_cleaning_score"),
        ]

    def __str__(self) -> str:
        return f"{self.year}年{self.get_season_display()}检查"


class Category(models.TextChoices):
    ROAD = "road", _("农村道路")
    WATER = "water", _("农村供水")
    ENERGY = "energy", _("清洁能源")
    TOILET = "toilet", _("厕所革命")
    ENVIRONMENT = "environment", _("人居环境")
    PUBLIC = "public", _("公共服务设施")
    OTHER = "other", _("其他")


@scope.register(region="project__village", read_by=CONSTRUCTION)
class ConstructionProject(models.Model):
    """The 乡村建设 side of a funds pool project of type 乡村建设: its category. The project itself
    (lifecycle, funds, disclosure) is the funds pool's."""

    project = models.OneToOneField(
        "funds.Project", on_delete=models.PROTECT, related_name="construction", verbose_name=_("项目")
    )
    category = models.CharField(_("建设类别"), max_length=16, choices=Category.choices)

    class Meta:
        verbose_name = _("乡村建设项目")
        verbose_name_plural = _("乡村建设项目")
        ordering = ["-project__year", "project__code"]

    def __str__(self) -> str:
        return f"{self.get_category_display()}：{self.project.name}"


@scope.register(region="village", read_by=CONSTRUCTION)
class ConstructionTask(models.Model):
    """任务清单: one task of a village under a 乡村建设 project."""

    construction = models.ForeignKey(
        ConstructionProject, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("乡村建设项目")
    )
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("村"))
    content = models.CharField(_("任务内容"), max_length=200)
    due_on = models.DateField(_("完成时限"))
    done_on = models.DateField(_("完成日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("乡村建设任务")
        verbose_name_plural = _("乡村建设任务")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.content


class TalentKind(models.TextChoices):
    CRAFTSMAN = "craftsman", _("乡村工匠")
    PRODUCER = "producer", _("生产经营型人才")
    TECHNICAL = "technical", _("技术技能型人才")
    SERVICE = "service", _("社会服务型人才")


class TalentLevel(models.TextChoices):
    PRIMARY = "primary", _("初级")
    MIDDLE = "middle", _("中级")
    SENIOR = "senior", _("高级")
    MASTER = "master", _("工匠名师")


@scope.register(region="village")
class Talent(models.Model):
    """A rural talent (乡村工匠 and others): the registry's member by ID hash."""

    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("村"))
    id_hash = models.CharField(_("身份证号索引"), max_length=64)
    kind = models.CharField(_("人才类别"), max_length=16, choices=TalentKind.choices)
    skill = models.CharField(_("技能"), max_length=60)
    level = models.CharField(_("等级"), max_length=8, choices=TalentLevel.choices)
    training = models.CharField(_("接受培训"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("登记人")
    )

    audit_exclude = {"id_hash"}

    class Meta:
        verbose_name = _("乡村人才")
        verbose_name_plural = _("乡村人才")
        ordering = ["village__code", "id"]
        constraints = [models.UniqueConstraint(fields=["id_hash", "kind"], name="village_talent_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.skill}）"
