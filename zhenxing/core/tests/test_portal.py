"""公共服务首页 /public/: open without login, links every public page, the 12317 hotline and the
plan counties' office phones from the region data, nothing personal."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse

from zhenxing.monitoring import applications as monitoring_applications
from zhenxing.regions import demo as regions_demo
from zhenxing.regions.models import Region
from zhenxing.regions.services import region_office_phone_set
from zhenxing.registry import idnumber
from zhenxing.registry.testing import make_household, members_of, new_id

PORTAL = "/public/"
HREF = re.compile(r'href="([^"#]+)"')


def _html(client, url=PORTAL) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _county_lines(html: str) -> dict[str, str]:
    """The office-phone list as {county name: what is shown after it}."""
    block = html.split('class="card office-phones"', 1)[1].split("</ul>", 1)[0]
    items = re.findall(r"<li><span>(.*?)</span><span>(.*?)</span></li>", block, re.S)
    return {name: " ".join(re.sub(r"<[^>]+>", " ", shown).split()) for name, shown in items}


def test_the_portal_is_public_and_at_public_root(client, w):
    assert reverse("core_public:portal") == PORTAL
    html = _html(client)
    assert "12317" in html and 'href="tel:12317"' in html


def test_every_public_link_on_the_portal_opens_without_login(client, w):
    hrefs = [h for h in HREF.findall(_html(client)) if not h.startswith("tel:") and "/static/" not in h]
    for expected in ("/public/apply", "/public/apply/status", "/public/funds/"):
        assert expected in hrefs, expected
    for href in hrefs:
        response = client.get(href)
        assert response.status_code == 200, href
        assert not response.get("Location"), href


def test_county_phones_come_from_the_region_data(client, w):
    lines = _county_lines(_html(client))
    # Only the plan's four county-level units, by code; the forest districts are not listed.
    assert list(lines) == ["漠河市", "呼玛县", "塔河县", "加格达奇区"]
    assert set(lines.values()) == {"暂未公布"}

    region_office_phone_set(actor=w.diqu, region=w.r.tahe, phone="0457-3612345")
    lines = _county_lines(_html(client))
    assert lines["塔河县"] == "0457-3612345" and lines["呼玛县"] == "暂未公布"

    region_office_phone_set(actor=w.diqu, region=w.r.tahe, phone="0457-3698765")
    html = _html(client)
    assert _county_lines(html)["塔河县"] == "0457-3698765" and "0457-3612345" not in html

    region_office_phone_set(actor=w.diqu, region=w.r.tahe, phone="")
    assert _county_lines(_html(client))["塔河县"] == "暂未公布"


def test_demo_sample_phones_are_marked_and_a_real_one_is_not(client, w):
    regions_demo.load(out=io.StringIO())
    lines = _county_lines(_html(client))
    assert all(shown.endswith("示例") for shown in lines.values()), lines
    region_office_phone_set(actor=w.diqu, region=w.r.huma, phone="0457-3501234")
    lines = _county_lines(_html(client))
    assert lines["呼玛县"] == "0457-3501234" and lines["塔河县"].endswith("示例")


def test_no_personal_data_on_the_portal(client, w):
    id_number = new_id()
    household = make_household(
        village=w.r.fendou,
        members=[
            {"name": "赵铁柱", "relation": "head", "id_number": id_number},
            {"name": "钱桂芝", "relation": "spouse"},
        ],
    )
    monitoring_applications.application_submit(
        name="孙大勇",
        phone="13904571234",
        id_number=new_id(),
        village=w.r.kaikukang,
        risk_type="01",
        description="住院花费很多",
        ip="10.0.0.9",
    )
    region_office_phone_set(actor=w.diqu, region=w.r.tahe, phone="0457-3612345")
    html = _html(client)
    spouse = members_of(household)[1]
    for secret in (
        id_number,
        idnumber.decrypt(spouse.id_cipher),
        spouse.id_masked,
        "赵铁柱",
        "钱桂芝",
        "孙大勇",
        "13904571234",
        household.number,
    ):
        assert secret not in html, secret
    assert not re.search(r"\d{17}[\dXx]|\d{6}\*{4,}", html)
    assert Region.objects.get(pk=w.r.tahe.pk).office_phone in html  # the page did render the data


@pytest.mark.parametrize("url", ["/public/apply", "/public/apply/status", "/public/funds/"])
def test_public_pages_link_back_to_the_portal(client, w, url):
    html = _html(client, url)
    assert f'<a href="{PORTAL}">‹ 返回公共服务首页</a>' in html


def test_login_page_links_the_portal(client, w):
    html = _html(client, reverse("accounts:login"))
    assert f'<a href="{PORTAL}">公众服务：自主申报、公示公开</a>' in html
