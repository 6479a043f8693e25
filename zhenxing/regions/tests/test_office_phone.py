"""County office phones (shown on the public portal): set by a prefecture admin, audited, checked."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhenxing.audit.models import AuditEntry
from zhenxing.regions import demo
from zhenxing.regions.models import Region
from zhenxing.regions.services import region_office_phone_set


def _phone(region) -> tuple[str, bool]:
    r = Region.objects.get(pk=region.pk)
    return r.office_phone, r.office_phone_is_sample


def test_prefecture_admin_sets_a_county_phone_and_it_is_audited(w):
    region_office_phone_set(actor=w.diqu, region=w.r.tahe, phone=" 0457-3612345 ")
    assert _phone(w.r.tahe) == ("0457-3612345", False)
    entry = AuditEntry.objects.filter(model="regions.region", object_id=str(w.r.tahe.pk)).latest("id")
    assert entry.actor_id == w.diqu.pk and entry.after == {"office_phone": "0457-3612345"}


@pytest.mark.parametrize("who", ["tahe", "shibazhan", "fendou", "yibao", "ducha"])
def test_other_roles_may_not_set_it(w, who):
    with pytest.raises(PermissionDenied):
        region_office_phone_set(actor=getattr(w, who), region=w.r.tahe, phone="0457-3612345")
    assert _phone(w.r.tahe) == ("", False)


@pytest.mark.parametrize("level", ["diqu", "shibazhan", "fendou"])
def test_only_county_level_nodes_have_an_office_phone(w, level):
    with pytest.raises(ValidationError):
        region_office_phone_set(actor=w.diqu, region=getattr(w.r, level), phone="0457-3612345")


@pytest.mark.parametrize(
    "phone,ok",
    [
        ("0457-3612345", True),
        ("(0457)3612345", True),
        ("12317", True),
        ("1231", False),
        ("0457-361234a", False),
        ("电话待定", False),
        ("0" * 32, True),
        ("0" * 33, False),
    ],
)
def test_phone_format(w, phone, ok):
    if ok:
        region_office_phone_set(actor=w.diqu, region=w.r.tahe, phone=phone)
        assert _phone(w.r.tahe)[0] == phone
    else:
        with pytest.raises(ValidationError):
            region_office_phone_set(actor=w.diqu, region=w.r.tahe, phone=phone)


def test_demo_fills_sample_numbers_once_and_never_over_a_real_one(w):
    demo.load(out=io.StringIO())
    assert all(_phone(getattr(w.r, c))[1] for c in ("mohe", "huma", "tahe", "jiagedaqi"))
    assert Region.objects.exclude(office_phone="").count() == 4  # the plan's four, not the forest districts
    region_office_phone_set(actor=w.diqu, region=w.r.tahe, phone="0457-3612345")
    demo.load(out=io.StringIO())
    assert _phone(w.r.tahe) == ("0457-3612345", False)


def test_region_page_shows_and_edits_the_phone(login, w):
    client = login(w.diqu)
    url = f"/regions/{w.r.tahe.code}/office-phone"
    response = client.post(url, {"office_phone": "0457-3612345"})
    assert response.status_code == 302 and response["Location"] == f"/regions/{w.r.tahe.code}/"
    html = client.get(f"/regions/{w.r.tahe.code}/").content.decode()
    assert "0457-3612345" in html and 'name="office_phone"' in html
    assert "0457-3612345" in client.get(f"/regions/{w.r.diqu.code}/").content.decode()  # the counties' table
    response = client.post(url, {"office_phone": "电话待定"}, follow=True)
    assert "电话号码格式不正确" in response.content.decode() and _phone(w.r.tahe)[0] == "0457-3612345"
    assert client.get(url).status_code == 405
    html = client.get("/regions/232762000000/").content.decode()  # 松岭区: not one of the plan's four
    assert 'name="office_phone"' in html and "公共服务首页不列出" in html


def test_county_staff_sees_the_phone_but_cannot_edit_it(login, w):
    region_office_phone_set(actor=w.diqu, region=w.r.tahe, phone="0457-3612345")
    client = login(w.tahe)
    html = client.get(f"/regions/{w.r.tahe.code}/").content.decode()
    assert "0457-3612345" in html and 'name="office_phone"' not in html
    assert client.post(f"/regions/{w.r.tahe.code}/office-phone", {"office_phone": "0457-1"}).status_code == 403
    assert _phone(w.r.tahe)[0] == "0457-3612345"
