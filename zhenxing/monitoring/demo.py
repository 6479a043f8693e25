"""Demo monitoring cases in every state across the demo villages, made through the real services
by actors of the right level. Idempotent: a household that already has a case is left alone."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.hashers import make_password
from django.db.models import Exists, OuterRef
from django.utils import timezone

from zhenxing.accounts.models import Role, User
from zhenxing.regions.models import Region
from zhenxing.registry import idnumber
from zhenxing.registry.models import Household, Labour, Member, MemberStatus, MonitoringKind

from . import applications, services
from .models import Application, MeasureCategory, MeasureStatus, MonitoringCase, risk_names
from .testing import advance, demo_standard, help_case

# village code -> [(household index, target state, days since discovery, risk types, channel)]
PLAN = {
    "232722200206": [  # 奋斗村
        (1, "discovered", 8, ["01"], "cadre_visit"),
        (2, "verified", 4, ["07"], "department_alert"),
        (3, "posting", 3, ["0201", "06"], "cadre_visit"),
        (4, "township_review", 20, ["09"], "cadre_visit"),
        (5, "county_approval", 12, ["01", "07"], "self_application"),
        (6, "monitored", 300, ["06"], "cadre_visit"),
        (7, "monitored", 300, ["01"], "department_alert"),
        (8, "elim_check", 320, ["07"], "cadre_visit"),
        (9, "elim_posting", 320, ["06"], "cadre_visit"),
        (10, "elim_county_approval", 330, ["07"], "cadre_visit"),
        (11, "eliminated", 340, ["0205"], "cadre_visit"),
        (12, "not_admitted", 30, ["99"], "self_application"),
    ],
    "232722200208": [  # 永丰村
        (1, "discovered", 2, ["05"], "cadre_visit"),
        (2, "posting", 3, ["07"], "cadre_visit"),
        (3, "monitored", 300, ["09"], "cadre_visit"),
        (4, "elim_appraisal", 320, ["06"], "cadre_visit"),
        (5, "elim_township_review", 320, ["07"], "cadre_visit"),
    ],
    "232722104201": [  # 开库康村
        (1, "discovered", 1, ["0202"], "department_alert"),
        (2, "township_review", 9, ["07"], "cadre_visit"),
        (3, "county_approval", 18, ["01"], "cadre_visit"),
        (4, "monitored", 300, ["06", "07"], "cadre_visit"),
        (5, "eliminated", 340, ["07"], "cadre_visit"),
        (6, "not_admitted", 40, ["99"], "cadre_visit"),
    ],
    "232721100201": [  # 呼玛县 (another county)
        (1, "discovered", 3, ["01"], "cadre_visit"),
        (2, "county_approval", 10, ["07"], "cadre_visit"),
        (3, "monitored", 300, ["06"], "cadre_visit"),
        (4, "eliminated", 340, ["07"], "cadre_visit"),
    ],
    "232701104201": [  # 北极村 (漠河市)
        (1, "township_review", 7, ["0299"], "cadre_visit"),
        (2, "monitored", 300, ["01"], "cadre_visit"),
    ],
}
FAST_TRACK = ("232722200208", 6)  # a 突发严重困难户 helped first (plan entry 6 of 永丰村 is not used above)
# States that pass the elimination checks: the household must have 三保障, safe water and labour.
SECURE_STATES = {
    "elim_check",
    "elim_appraisal",
    "elim_posting",
    "elim_township_review",
    "elim_county_approval",
    "eliminated",
}


def _marker(index: int) -> str:
    return f"演示案件[{index}]："


def _pick(village: Region, index: int, state: str) -> Household | None:
    """The household for plan entry ``index``: the first of the village's households (by number)
    that has no case yet and, for states past an elimination check, is secure. Idempotent: an
    entry already played (its marker is on a case) picks nothing."""
    if MonitoringCase.objects.filter(household__village=village, description__startswith=_marker(index)).exists():
        return None
    qs = Household.objects.filter(village=village, monitoring_cases__isnull=True).order_by("number")
    if state in SECURE_STATES:  # and someone able to work (a household without labour stays monitored)
        qs = qs.filter(housing_safe=True, schooling_secured=True, medical_insured=True, water_safe=True).filter(
            Exists(
                Member.objects.filter(
                    household=OuterRef("pk"), status=MemberStatus.ACTIVE, labour__in=[Labour.NORMAL, Labour.WEAK]
                )
            )
        )
    return qs.first()


def _steps_until(state: str, today: dt.date) -> dt.date:
    """The latest day ``advance`` may date a step. A case left in 风险消除公示 started its posting
    two days ago (its last steps are dated back from this bound: proposal, check, posting), so the
    village's 公示 board shows a posting still running, not one that ended days ago."""
    return today + dt.timedelta(days=6) if state == "elim_posting" else today


