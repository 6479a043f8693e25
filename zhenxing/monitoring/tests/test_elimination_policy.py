"""The identification factors and the elimination rules as the policy states them, at their
boundaries: income equal to the threshold, one member able to work or none, a measure 已落实 or not,
evidence at the township and county steps. (Open alerts and rectification items: the tests of the
apps that keep them, screening/tests/test_holds.py and ledger/tests/test_holds.py.)"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from zhenxing.monitoring import services
from zhenxing.monitoring.models import Evidence, Measure, MeasureStatus
from zhenxing.monitoring.testing import advance, propose_elimination, ready_to_eliminate
from zhenxing.registry.testing import make_household

JPEG = b"\xff\xd8\xff\xe0" + b"0" * 200
PDF = b"%PDF-1.4\n" + b"0" * 200


def _verify(w, case, **data):
    base = dict(
        kind="100A03002",
        risk_types=["07"],
        authorisation_signed=True,
        income_12m="9000",
        spending_12m="1000",
        coping="partly",
        date=case.step_since,
    )
    base.update(data)
    return services.case_transition(actor=w.fendou, case=case, name="verify", version=case.version, data=base)


# --- identification: the four factors --------------------------------------------------------------


def test_the_four_factors_are_recorded_on_the_case(w, new_case):
    case = _verify(
        w,
        new_case(),
        kind="100A03002",
        income_12m="9000",
        spending_12m="1000",
        coping="unable",
        hardship="户主务工受伤，三个月无收入",
    )
    case.refresh_from_db()
    # two members: (9000 - 1000) / 2
    assert (case.income_12m, case.spending_12m, case.per_capita_income) == (
        Decimal("9000"),
        Decimal("1000"),
        Decimal("4000.00"),
    )
    assert (case.coping, case.get_coping_display(), case.hardship) == (
        "unable",
        "无力应对",
        "户主务工受伤，三个月无收入",
    )
    event = case.events.get(transition="verify")
    assert event.data["coping"] == "unable" and event.data["hardship"] == "户主务工受伤，三个月无收入"


def test_coping_capacity_is_required_and_checked(w, new_case):
    case = new_case()
    with pytest.raises(ValidationError, match="自身应对能力"):
        _verify(w, case, coping="")
    with pytest.raises(ValidationError, match="自身应对能力须为"):
        _verify(w, case, coping="strong")


@pytest.mark.parametrize("kind,formerly_poor", [("100A03002", False), ("100A03001", True)])
@pytest.mark.parametrize("above,ok", [(Decimal("0"), True), (Decimal("0.01"), False)])
def test_unstable_and_marginal_households_have_income_within_the_range(
    w, std, new_case, kind, formerly_poor, above, ok
):
    case = new_case(formerly_poor=formerly_poor)
    # two members: per capita = (income - 1000) / 2 = threshold + above
    income = (std.threshold + above) * 2 + 1000
    if ok:
        assert _verify(w, case, kind=kind, income_12m=str(income)).state == "verified"
    else:
        with pytest.raises(ValidationError, match="须在监测范围内"):
            _verify(w, case, kind=kind, income_12m=str(income))


def test_a_sudden_hardship_household_may_be_above_the_range_but_must_describe_the_hardship(w, std, new_case):
    case = new_case()
    income = str((std.threshold + 5000) * 2 + 1000)
    with pytest.raises(ValidationError, match="突发困难情况"):
        _verify(w, case, kind="100A03003", income_12m=income)
    assert _verify(w, case, kind="100A03003", income_12m=income, hardship="突发重病住院").state == "verified"


# --- elimination: measures 已落实 ---------------------------------------------------------------------


def _ready(w, **kw):
    return ready_to_eliminate(
        make_household(village=w.r.fendou, **kw), village=w.fendou, township=w.shibazhan, county=w.tahe
    )


@pytest.mark.parametrize(
    "status,ok", [(MeasureStatus.PLANNED, False), (MeasureStatus.UNDER_WAY, False), (MeasureStatus.DONE, True)]
)
def test_assisted_elimination_needs_every_measure_done(w, status, ok):
    case = _ready(w)
    measure = case.measures.first()
    Measure.objects.filter(pk=measure.pk).update(status=status)
    if ok:
        assert propose_elimination(case, actor=w.fendou, way="assisted").state == "elim_check"
    else:
        with pytest.raises(ValidationError, match="尚未落实") as refused:
            propose_elimination(case, actor=w.fendou, way="assisted")
        assert measure.content in " ".join(refused.value.messages)


def test_the_county_refuses_when_the_only_measure_went_back_to_planned(w):
    """The case of the issue: the only measure still 计划 at county approval."""
    case = advance(_ready(w), to="elim_county_approval", village=w.fendou, township=w.shibazhan, county=w.tahe)
    assert case.measures.count() == 1
    services.measure_set_status(actor=w.fendou, measure=case.measures.get(), status=MeasureStatus.PLANNED)
    case.refresh_from_db()
    with pytest.raises(ValidationError, match="须已落实"):
        services.case_transition(actor=w.tahe, case=case, name="elim_county_approve", version=case.version, data={})
    services.measure_set_status(actor=w.fendou, measure=case.measures.get(), status=MeasureStatus.DONE)
    case.refresh_from_db()
    case = services.case_transition(actor=w.tahe, case=case, name="elim_county_approve", version=case.version, data={})
    assert case.state == "eliminated"


def test_natural_elimination_does_not_ask_for_measures_done(w):
    case = _ready(w)
    case.measures.update(status=MeasureStatus.UNDER_WAY)
    assert propose_elimination(case, actor=w.fendou, way="natural").state == "elim_check"


# --- elimination: labour capacity of the whole household ----------------------------------------------

NO_LABOUR = [
    {"name": "老人甲", "relation": "head", "labour": "lost"},
    {"name": "老人乙", "relation": "spouse", "labour": "none", "male": False},
]
ONE_WORKER = [
    {"name": "老人甲", "relation": "head", "labour": "lost"},
    {"name": "儿子", "relation": "son", "labour": "weak", "born": dt.date(1995, 1, 1)},
]


@pytest.mark.parametrize("members,ok", [(NO_LABOUR, False), (ONE_WORKER, True)])
def test_a_household_without_labour_capacity_is_refused_whatever_its_risk(w, members, ok):
    case = _ready(w, members=members)  # risk 07, not 04
    assert "04" not in case.risk_types
    if ok:
        assert propose_elimination(case, actor=w.fendou, way="assisted").state == "elim_check"
    else:
        with pytest.raises(ValidationError, match="均无劳动能力"):
            propose_elimination(case, actor=w.fendou, way="assisted")


def test_a_member_who_left_the_household_does_not_count_as_labour(w):
    case = _ready(w, members=ONE_WORKER)
    case.household.members.filter(labour="weak").update(status="left")
    with pytest.raises(ValidationError, match="均无劳动能力"):
        propose_elimination(case, actor=w.fendou, way="assisted")


# --- evidence at the township and county steps -------------------------------------------------------


def _act(client, case, name, **data):
    payload = {f"{name}-{k}": v for k, v in data.items()}
    payload.update({f"{name}-name": name, f"{name}-version": case.version, "name": name})
    return client.post(reverse("monitoring:act", args=[case.pk]), payload)


def test_township_and_county_steps_take_evidence_files_listed_on_the_case(
    w, login, new_case, drive, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    case = drive(new_case(), "township_review")
    client = login(w.shibazhan)
    assert 'name="township_approve-scans"' in client.get(reverse("monitoring:detail", args=[case.pk])).content.decode()
    response = _act(
        client,
        case,
        "township_approve",
        date=timezone.localdate().isoformat(),
        scans=[SimpleUploadedFile("乡镇审核意见.pdf", PDF, "application/pdf")],
    )
    assert response.status_code == 302
    case.refresh_from_db()
    client = login(w.tahe)
    response = _act(
        client,
        case,
        "county_return",
        reason="材料不全",
        date=timezone.localdate().isoformat(),
        photos=[SimpleUploadedFile("会议.jpg", JPEG, "image/jpeg")],
    )
    assert response.status_code == 302
    stored = Evidence.objects.filter(case=case).order_by("id")
    assert [(e.event.transition, e.kind, e.original_name) for e in stored] == [
        ("township_approve", "scan", "乡镇审核意见.pdf"),
        ("county_return", "photo", "会议.jpg"),
    ]
    page = client.get(reverse("monitoring:detail", args=[case.pk])).content.decode()
    assert "乡镇审核意见.pdf" in page and "会议.jpg" in page
