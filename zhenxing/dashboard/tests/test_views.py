"""The dashboard pages: scope, drill-down, the table under each chart, evidence links."""

from __future__ import annotations

import datetime as dt
import html
import re
from decimal import Decimal

from django.utils import timezone

from zhenxing.dashboard.services import snapshot_take
from zhenxing.dashboard.templatetags.dashboard_tags import format_figure
from zhenxing.funds.services import micro_loan_create, micro_loan_repay
from zhenxing.people.testing import make_ledgers
from zhenxing.registry.testing import make_household


def _snap():
    snapshot_take(actor=None, date=timezone.localdate())


def test_prefecture_page_ranks_counties_and_names_the_lagging_one(login, w, hh):
    _snap()
    page = login(w.diqu).get("/dashboard/").content.decode()
    assert "大兴安岭地区" in page and "塔河县" in page and "呼玛县" in page
    for county in ("232722000000", "232721000000"):
        assert f'class="drill" href="/dashboard/{county}/"' in page
    # 住房不安全: 塔河县 1, others 0 → 塔河县 lags
    lagging = page.split("落后提示")[1].split("</section>")[0]
    assert "住房不安全农户" in lagging and "塔河县" in lagging
    assert 'id="chart-0"' in page and "chart-data" in page
    assert "echarts-5.6.0.min.js" in page


def test_every_figure_links_to_the_records_behind_it(login, w, hh):
    _snap()
    page = login(w.tahe).get(f"/dashboard/{w.r.tahe.code}/").content.decode()
    links = re.findall(r'class="fig" href="([^"]+)" data-code="([^"]+)"', page)
    assert len(links) >= 10
    client = login(w.tahe)
    for href, code in links:
        # every figure opens a page the user may read
        assert client.get(html.unescape(href)).status_code == 200, (code, href)
    # every figure names the region it is about, except department records that match no registry
    # member: they have no region (screening.unmatched_records).
    without_region = {code for href, code in links if "region=232722000000" not in href}
    assert without_region == {"screening.unmatched_records"}
    assert "/registry/?region=232722200000&amp;monitoring_status=monitored" in page  # township cell


def test_people_and_loan_figures_link_to_the_records_that_make_them(login, w):
    """奋斗村 and its sibling 永丰村 hold the same hand-made records: each figure of 奋斗村 links to a
    list of 奋斗村's records only (the figure's subset where it has one), which gives the figure back."""
    make_ledgers(w.r.fendou, "奋斗")
    make_ledgers(w.r.yongfeng, "永丰")
    today = timezone.localdate()
    terms = {"bank": "农村信用社", "amount": 50000, "term_months": 12, "annual_rate": "0.0435"}
    for village, actor in ((w.r.fendou, w.fendou), (w.r.yongfeng, w.yongfeng)):
        micro_loan_create(
            actor=actor,
            household=make_household(village=village, formerly_poor=True),
            borrower_name="借款人",
            contract_number=f"XD-{village.code}",
            issued_on=today - dt.timedelta(days=30),
            **terms,
        )
    old = micro_loan_create(
        actor=w.fendou,
        household=make_household(village=w.r.fendou, formerly_poor=True),
        borrower_name="借款人",
        contract_number="XD-OLD",
        issued_on=dt.date(today.year - 3, 1, 1),
        **terms,
    )
    micro_loan_repay(actor=w.fendou, loan=old, amount=old.amount, date=dt.date(today.year - 1, 12, 31))
    _snap()
    client = login(w.shibazhan)
    page = client.get(f"/dashboard/{w.r.fendou.code}/").content.decode()
    figures = {
        code: (html.unescape(href), text)
        for href, code, text in re.findall(r'class="fig" href="([^"]+)" data-code="([^"]+)">([^<]+)</a>', page)
    }

    def listed(code: str, section: str) -> list[dict[str, str]]:
        r = client.get(figures[code][0])
        [s] = [s for s in r.context["sections"] if s.title == section]
        return [dict(zip(s.columns, (cells[0].text for cells in row), strict=False)) for row in s.rows]

    def total(rows, column) -> Decimal:
        return sum(Decimal(r[column].replace(",", "")) for r in rows)

    def figure(code):
        return figures[code][1]

    rows = listed("people.post_poor_holders", "脱贫人口在岗人数同比")
    assert figure("people.post_poor_holders") == format_figure(total(rows, "当前（人）")) == "1"
    rows = listed("people.workshop_poor_share", "帮扶车间")
    assert (
        figure("people.workshop_poor_share")
        == format_figure(total(rows, "其中脱贫劳动力") / total(rows, "在岗务工（人）"), "%")
        == "50.0%"
    )
    rows = listed("people.workshops_below_share", "帮扶车间")
    assert figure("people.workshops_below_share") == format_figure(len(rows)) == "1"
    rows = listed("people.pairing_money_delivered", "结对帮扶")
    assert (
        figure("people.pairing_money_delivered")
        == format_figure(total(rows, "已兑现资金") / total(rows, "承诺资金"), "%")
        == "60.0%"
    )
    rows = listed("people.cadres_below_days", "驻村干部在村天数")
    assert figure("people.cadres_below_days") == format_figure(len(rows)) == "1"
    rows = listed("people.points_credited", "各村情况")
    assert figure("people.points_credited") == format_figure(total(rows, "本年入账积分")) == "10"
    loans = client.get(figures["funds.micro_loan_households"][0]).context["loans"]
    assert figure("funds.micro_loan_households") == format_figure(len({x.household_id for x in loans})) == "1"


def test_a_village_cadre_sees_only_their_village(login, w, hh):
    _snap()
    client = login(w.fendou)
    page = client.get("/dashboard/").content.decode()
    assert "奋斗村" in page and "永丰村" not in page
    assert 'data-code="registry.households">4<' in page
    assert client.get(f"/dashboard/{w.r.yongfeng.code}/").status_code == 404
    assert client.get(f"/dashboard/{w.r.tahe.code}/").status_code == 404
    assert client.get(f"/dashboard/{w.r.tahe.code}/figure/", {"i": "registry.households"}).status_code == 404


def test_a_township_sees_its_villages_not_the_county(login, w, hh):
    _snap()
    client = login(w.shibazhan)
    page = client.get(f"/dashboard/{w.r.shibazhan.code}/").content.decode()
    assert "奋斗村" in page and "永丰村" in page and "开库康村" not in page
    assert client.get(f"/dashboard/{w.r.kaikukang.code}/").status_code == 404


def test_figure_page_shows_the_definition_history_and_ranking(login, w, hh):
    _snap()
    page = login(w.tahe).get(f"/dashboard/{w.r.tahe.code}/figure/", {"i": "registry.low_income_unmonitored"})
    html = page.content.decode()
    assert "应纳尽纳" in html and "</dt><dd>农户、年度监测标准" in html and "registry_household" not in html
    ranking = html.split("下级排名")[1]
    # lower is better: five townships with 0 share rank 1; 十八站乡 and 开库康镇 (1 each) share rank 6
    rows = re.findall(r'<td class="num">(\d+)</td>\s*<td><a [^>]+>([^<]+)</a>', ranking)
    assert sorted(name for rank, name in rows if rank == "6") == sorted(["开库康镇", "十八站鄂伦春族乡"])
    assert [rank for rank, _ in rows].count("1") == 5
    unknown = login(w.tahe).get(f"/dashboard/{w.r.tahe.code}/figure/", {"i": "no.such"})
    assert unknown.status_code == 302
