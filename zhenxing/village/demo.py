"""Demo 乡村建设 data for every demo village (those with registry households): this year's profile
(class, plan, 管护), three 两委 members and two talents from the registry, the toilet census of every
household (set-based), three problem toilets per village rectified through the ledger (one closed,
one being fixed, one just found), one county 回头看 round with a recheck recorded, sewage and garbage
records, a spring cleaning inspection (problems in some villages become items), a posted 村规民约,
a 乡村建设 project in the funds pool with its task list, and 示范 recommendations. Idempotent."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from zhenxing.accounts.models import Role, User
from zhenxing.funds import services as funds
from zhenxing.funds import workflow as funds_workflow
from zhenxing.funds.demo import demo_actor
from zhenxing.funds.models import STATUS_ORDER, Project, ProjectStatus, ProjectType
from zhenxing.ledger import services as ledger
from zhenxing.ledger.models import RectificationItem
from zhenxing.regions.models import Level, Region
from zhenxing.registry.idnumber import decrypt
from zhenxing.registry.models import Household, Member, MemberStatus

from . import services, toilets
from .models import ToiletStatus, VillageProfile

CLASSES = ["gather", "suburb", "heritage", "gather", "unclassified", "relocate"]
KINDS = ["flush"] * 14 + ["dry"] * 3 + ["biogas", "plain", ""]  # "" = no toilet
RULE_ITEMS = """一、移风易俗，红事新办、白事简办，婚事不索要高额彩礼，酒席不超过规定桌数。
二、孝老爱亲，赡养老人，不虐待、不遗弃家庭成员。
三、爱护环境，垃圾定点投放，不乱堆乱放，门前三包，积极参加村庄清洁行动。
四、厕所粪污按时清掏，不直排入河沟。
五、邻里和睦，遇事协商，不聚众闹事，不参与赌博和封建迷信活动。
六、遵守森林防火规定，不野外用火。
七、违反本约定的，由村民委员会批评教育，并纳入积分制管理。"""


def _person(role: str, node: Region) -> User:
    user = User.objects.filter(role=role, region=node, is_active=True, username__startswith="demo-").first()
    return user or demo_actor(role, node)


def load(*, out) -> None:
    today = timezone.localdate()
    villages = list(
        Region.objects.filter(level=Level.VILLAGE, pk__in=Household.objects.values("village_id"))
        .select_related("parent", "parent__parent")
        .order_by("code")
    )
    if not villages or VillageProfile.objects.filter(village__in=villages).exists():
        out.write("乡村建设：演示数据已存在或无演示村\n")
        return
    with transaction.atomic():
        for i, village in enumerate(villages):
            _village(village, i, today)
        counties = {v.parent.parent_id for v in villages if v.parent and v.parent.parent_id}
        for county in Region.objects.filter(pk__in=counties, level=Level.COUNTY):
            _recheck(county, today)
    out.write(f"乡村建设：{len(villages)} 个村的档案、户厕、人居环境、村规民约和乡村建设项目\n")


def _village(village: Region, i: int, today: dt.date) -> None:
    year = today.year
    approved = i % 3 != 2
    profile = services.profile_save(
        actor=None,
        village=village,
        year=year,
        village_class=CLASSES[i % len(CLASSES)],
        plan_status="approved" if approved else ("drafting" if i % 2 else "none"),
        plan_approved_on=dt.date(year - 1, 9, 20) if approved else None,
        plan_document=f"{village.parent.parent.name if village.parent.parent else ''}政复〔{year - 1}〕{30 + i}号"
        if approved
        else "",
        upkeep_manager="村委会（村级保洁员兼管护员）",
        upkeep_service="乡镇吸污车每季度清掏，农户电话预约",
        upkeep_fee="清掏每次收费20元，脱贫户和监测户免收",
    )
    people = list(
        Member.objects.filter(household__village=village, status=MemberStatus.ACTIVE, relation="head").order_by("id")[
            :5
        ]
    )
    for person, post in zip(people[:3], ["both", "deputy", "member"], strict=False):
        services.cadre_add(
            actor=None,
            profile=profile,
            id_number=decrypt(person.id_cipher),
            post=post,
            age_band="45_55" if post == "both" else "35_45",
            education="college" if post != "member" else "senior",
            veteran=post == "deputy",
            graduate=post == "member",
        )
    for person, (kind, skill) in zip(people[3:], [("craftsman", "木工"), ("producer", "黑木耳种植")], strict=False):
        services.talent_add(
            actor=None,
            village=village,
            id_number=decrypt(person.id_cipher),
            kind=kind,
            skill=skill,
            level="middle",
            training=f"{year - 1}年县级乡村工匠培训班",
        )
    cadre = _person(Role.VILLAGE_CADRE, village)
    town = _person(Role.TOWNSHIP_STAFF, village.parent)
    _census(village, today, cadre, town)
    households = Household.objects.filter(village=village).count()
    _environment(village, i, households, today, town)
    _rule(village, today)
    _project(village, i, today)
    if i % 4 == 0:
        honour = services.honour_recommend(
            actor=None,
            village=village,
            kind="model_village" if i % 8 == 0 else "livable",
            year=year,
            reason="村庄规划已批复，人居环境整治成效明显",
        )
        services.honour_transition(actor=None, honour=honour, code="review")
        if i % 8 == 0:
            services.honour_transition(
                actor=None, honour=honour, code="approve", evidence=f"县乡村振兴领导小组〔{year}〕{i + 1}号"
            )


def _census(village: Region, today: dt.date, cadre: User, town: User) -> None:
    rows = []
    for h in Household.objects.filter(village=village).order_by("id"):
        kind = KINDS[h.pk % len(KINDS)]
        values = {
            "has_toilet": bool(kind),
            "kind": kind,
            "mode": ("water" if kind == "flush" else "dry") if kind else "",
            "indoor": kind == "flush" and h.pk % 2 == 0,
            "built_year": 2019 + h.pk % 4 if kind else None,
            "funding": "中央厕所革命奖补资金" if kind in ("flush", "dry", "biogas") else "",
        }
        rows.append({"household": h, "values": values})
    toilets.census_write(actor=None, village=village, rows=rows, surveyed_on=today - dt.timedelta(days=200))
    sanitary = list(toilets.Toilet.objects.filter(village=village, kind__in=["flush", "dry"]).order_by("id")[:3])
    problems = ["frozen", "leak", "cleanout"]
    for n, (toilet, problem) in enumerate(zip(sanitary, problems, strict=False)):
        found = today - dt.timedelta(days=120 - 30 * n)
        item = toilets.toilet_problem(
            actor=cadre, toilet=toilet, problem=problem, note="户厕摸排发现（示例）", found_on=found
        )
        if n == 0:  # fixed, verified and closed: the toilet is rectified by the ledger's close
            _close(item, found, cadre, town)
        elif n == 1:
            ledger.item_transition(actor=cadre, item=item, action="start", on=found + dt.timedelta(days=3))


def _close(item: RectificationItem, found: dt.date, cadre: User, town: User) -> None:
    ledger.item_transition(actor=cadre, item=item, action="start", on=found + dt.timedelta(days=2))
    ledger.item_transition(
        actor=cadre,
        item=item,
        action="fix",
        evidence="已改造为防冻式水冲厕所，附照片（示例）",
        on=found + dt.timedelta(days=20),
    )
    ledger.item_transition(actor=town, item=item, action="verify", on=found + dt.timedelta(days=25))


def _recheck(county: Region, today: dt.date) -> None:
    if not toilets.Toilet.objects.filter(village__path__startswith=county.path, status=ToiletStatus.RECTIFIED).exists():
        return
    checker = _person(Role.COUNTY_STAFF, county)
    rnd = toilets.recheck_round_start(
        actor=None, region=county, name=f"{today.year}年{county.name}问题厕所整改回头看", sample_percent=50, seed=1
    )
    first = rnd.checks.order_by("id").first()
    if first is not None:
        toilets.recheck_record(actor=checker, recheck=first, passed=True, note="入户查看，冬季可正常使用")


def _environment(village: Region, i: int, households: int, today: dt.date, town: User) -> None:
    year = today.year
    services.sewage_save(
        actor=None,
        village=village,
        year=year,
        mode=["scattered", "central", "piped", "none"][i % 4],
        households_covered=0 if i % 4 == 3 else households * (60 + i % 4 * 10) // 100,
        black_water_bodies=1 if i % 5 == 0 else 0,
        black_water_fixed=1 if i % 10 == 0 else 0,
        greening_rate=30 + i % 7,
    )
    services.garbage_save(
        actor=None,
        village=village,
        year=year,
        collection_points=3 + i % 4,
        transport="乡镇垃圾转运车每周两次",
        disposal="transfer" if i % 6 else "local",
        households_covered=households * (85 + i % 3 * 5) // 100,
        sorting_pilot=i % 5 == 0,
    )
    # The spring round passed clean; this autumn's round, three weeks ago, found problems in some
    # villages: their items are open and still within (or just past) the 30-day limit.
    spring = dt.date(year, 4, 20) if dt.date(year, 4, 20) <= today else today
    services.cleaning_record(
        actor=town, village=village, year=year, season="spring", inspected_on=spring, score=93 - i % 7, problems=""
    )
    autumn = max(spring, today - dt.timedelta(days=21))
    if autumn > spring:
        services.cleaning_record(
            actor=town,
            village=village,
            year=year,
            season="autumn",
            inspected_on=autumn,
            score=92 - i % 9,
            problems="村道两侧柴草乱堆，2处垃圾收集点周边不洁（示例）" if i % 3 == 0 else "",
        )


def _rule(village: Region, today: dt.date) -> None:
    rule = services.rule_draft(actor=None, village=village, title=f"{village.name}村规民约", items=RULE_ITEMS)
    services.rule_transition(
        actor=None,
        rule=rule,
        code="vote",
        meeting="representatives",
        evidence="村民代表会议应到35人，实到32人，同意31人",
        today=today - dt.timedelta(days=60),
    )
    services.rule_transition(
        actor=None,
        rule=rule,
        code="file",
        evidence=f"{village.parent.name}备〔{today.year}〕{village.code[-3:]}号",
        today=today - dt.timedelta(days=50),
    )
    services.rule_transition(actor=None, rule=rule, code="post", today=today - dt.timedelta(days=45))


def _project(village: Region, i: int, today: dt.date) -> None:
    project = Project.objects.filter(village=village, type=ProjectType.RURAL_CONSTRUCTION).order_by("id").first()
    if project is None:
        name, category = [("村内道路硬化", "road"), ("农村供水管网改造", "water"), ("太阳能路灯安装", "energy")][i % 3]
        project = funds.project_create(
            actor=None,
            village=village,
            code=f"XCJS-{today.year}-{village.code}",
            name=f"{village.name}{name}",
            type=ProjectType.RURAL_CONSTRUCTION,
            year=today.year,
            budget="200000",
            tasks=name,
            build_type="new",
            start_planned=today + dt.timedelta(days=30),
            end_planned=today + dt.timedelta(days=150),
            responsible_unit=f"{village.parent.name}人民政府",
            funding_sources="中央衔接资金",
            planned_households=Household.objects.filter(village=village).count(),
            planned_people=Household.objects.filter(village=village).count() * 2,
            performance_targets="改善村民出行、用水和照明条件，受益群众满意度不低于90%",
            benefit_mechanism="建设期优先吸纳本村脱贫户和监测户务工，建成后由村集体管护",
            declared_on=today - dt.timedelta(days=90),
        )
        while STATUS_ORDER.index(project.status) < STATUS_ORDER.index(ProjectStatus.APPROVED):
            step = funds_workflow.next_step(project.status)
            township = Role.TOWNSHIP_STAFF in step.roles
            node = village.parent if township else village.parent.parent
            project = funds.project_transition(
                actor=_person(Role.TOWNSHIP_STAFF if township else Role.COUNTY_STAFF, node),
                project=project,
                to=step.target,
                date=today - dt.timedelta(days=80 - 10 * STATUS_ORDER.index(step.target)),
                evidence=f"{step.label}（演示）",
            )
    else:
        category = "environment"
    cp = services.construction_classify(actor=None, project=project, category=category)
    services.task_add(
        actor=None,
        construction=cp,
        village=village,
        content=f"{project.name}：完成施工招标",
        due_on=today + dt.timedelta(days=30),
    )
    task = services.task_add(
        actor=None,
        construction=cp,
        village=village,
        content="村民代表会议确定建设方案",
        due_on=today - dt.timedelta(days=10),
    )
    services.task_done(actor=None, task=task, on=today - dt.timedelta(days=15))
