"""A line department's read scope (issue 20, item 4): its account sees the households and cases
its field's alerts touch, and what hangs on them (members, incomes, case records), never the whole
registry; its alerts and feeds stay its own; it neither opens cases nor edits households (the write
rules, accounts/tests/test_write_scope.py). Phones are masked for it (registry/tests/test_phones.py)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from zhenxing.accounts import scope
from zhenxing.accounts.models import Department
from zhenxing.accounts.services import api_token_issue
from zhenxing.monitoring import services as monitoring
from zhenxing.monitoring.models import CaseEvent, MonitoringCase
from zhenxing.registry import idnumber
from zhenxing.registry import services as registry
from zhenxing.registry.models import Household, Member
from zhenxing.screening.models import Alert, AlertState


def alert_on(household, department, *, rule="medical", state=AlertState.NEW) -> Alert:
    now = timezone.now()
    return Alert.objects.create(
        rule=rule,
        rule_name=rule,
        subject=f"h{household.pk}",
        household=household,
        village=household.village,
        department=department,
        state=state,
        raised_at=now,
        updated_at=now,
        is_open=state in (AlertState.NEW, AlertState.ISSUED, AlertState.VERIFYING),
        evidence={},
    )


@pytest.fixture
def three(w):
    """Three households of 奋斗村: one 医保 alerted (later closed), one 民政 alerted, one untouched;
    each with a head and an open case."""
    made = {}
    for n, name in enumerate(("medical", "civil", "none")):
        h = registry.household_create(actor=None, number=f"DS-{n}", village=w.r.fendou, phone="13912345678")
        registry.member_add(
            actor=None, household=h, name=f"户主{n}", id_number=idnumber.make(seq=400 + n), relation="head"
        )
        monitoring.case_discover(actor=w.fendou, household=h, channel="cadre_visit", risk_types=["01"])
        made[name] = h
    alert_on(made["medical"], Department.MEDICAL_INSURANCE, state=AlertState.NO_RISK)
    alert_on(made["civil"], Department.CIVIL_AFFAIRS, rule="civil")
    return made


def test_department_sees_only_the_households_and_cases_its_alerts_touch(w, three):
    yibao = scope.scoped(w.yibao, Household)
    assert set(yibao) == {three["medical"]}  # a closed alert still touches the household
    assert set(scope.scoped(w.minzheng, Household)) == {three["civil"]}
    assert set(scope.scoped(w.yibao, MonitoringCase).values_list("household", flat=True)) == {three["medical"].pk}
    assert set(scope.scoped(w.yibao, Member).values_list("household", flat=True)) == {three["medical"].pk}
    events = scope.scoped(w.yibao, CaseEvent)
    assert events.exists() and set(events.values_list("case__household", flat=True)) == {three["medical"].pk}
    # the village sees all three, whatever touched them
    assert scope.scoped(w.fendou, Household).filter(number__startswith="DS-").count() == 3


def test_department_sees_only_its_own_alerts(w, three):
    assert set(scope.scoped(w.yibao, Alert).values_list("department", flat=True)) == {Department.MEDICAL_INSURANCE}


def test_the_registry_and_case_pages_and_api_answer_404_outside_the_touched_households(client, login, w, three):
    c = login(w.yibao)
    assert c.get(f"/registry/{three['medical'].pk}/").status_code == 200
    assert c.get(f"/registry/{three['none'].pk}/").status_code == 404
    assert c.get(f"/registry/{three['civil'].pk}/").status_code == 404
    untouched = MonitoringCase.objects.get(household=three["none"])
    assert c.get(f"/monitoring/{untouched.pk}/").status_code == 404
    listed = c.get("/registry/").content.decode()
    assert "DS-0" in listed and "DS-1" not in listed and "DS-2" not in listed

    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(user=w.yibao)[0]}"}
    items = client.get("/api/v1/households", **auth).json()["items"]
    assert [h["number"] for h in items] == ["DS-0"]
    assert client.get(f"/api/v1/households/{three['none'].pk}", **auth).status_code == 404
    cases = client.get("/api/v1/cases", **auth).json()
    assert {c["household_number"] for c in cases} <= {"DS-0"} and cases


def test_department_still_may_not_open_a_case_on_a_touched_household(client, w, three):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(user=w.yibao)[0]}"}
    r = client.post(
        "/api/v1/cases",
        {"household_id": three["medical"].pk, "channel": "department_alert", "risk_types": ["01"]},
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 403
    r = client.patch(
        f"/api/v1/households/{three['medical'].pk}", {"phone": "1"}, content_type="application/json", **auth
    )
    assert r.status_code == 403 and Household.objects.get(pk=three["medical"].pk).phone == "13912345678"


def test_a_rule_touched_needs_its_household_lookup():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        scope.register(region="village", departments="touched")
