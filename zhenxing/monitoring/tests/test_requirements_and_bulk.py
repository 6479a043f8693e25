"""What the later levels will require, shown on the village's form before it sends a case up
(computed by the steps' own checks), maker ≠ checker in the transition data, and the township's
or county's bulk 审核通过 / 催办 / 导出所选 of cases."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhenxing import workflow as engine
from zhenxing.audit.models import AuditEntry
from zhenxing.monitoring import bulk, workflow
from zhenxing.monitoring.models import CaseEvent, MonitoringCase
from zhenxing.monitoring.testing import advance, help_case


def test_the_village_sees_what_the_county_will_refuse_before_sending_the_case_up(w, new_case, drive, login):
    case = drive(new_case(), "posting")
    rows = {r.transition.code: r for r in workflow.requirements(case)}
    assert list(rows) == ["finish_posting", "township_approve", "county_approve"]  # this phase only
    assert rows["township_approve"].ready
    assert rows["county_approve"].missing == ("至少须落实一项帮扶措施", "须明确帮扶责任人")
    assert rows["county_approve"].who == "县级"
    page = login(w.fendou).get(f"/monitoring/{case.pk}/").content.decode()
    assert "本环节及后续环节的要求" in page and "✘ 至少须落实一项帮扶措施" in page and "✘ 须明确帮扶责任人" in page
    assert 'class="required"' in page  # the step's required fields are marked (公示异议及处理情况)
    help_case(case, actor=w.fendou)
    case.refresh_from_db()
    assert {r.transition.code: r.ready for r in workflow.requirements(case)}["county_approve"] is True


def test_elimination_approval_is_not_offered_to_who_proposed_it():
    for name in ("elim_township_approve", "elim_county_approve"):
        assert workflow.BY_NAME[name].not_same_actor_as == ("propose_elimination",)


@pytest.fixture
def at_review(w, new_case, drive):
    def _make(village=None, to="township_review"):
        if village == w.r.kaikukang:  # another township's village, by its own cadre and township
            case = new_case(village=village)
            return advance(case, to=to, village=w.kaikukang, township=w.kaikukang_town, county=w.tahe)
        return drive(new_case(village=village), to)

    return _make


def test_township_hands_on_many_cases_one_audit_entry_each_and_lists_the_refused(w, at_review):
    mine = [at_review() for _ in range(3)]
    early = at_review(to="posting")  # still the village's step
    other = at_review(village=w.r.kaikukang)  # another township's village
    cases, refused = engine.scoped_records(w.shibazhan, MonitoringCase, [c.pk for c in (*mine, early, other)])
    before = AuditEntry.objects.filter(action="transition", model="monitoring.monitoringcase").count()
    result = bulk.cases_bulk(actor=w.shibazhan, cases=cases, action="hand_on", note="材料齐全", refused=refused)
    assert result["done"] == [c.pk for c in mine]
    assert set(result["refused"]) == {early.pk, other.pk}
    assert result["refused"][other.pk] == "记录不存在或不在您的数据权限范围内"
    assert "不是本级审核环节" in result["refused"][early.pk]
    assert AuditEntry.objects.filter(action="transition", model="monitoring.monitoringcase").count() == before + 3
    assert set(MonitoringCase.objects.filter(pk__in=result["done"]).values_list("state", flat=True)) == {
        "county_approval"
    }


def test_county_bulk_approval_refuses_a_case_without_measures_by_name(w, at_review):
    helped, bare = at_review(to="county_approval"), at_review(to="county_approval")
    help_case(helped, actor=w.fendou)
    result = bulk.cases_bulk(
        actor=w.tahe, cases=MonitoringCase.objects.filter(pk__in=[helped.pk, bare.pk]).order_by("pk"), action="hand_on"
    )
    assert result["done"] == [helped.pk]
    assert "至少须落实一项帮扶措施" in result["refused"][bare.pk]


def test_remind_writes_a_timeline_row_per_case_and_the_village_may_not_bulk(w, at_review, login):
    a, b = at_review(to="posting"), at_review(to="posting")
    result = bulk.cases_bulk(actor=w.shibazhan, cases=[a, b], action="remind", note="请尽快结束公示")
    assert result == {"done": [a.pk, b.pk], "refused": {}}
    assert CaseEvent.objects.filter(case__in=[a, b], transition="remind", reason="请尽快结束公示").count() == 2
    with pytest.raises(ValidationError, match="催办要求"):
        bulk.cases_bulk(actor=w.shibazhan, cases=[a], action="remind")
    with pytest.raises(PermissionDenied):
        bulk.cases_bulk(actor=w.fendou, cases=[a], action="remind", note="x")
    assert (
        login(w.fendou).post("/monitoring/", {"ids": [a.pk], "bulk_action": "remind", "note": "x"}).status_code == 403
    )


def test_bulk_from_the_list_page_and_the_api(w, at_review, login):
    a, b = at_review(), at_review(village=w.r.kaikukang)
    page = login(w.shibazhan).get("/monitoring/").content.decode()
    assert "全选本页" in page and f'name="ids" value="{a.pk}"' in page
    response = login(w.shibazhan).post(
        "/api/v1/cases/bulk", {"ids": [a.pk, b.pk], "action": "hand_on"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json() == {"done": [a.pk], "refused": {str(b.pk): "记录不存在或不在您的数据权限范围内"}}
    export = login(w.shibazhan).get("/monitoring/", {"export": "xlsx", "ids": [a.pk]})
    assert export.status_code == 200


def test_the_api_case_detail_lists_the_requirements_ahead(w, new_case, drive, login):
    case = drive(new_case(), "posting")
    body = login(w.fendou).get(f"/api/v1/cases/{case.pk}").json()
    rows = {r["name"]: r for r in body["requirements"]}
    assert rows["county_approve"]["missing"] == ["至少须落实一项帮扶措施", "须明确帮扶责任人"]
    assert rows["county_approve"]["who"] == "县级"
