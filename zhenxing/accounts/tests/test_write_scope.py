"""Write permission (accounts/scope.py ``require_write``) at its boundaries: own region and below
allowed, a sibling or the level above refused, a wrong role refused, the inspector only reads,
a line department neither opens cases nor edits households (service and API), and what is
visible from below is read, never written, by the lower levels."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied

from zhenxing.accounts import scope
from zhenxing.accounts.models import Department
from zhenxing.accounts.tests.test_department_scope import alert_on
from zhenxing.ledger.models import Unit, UnitKind
from zhenxing.monitoring import services as monitoring
from zhenxing.registry import services as registry
from zhenxing.registry.models import Household

EDIT = "registry.household.edit"


@pytest.fixture
def household(w):
    return registry.household_create(actor=None, number="WP-1", village=w.r.fendou)


def refusal(actor, target, action) -> str:
    with pytest.raises(PermissionDenied) as exc:
        scope.require_write(actor, target, action)
    return str(exc.value)


def test_own_region_and_every_level_above_it_may_write(w, household):
    for user in (w.fendou, w.shibazhan, w.tahe, w.diqu):
        scope.require_write(user, household, EDIT)  # raises nothing
        assert scope.can_write(user, w.r.fendou, EDIT)


def test_a_sibling_and_the_level_below_are_refused(w, household):
    assert refusal(w.yongfeng, household, EDIT) == scope.SCOPE_REFUSAL  # sibling village, same township
    assert refusal(w.kaikukang_town, household, EDIT) == scope.SCOPE_REFUSAL  # sibling township
    assert refusal(w.huma, household, EDIT) == scope.SCOPE_REFUSAL  # sibling county
    # a village cadre may not write at the township above it
    assert refusal(w.fendou, w.r.shibazhan, "people.setting.set") == "您的角色无权办理此事项"
    assert refusal(w.fendou, w.r.shibazhan, EDIT) == scope.SCOPE_REFUSAL


def test_a_wrong_role_is_refused_with_the_actions_reason(w):
    assert refusal(w.fendou, None, "monitoring.standard.set") == "年度监测标准由地区管理员设置"
    scope.require_write(w.diqu, None, "monitoring.standard.set")
    # a township may not take the village committee's act, in its own village
    assert refusal(w.shibazhan, w.r.fendou, "people.points.store") == "您的角色无权办理此事项"
    scope.require_write(w.fendou, w.r.fendou, "people.points.store")


def test_the_inspector_only_reads(w, household):
    for action in ("registry.household.edit", "ledger.write", "funds.leakage.check", "monitoring.case.transition"):
        assert refusal(w.ducha, household if action == EDIT else None, action) == scope.READ_ONLY_REFUSAL


def test_department_may_neither_create_a_case_nor_edit_a_household(w, household):
    assert "行业部门" in refusal(w.yibao, household, "monitoring.case.create")
    with pytest.raises(PermissionDenied):
        monitoring.case_discover(actor=w.yibao, household=household, channel="department_alert", risk_types=["01"])
    with pytest.raises(PermissionDenied):
        registry.household_update(actor=w.yibao, household=household, phone="1")
    with pytest.raises(PermissionDenied):
        registry.household_create(actor=w.minzheng, number="WP-2", village=w.r.fendou)
    assert Household.objects.get(pk=household.pk).phone == "" and not Household.objects.filter(number="WP-2").exists()
    # the village cadre of the household still opens the case
    assert monitoring.case_discover(actor=w.fendou, household=household, channel="cadre_visit", risk_types=["01"]).pk


def test_department_is_refused_through_the_api(client, w, household):
    from zhenxing.accounts.services import api_token_issue

    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(user=w.yibao)[0]}"}
    r = client.post(
        "/api/v1/cases",
        {"household_id": household.pk, "channel": "department_alert", "risk_types": ["01"]},
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 403, r.content
    # a household outside its field answers 404 like any record outside the scope; one its alerts touch, 403
    r = client.patch(f"/api/v1/households/{household.pk}", {"phone": "1"}, content_type="application/json", **auth)
    assert r.status_code == 404
    alert_on(household, Department.MEDICAL_INSURANCE)
    r = client.patch(f"/api/v1/households/{household.pk}", {"phone": "1"}, content_type="application/json", **auth)
    assert r.status_code == 403 and Household.objects.get(pk=household.pk).phone == ""


def test_system_calls_pass_unless_the_action_needs_a_person(w):
    scope.require_write(None, w.r.fendou, EDIT)
    assert refusal(None, None, "monitoring.case.transition") == "此事项须由工作人员办理"


def test_an_unknown_action_is_a_programming_error(w):
    with pytest.raises(ImproperlyConfigured):
        scope.require_write(w.diqu, None, "registry.household.fly")


def test_visible_from_below_is_read_not_written(w):
    prefecture_unit = Unit.objects.create(
        name="地区医保局", region=w.r.diqu, kind=UnitKind.GOVERNMENT, department="medical_insurance"
    )
    county_unit = Unit.objects.create(
        name="塔河县民政局", region=w.r.tahe, kind=UnitKind.GOVERNMENT, department="civil_affairs"
    )
    huma_unit = Unit.objects.create(
        name="呼玛县民政局", region=w.r.huma, kind=UnitKind.GOVERNMENT, department="civil_affairs"
    )
    seen = set(scope.scoped(w.tahe, Unit).values_list("pk", flat=True))
    assert {prefecture_unit.pk, county_unit.pk} <= seen and huma_unit.pk not in seen
    # a township sees the prefecture's (depth 1) but not its county's units from below
    assert set(scope.choices(w.shibazhan, Unit).values_list("pk", flat=True)) == {prefecture_unit.pk}
    assert refusal(w.tahe, prefecture_unit, "ledger.write") == scope.SCOPE_REFUSAL
    scope.require_write(w.diqu, prefecture_unit, "ledger.write")
    # a department's own field: 民政 is refused 医保's unit though it reads it from the prefecture
    assert refusal(w.minzheng, prefecture_unit, "ledger.write") == scope.DEPARTMENT_REFUSAL


def test_regions_read_from_below_stop_at_the_asked_depth(w):
    from zhenxing.funds import selectors

    assert [c.code for c in selectors.counties(w.fendou)] == [w.r.tahe.code]
    assert [c.code for c in selectors.counties(w.tahe)] == [w.r.tahe.code]
    assert w.r.tahe.code in {c.code for c in selectors.counties(w.diqu)}
    assert w.r.tahe not in scope.regions(w.fendou)  # the plain scope is unchanged
