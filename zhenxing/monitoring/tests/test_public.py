"""自主申报 on the public page: validation, rate limits, the inbox, and what the progress check reveals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from zhenxing.monitoring import applications
from zhenxing.monitoring.models import Application, MonitoringCase, PublicAttempt
from zhenxing.registry import idnumber
from zhenxing.registry.testing import make_household, new_id

APPLY = "/public/apply"
STATUS = "/public/apply/status"


def _form(village, id_number, **kw):
    data = {
        "name": "张三",
        "phone": "13900001111",
        "id_number": id_number,
        "county": village.parent.parent.code,
        "township": village.parent.code,
        "village": village.code,
        "risk_type": "01",
        "description": "老伴住院花了很多钱",
    }
    data.update(kw)
    return data


def test_paths_are_exactly_as_specified():
    assert reverse("monitoring_public:apply") == APPLY
    assert reverse("monitoring_public:apply_status") == STATUS


def test_apply_page_renders_with_counties(client, w):
    html = client.get(APPLY).content.decode()
    assert "塔河县" in html and 'name="village"' in html


def test_cascading_selects(client, w):
    html = client.get(reverse("monitoring_public:apply_regions") + "?county=232722000000").content.decode()
    assert "十八站" in html and "奋斗村" not in html
    html = client.get(reverse("monitoring_public:apply_regions") + "?township=232722200000").content.decode()
    assert "奋斗村" in html and "开库康村" not in html


def test_registered_applicant_becomes_a_case_in_the_village_inbox(client, w, std):
    id_number = new_id()
    household = make_household(
        village=w.r.fendou, members=[{"name": "张三", "relation": "head", "id_number": id_number}]
    )
    response = client.post(APPLY, _form(w.r.fendou, id_number), REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 200
    application = Application.objects.get()
    assert application.reference in response.content.decode()
    case = MonitoringCase.objects.get(household=household)
    assert (case.state, case.channel, case.source_ref) == ("discovered", "self_application", application.reference)
    assert case.events.get().actor is None


def test_unregistered_applicant_waits_in_the_inbox(client, w, login, std):
    id_number = new_id()
    client.post(APPLY, _form(w.r.fendou, id_number), REMOTE_ADDR="10.0.0.2")
    application = Application.objects.get()
    assert application.case is None and application.id_masked == idnumber.mask(id_number)
    assert id_number not in str(Application.objects.values().get())
    cadre = login(w.fendou)
    assert application.reference in cadre.get(reverse("monitoring:applications")).content.decode()
    household = make_household(village=w.r.fendou)
    cadre.post(reverse("monitoring:application", args=[application.pk]), {"household": household.pk})
    application.refresh_from_db()
    assert application.case.household == household and application.case.channel == "self_application"


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("id_number", "232722198001011234", "校验"),
        ("phone", "12", "电话"),
        ("village", "", "村"),
        ("description", "难", "至少"),
        ("name", "", "姓名"),
    ],
)
def test_validation_messages_in_chinese(client, w, std, field, value, message):
    data = _form(w.r.fendou, new_id())
    data[field] = value
    response = client.post(APPLY, data, REMOTE_ADDR="10.0.0.3")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Application.objects.count() == 0


def test_rate_limit_per_address(client, w, std):
    limit, _ = applications.RATE_LIMITS[("apply", "ip")]
    for _ in range(limit):
        assert client.post(APPLY, _form(w.r.fendou, new_id()), REMOTE_ADDR="10.0.0.9").status_code == 200
    response = client.post(APPLY, _form(w.r.fendou, new_id()), REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 400 and "次数过多" in response.content.decode()
    assert Application.objects.count() == limit
    # another address is not affected
    assert client.post(APPLY, _form(w.r.fendou, new_id()), REMOTE_ADDR="10.0.0.10").status_code == 200


def test_rate_limit_window_is_rolling(w, std):
    limit, window = applications.RATE_LIMITS[("apply", "ip")]
    for _ in range(limit):
        applications.application_submit(
            name="甲",
            phone="13900001111",
            id_number=new_id(),
            village=w.r.fendou,
            risk_type="01",
            description="情况说明五个字",
            ip="10.0.1.1",
        )
    PublicAttempt.objects.update(at=timezone.now() - window - dt.timedelta(seconds=1))
    applications.application_submit(
        name="甲",
        phone="13900001111",
        id_number=new_id(),
        village=w.r.fendou,
        risk_type="01",
        description="情况说明五个字",
        ip="10.0.1.1",
    )


def test_rate_limit_per_id_number(client, w, std):
    limit, _ = applications.RATE_LIMITS[("apply", "id")]
    id_number = new_id()
    for i in range(limit):
        assert client.post(APPLY, _form(w.r.fendou, id_number), REMOTE_ADDR=f"10.0.2.{i}").status_code == 200
    response = client.post(APPLY, _form(w.r.fendou, id_number), REMOTE_ADDR="10.0.2.99")
    assert response.status_code == 400 and "该身份证号" in response.content.decode()


def test_progress_check_reveals_only_the_stage(client, w, std, drive):
    id_number = new_id()
    household = make_household(
        village=w.r.fendou, members=[{"name": "张三", "relation": "head", "id_number": id_number}]
    )
    client.post(APPLY, _form(w.r.fendou, id_number, description="老伴住院花了很多钱，秘密细节"), REMOTE_ADDR="10.0.3.1")
    application = Application.objects.get()
    html = client.post(STATUS, {"reference": application.reference, "id_number": id_number}).content.decode()
    assert "村级入户核实中" in html
    for secret in ["张三", "13900001111", "秘密细节", household.number, application.id_masked, "奋斗村", "因病"]:
        assert secret not in html, secret
    past = timezone.localdate() - dt.timedelta(days=20)  # recorded long enough ago for the posting to end
    MonitoringCase.objects.filter(household=household).update(discovered_on=past, step_since=past)
    drive(MonitoringCase.objects.get(household=household), "county_approval")
    html = client.post(STATUS, {"reference": application.reference, "id_number": id_number}).content.decode()
    assert "县级审定中" in html


def test_progress_check_needs_the_matching_id_number(client, w, std):
    id_number = new_id()
    client.post(APPLY, _form(w.r.fendou, id_number), REMOTE_ADDR="10.0.4.1")
    application = Application.objects.get()
    html = client.post(STATUS, {"reference": application.reference, "id_number": new_id()}).content.decode()
    assert "未查到" in html and "已受理" not in html


def test_progress_check_is_rate_limited(client, w, std):
    limit, _ = applications.RATE_LIMITS[("status", "ip")]
    for _ in range(limit):
        client.post(STATUS, {"reference": "SQ0", "id_number": new_id()}, REMOTE_ADDR="10.0.5.1")
    html = client.post(STATUS, {"reference": "SQ0", "id_number": new_id()}, REMOTE_ADDR="10.0.5.1").content.decode()
    assert "次数过多" in html
