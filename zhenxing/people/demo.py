"""Demo ledgers: the three governance pilot villages (奋斗村, 十八站鄂族村, 开库康村) get rules,
points, a store and list cases; they and two more villages (永丰村, and one in 呼玛县) get posts,
a workshop, labour export, a pairing and a work team. Dates are relative to today so the
warnings show. Idempotent: a village that already has points rules is left alone."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from zhenxing.accounts.models import User
from zhenxing.regions.models import Region
from zhenxing.registry.models import Household, Member, MemberStatus

from . import lists, points
from . import models as m

PILOTS = ["232722200206", "232722200202", "232722104201"]  # 奋斗村, 十八站鄂族村（鄂族村）, 开库康村
OTHERS = ["232722200208", "232721100201"]  # 永丰村, 呼玛示例一村 (another county, for the scope checks)
CADRE_ACCOUNTS = {"232722200206": "demo-fendou", "232722104201": "demo-kaikukang"}

RULES = [
    (m.PointCategory.PUBLIC_WORKS, "参加村内义务劳动（每次）", 5),
    (m.PointCategory.DISPUTES, "主动调解邻里纠纷并化解", 10),
    (m.PointCategory.CUSTOMS, "红白事简办（婚事新办、丧事简办）", 20),
    (m.PointCategory.CUSTOMS, "不要高价彩礼", 30),
    (m.PointCategory.TIDY_HOME, "庭院整洁评为“美丽庭院”", 10),
    (m.PointCategory.VOLUNTEERING, "参加森林防火、疫情防控志愿服务（每次）", 5),
    (m.PointCategory.HONOURS, "获得县级以上表彰", 50),
    (m.PointCategory.CUSTOMS, "大操大办、铺张浪费", -20),
    (m.PointCategory.TIDY_HOME, "柴草乱堆乱放，经提醒不整改", -5),
]
ITEMS = [("食用油（5升）", 60, 10), ("洗衣粉", 15, 30), ("大米（10公斤）", 50, 8), ("暖水瓶", 40, 1)]
POWERS = [
    (
        m.PowerCategory.SPENDING,
        "村集体资金支出",
        "《村民委员会组织法》；村级财务管理制度",
        [
            ("经办人提出申请", "经办人"),
            ("村党组织提议", "村党组织"),
            ("“两委”会议商议", "村“两委”"),
            ("村务监督委员会审核", "村务监督委员会"),
            ("乡镇审核报账", "乡镇农经站"),
            ("结果公开", "村委会"),
        ],
    ),
    (
        m.PowerCategory.CONTRACTING,
        "集体资产资源发包",
        "《农村土地承包法》",
        [
            ("拟定发包方案", "村委会"),
            ("村民代表会议表决", "村民代表会议"),
            ("公开招标或竞价", "村委会"),
            ("签订合同", "村委会"),
            ("合同备案并公开", "乡镇农经站"),
        ],
    ),
    (
        m.PowerCategory.SUBSIDY,
        "惠农补贴申请",
        "各项补贴政策文件",
        [("农户申请", "农户"), ("村委会初审", "村委会"), ("村内公示5天", "村委会"), ("乡镇审核", "乡镇")],
    ),
    (
        m.PowerCategory.HOUSING_SITE,
        "宅基地审批",
        "《土地管理法》第六十二条",
        [("农户申请", "农户"), ("村民小组讨论", "村民小组"), ("村委会审查并公示", "村委会"), ("报乡镇审批", "乡镇")],
    ),
]


def _actor(code: str):
    return User.objects.filter(username=CADRE_ACCOUNTS.get(code, "")).first()


def _months_ago(today: dt.date, n: int) -> dt.date:
    y, mth = divmod(today.year * 12 + today.month - 1 - n, 12)
    return dt.date(y, mth + 1, 1)


def load(*, out) -> None:
    today = timezone.localdate()
    loaded = 0
    counties = Region.objects.filter(code__in=["232722000000", "232721000000"])
    for county in counties:
        for year in (today.year - 1, today.year):
            m.CountySetting.objects.get_or_create(
                county=county,
                year=year,
                defaults={
                    "workshop_poor_share": Decimal("0.300") if county.code == "232722000000" else Decimal("0.250")
                },
            )
    for code in PILOTS + OTHERS:
        village = Region.objects.filter(code=code).first()
        if (
            village is None
            or m.PointRule.objects.filter(village=village).exists()
            or m.PublicPost.objects.filter(village=village).exists()
        ):
            continue
        households = list(Household.objects.filter(village=village).order_by("number"))
        if len(households) < 6:
            continue
        members = list(
            Member.objects.filter(household__village=village, status=MemberStatus.ACTIVE)
            .select_related("household")
            .order_by("household__number", "id")
        )
        poor = [x for x in members if x.household.formerly_poor]
        other = [x for x in members if not x.household.formerly_poor]
        _employment(village, today, poor, other)
        _social(village, today)
        _cadres(village, today, households)
        if code in PILOTS:
            _points(village, today, households)
            _lists(village, today)
        loaded += 1
    out.write(f"就业帮扶与乡村治理：新增 {loaded} 个村的演示台账\n")


def _employment(village, today, poor, other):
    pick = poor + other
    posts = [
        m.PublicPost.objects.create(
            village=village,
            name=f"{village.name}保洁员",
            kind=m.PostKind.SANITATION,
            monthly_pay=Decimal("800"),
            funding=m.Funding.LINKAGE,
        ),
        m.PublicPost.objects.create(
            village=village,
            name=f"{village.name}护林员",
            kind=m.PostKind.FOREST,
            monthly_pay=Decimal("1000"),
            funding=m.Funding.COUNTY,
        ),
    ]
    start_old = dt.date(today.year - 2, 3, 1)
    holders = pick[:3]
    for i, person in enumerate(holders):
        end = None
        if i == 2 and village.code == "232722200206":
            end = today - dt.timedelta(days=40)  # 奋斗村: one formerly-poor holder left → year-on-year warning
        h = m.PostHolding.objects.create(post=posts[i % 2], member=person, start=start_old, end=end)
        for k in range(1, 4):
            month = _months_ago(today, k)
            if end is None or month <= end:
                m.PostPay.objects.create(holding=h, month=month, days_worked=22, pay=posts[i % 2].monthly_pay)
    shop = m.Workshop.objects.create(
        village=village,
        name=f"{village.name}蓝莓加工帮扶车间",
        owner="兴安岭林特产品合作社",
        products="蓝莓果酱、冻干蓝莓",
        policy_support="衔接资金厂房补助、以工代赈",
        support_amount=Decimal("200000"),
    )
    # 开库康村's workshop employs few formerly-poor workers: below the county share.
    n_poor = 0 if village.code == "232722104201" else 2
    workers = poor[3 : 3 + n_poor] + other[:3]
    for person in workers:
        m.WorkshopWorker.objects.create(
            workshop=shop, member=person, start=dt.date(today.year - 1, 5, 1), monthly_wage=Decimal("2600")
        )
    for person, dest, sector, income, until in [
        (other[3] if len(other) > 3 else pick[-1], "哈尔滨市", "建筑业", Decimal("4500"), None),
        (
            other[4] if len(other) > 4 else pick[-2],
            "大连市",
            "餐饮服务",
            Decimal("3800"),
            today - dt.timedelta(days=20),
        ),
    ]:
        m.LabourExport.objects.create(
            member=person,
            destination=dest,
            sector=sector,
            monthly_income=income,
            since=dt.date(today.year - 1, 3, 1),
            until=until,
        )


def _social(village, today):
    p = m.Pairing.objects.create(
        village=village,
        partner="黑龙江省某农业发展有限公司",
        partner_kind=m.PartnerKind.ENTERPRISE,
        since=dt.date(today.year - 1, 4, 1),
        committed_projects=1,
        committed_money=Decimal("300000"),
        committed_jobs=10,
        committed_purchases=Decimal("100000"),
    )
    m.Delivery.objects.create(
        pairing=p,
        date=dt.date(today.year - 1, 9, 1),
        kind=m.DeliveryKind.MONEY,
        amount=Decimal("150000"),
        note="捐建村级蓝莓冷库",
    )
    m.Delivery.objects.create(
        pairing=p, date=dt.date(today.year - 1, 10, 1), kind=m.DeliveryKind.JOBS, count=4, note="吸纳本村劳动力就业"
    )
    m.Delivery.objects.create(
        pairing=p,
        date=today - dt.timedelta(days=30),
        kind=m.DeliveryKind.PURCHASE,
        amount=Decimal("42000"),
        note="采购山野菜、蓝莓",
    )


def _cadres(village, today, households):
    team = m.WorkTeam.objects.create(village=village, unit="大兴安岭地区某局", start=dt.date(today.year - 1, 1, 10))
    c1 = m.Cadre.objects.create(
        team=team,
        name=f"{village.name[:1]}书记",
        position=m.CadrePosition.FIRST_SECRETARY,
        home_unit="大兴安岭地区某局",
        phone="13900000001",
        start=team.start,
    )
    c2 = m.Cadre.objects.create(
        team=team,
        name=f"{village.name[:1]}队员",
        position=m.CadrePosition.MEMBER,
        home_unit="塔河县某局",
        phone="13900000002",
        start=team.start,
    )
    logs = []
    day = dt.date(today.year, 1, 1)
    i = 0
    while day <= today:
        if day.weekday() < 5 or day.weekday() == 5 and i % 2 == 0:
            logs.append(m.WorkLog(cadre=c1, date=day, in_village=True, content="入户走访、政策宣讲"))
            if i % 3 == 0:  # the member is often away: below the required days
                logs.append(m.WorkLog(cadre=c2, date=day, in_village=True, content="整理帮扶台账"))
        day += dt.timedelta(days=1)
        i += 1
    m.WorkLog.objects.bulk_create(logs)
    for h in households[:3]:
        m.CadreHousehold.objects.create(cadre=c1, household=h)
    m.Training.objects.create(
        cadre=c1, date=dt.date(today.year - 1, 3, 15), title="全区驻村干部轮训", hours=Decimal("16")
    )
    m.CadreAssessment.objects.create(cadre=c1, year=today.year - 1, result=m.AssessmentResult.EXCELLENT)
    m.CadreAssessment.objects.create(cadre=c2, year=today.year - 1, result=m.AssessmentResult.COMPETENT)


def _points(village, today, households):
    actor = _actor(village.code)
    rules = [m.PointRule.objects.create(village=village, category=c, name=n, points=p) for c, n, p in RULES]
    items = [m.StoreItem.objects.create(village=village, name=n, price=p, stock=s) for n, p, s in ITEMS]
    leader = "第一村民小组长"
    for i, h in enumerate(households[:8]):
        rule = rules[i % 7]
        e = points.entry_propose(
            actor=actor, household=h, rule=rule, date=today - dt.timedelta(days=20), proposer_name=leader
        )
        if i < 6:
            e = points.entry_transition(actor=actor, entry=e, action="confirm", today=today - dt.timedelta(days=15))
            e = points.entry_transition(actor=actor, entry=e, action="post", today=today - dt.timedelta(days=14))
            points.entry_transition(actor=actor, entry=e, action="credit", today=today - dt.timedelta(days=10))
        elif i == 6:
            points.entry_transition(actor=actor, entry=e, action="confirm", today=today)
    # a deduction, and a redemption of goods
    e = points.entry_propose(
        actor=actor,
        household=households[0],
        rule=rules[7],
        date=today - dt.timedelta(days=9),
        proposer_name=leader,
        note="婚宴超出标准",
    )
    e = points.entry_transition(actor=actor, entry=e, action="confirm", today=today - dt.timedelta(days=8))
    points.entry_transition(actor=actor, entry=e, action="post", today=today - dt.timedelta(days=2))
    points.redeem(actor=actor, household=households[2], item=items[1], quantity=1, date=today - dt.timedelta(days=3))


def _lists(village, today):
    actor = _actor(village.code)
    made = []
    for n, (cat, name, basis, steps) in enumerate(POWERS, 1):
        p = m.Power.objects.create(village=village, number=n, name=name, category=cat, basis=basis)
        for order, (step, who) in enumerate(steps, 1):
            m.PowerStep.objects.create(power=p, order=order, name=step, actor=who, time_limit_days=5)
        made.append(p)
    done = lists.case_open(
        actor=actor,
        power=made[2],
        title="耕地地力保护补贴申请",
        applicant="村民代表",
        opened=today - dt.timedelta(days=30),
    )
    for s in made[2].steps.all():
        done = lists.case_step_record(
            actor=actor, case=done, step=s, done_by="村会计", done_on=today - dt.timedelta(days=20)
        )
    going = lists.case_open(
        actor=actor,
        power=made[0],
        title="购置村部办公桌椅（3200元）",
        applicant="村报账员",
        opened=today - dt.timedelta(days=6),
    )
    for s in made[0].steps.all()[:2]:
        going = lists.case_step_record(
            actor=actor, case=going, step=s, done_by="村党支部书记", done_on=today - dt.timedelta(days=5)
        )
