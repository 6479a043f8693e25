"""Public disclosure: no login, only published records, nothing personal, corrections visible."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhenxing.audit.models import AuditEntry
from zhenxing.funds import services
from zhenxing.funds.models import Disclosure
from zhenxing.funds.testing import advance, fund_project, make_allocation, make_project
from zhenxing.registry import idnumber
from zhenxing.registry.testing import make_household, members_of

START = dt.date(2022, 11, 1)


def publish(w, kind, **kw):
    return services.disclosure_publish(
        actor=w.tahe, county=w.r.tahe, year=2022, kind=kind, period_start=kw.pop("period_start", START), **kw
    )


@pytest.fixture
def tahe(w):
    p = make_project(w.r.fendou, status="planned", name="中药材基地")
    make_allocation(w.r.tahe, document_number="黑财农〔2022〕9号")
    fund_project(p, amount=Decimal("100000"))
    p = advance(p, "started")
    h = make_household(village=w.r.fendou, members=[{"name": "赵铁柱", "relation": "head"}], formerly_poor=True)
    head = members_of(h)[0]
    services.beneficiary_add(actor=None, project=p, household=h, way="wages", year=2022, amount=3000)
    services.payment_create(
        actor=None,
        project=p,
        date=dt.date(2022, 6, 1),
        amount="3000",
        payee_name="赵铁柱",
        payee_id_number=idnumber.decrypt(head.id_cipher),
        voucher_number="V1",
    )
    w.project, w.head = p, head
    return w


def test_public_pages_need_no_login_and_show_no_personal_data(client, tahe):
    for kind in ("pool", "plan", "allocations", "progress"):
        publish(tahe, kind)
    for kind in ("pool", "plan", "allocations", "progress"):
        response = client.get(f"/public/funds/232722000000/2022/{kind}/")
        assert response.status_code == 200, kind
        html = response.content.decode()
        assert "赵铁柱" not in html and tahe.head.id_masked not in html and tahe.head.id_masked[:6] + "*" not in html
        assert "12317" in html and "qr.svg" in html and "data-print" in html and "page.js" in html
    progress = client.get("/public/funds/232722000000/2022/progress/").content.decode()
    assert tahe.project.code in progress and "中药材基地" in progress
    assert "黑财农〔2022〕9号" in client.get("/public/funds/232722000000/2022/allocations/").content.decode()
    assert client.get("/public/funds/232722000000/").status_code == 200
    assert "塔河县" in client.get("/public/funds/").content.decode()


def test_only_published_records_are_visible(client, tahe):
    assert client.get("/public/funds/232722000000/2022/pool/").status_code == 404
    assert client.get("/public/funds/232722000000/").status_code == 404
    publish(tahe, "pool")
    later = make_project(tahe.r.yongfeng, status="approved", name="后来入库的项目")
    html = client.get("/public/funds/232722000000/2022/pool/").content.decode()
    assert "中药材基地" in html and later.code not in html
    assert client.get("/public/funds/232722000000/2022/plan/").status_code == 404
    assert client.get("/public/funds/232721000000/2022/pool/").status_code == 404


def test_a_change_after_publishing_is_a_correction(client, tahe):
    first = publish(tahe, "pool")
    with pytest.raises(ValidationError, match="无需重新发布"):
        publish(tahe, "pool")
    later = make_project(tahe.r.yongfeng, status="approved", name="补充入库项目")
    second = publish(tahe, "pool", note="补充入库")
    assert (second.version, second.corrects) == (2, first)
    assert later.code in second.correction_note and "补充入库" in second.correction_note
    html = client.get("/public/funds/232722000000/2022/pool/").content.decode()
    assert "更正说明" in html and later.code in html and "第1版" in html
    assert AuditEntry.objects.filter(action="publish").count() == 2


def test_posting_period_on_boards_is_at_least_ten_days(tahe):
    with pytest.raises(ValidationError, match="不少于10天"):
        publish(tahe, "plan", board="village", period_end=START + dt.timedelta(days=8))
    d = publish(tahe, "plan", board="village", period_end=START + dt.timedelta(days=9))
    assert (d.period_end - d.period_start).days + 1 == 10


def test_only_county_staff_publish(tahe):
    for user in (tahe.fendou, tahe.shibazhan, tahe.ducha, tahe.huma):
        with pytest.raises(PermissionDenied):
            services.disclosure_publish(actor=user, county=tahe.r.tahe, year=2022, kind="pool", period_start=START)
    assert not Disclosure.objects.exists()


def test_qr_code_is_a_server_side_svg_of_the_page(client, tahe):
    publish(tahe, "pool")
    response = client.get("/public/funds/232722000000/2022/pool/qr.svg")
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert response.content.lstrip().startswith(b"<svg")
    assert client.get("/public/funds/232722000000/2022/plan/qr.svg").status_code == 404