LEVEL_ROLES = {4: Role.VILLAGE_CADRE, 3: Role.TOWNSHIP_STAFF, 2: Role.COUNTY_STAFF}


def _actor(region: Region) -> User:
    """The demo account of that region if there is one, else an inactive demo actor (cannot log in)."""
    role = LEVEL_ROLES[region.depth]
    user = (
        User.objects.filter(region=region, role=role, username__startswith="demo-", is_active=True)
        .order_by("id")
        .first()
    )
    if user is not None:
        return user
    user, _ = User.objects.get_or_create(
        username=f"yanshi-{region.code}",
        defaults=dict(
            role=role,
            region=region,
            full_name=f"{region.name}演示办理人",
            is_active=False,
            password=make_password(None),
            must_change_password=False,
        ),
    )
    return user


def load(*, out) -> None:
    today = timezone.localdate()
    # This year's and the registry demo's income year (last year): the dashboard's income figures
    # compare with it; 2021 and 2022 for the 2022 ledger and funds.
    for year in sorted({2021, 2022, today.year - 1, today.year}):
        demo_standard(year)
    created = 0
    for code, plan in PLAN.items():
        village = Region.objects.filter(code=code).first()
        if village is None:
            continue
        township, county = village.parent, village.parent.parent
        actors = dict(village=_actor(village), township=_actor(township), county=_actor(county))
        for index, state, days, risks, channel in plan:
            household = _pick(village, index, state)
            if household is None:
                continue
            case = services.case_discover(
                actor=actors["village"],
                household=household,
                channel=channel,
                risk_types=risks,
                description=_marker(index) + risk_names(risks),
                source_ref="演示预警" if channel == "department_alert" else "",
                discovered_on=today - dt.timedelta(days=days),
            )
            advance(case, to=state, risk_types=risks, today=_steps_until(state, today), **actors)
            created += 1
        if code == FAST_TRACK[0]:
            created += _fast_track(village, actors, today)
        _applications(village)
    out.write(f"防返贫监测：新增案件 {created} 件\n")


def _fast_track(village, actors, today) -> int:
    household = _pick(village, FAST_TRACK[1], "discovered")
    if household is None:
        return 0
    case = services.case_discover(
        actor=actors["village"],
        household=household,
        channel="cadre_visit",
        risk_types=["05"],
        description=_marker(FAST_TRACK[1]) + "家中失火，房屋受损",
        discovered_on=today - dt.timedelta(days=2),
    )
    case = services.case_transition(
        actor=actors["village"],
        case=case,
        name="verify",
        version=case.version,
        data={
            "date": today - dt.timedelta(days=1),
            "kind": MonitoringKind.SUDDEN,
            "risk_types": ["05"],
            "authorisation_signed": True,
            "income_12m": "30000",
            "spending_12m": "26000",
            "fast_track": True,
            "hardship": "家中失火，房屋和存粮受损",
            "coping": "unable",
            "reason": "突发火灾，先行救助",
        },
    )
    help_case(case, actor=actors["village"])
    services.measure_add(
        actor=actors["village"],
        case=case,
        category=MeasureCategory.SAFETY_NET,
        content="临时救助",
        unit="乡民政办",
        person="李干部",
        start_on=today,
        amount="3000",
        status=MeasureStatus.UNDER_WAY,
    )
    return 1


def _applications(village) -> None:
    """One villager's application not yet matched to a registered household (in the village's inbox)."""
    if Application.objects.filter(village=village).exists():
        return
    applications.application_submit(
        name="演示申请人",
        phone="13900000000",
        id_number=idnumber.make(
            region=village.code[:6], born=dt.date(1970, 5, 5) + dt.timedelta(days=int(village.code[-5:]) % 997), seq=777
        ),
        village=village,
        risk_type="01",
        description="家中老人住院，医疗费用负担重",
        ip=None,
    )
