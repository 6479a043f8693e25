"""Menus by role, and link permission asked the way the view asks (accounts/scope.py page rules,
accounts/access.py ``may_open``): each role's menu is its own, what a role's menu leaves out by
rule its view refuses, and what the menu lists opens."""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.urls import get_resolver, reverse

from zhenxing.accounts import scope
from zhenxing.accounts.access import may_open
from zhenxing.lib.modules import NAV_GROUPS, PERSONAL, menu_items, nav_groups, nav_items

pytestmark = pytest.mark.django_db

COUNTY_ONLY = {"县级考核", "资金下达与安排", "衔接资金"}


def labels(user) -> list[str]:
    return [item.label for item in menu_items(user)]


def everyone(w):
    return [w.diqu, w.tahe, w.shibazhan, w.fendou, w.kaikukang, w.yibao, w.minzheng, w.ducha]


def ruled_pages():
    """(rule name, URL) of every page whose view declares a page rule and needs no URL argument."""
    found = {}

    def walk(patterns, prefix=""):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
                walk(p.url_patterns, ns)
            elif getattr(p.callback, "zx_page", None) and not p.pattern.converters and p.name:
                found.setdefault(p.callback.zx_page, reverse(f"{prefix}{p.name}"))

    walk(get_resolver().url_patterns)
    return sorted(found.items())


def test_a_village_cadre_menu_is_short_and_has_no_county_business(w):
    for cadre in (w.fendou, w.kaikukang):
        menu = labels(cadre)
        assert len(menu) <= 15, menu
        assert not COUNTY_ONLY & set(menu), menu
    # (the 集体经济 group is the collective app's own, checked by its tests)
    assert [i.label for i in menu_items(w.fendou) if i.group != "集体经济"] == [
        "工作台",
        "农户档案",
        "防返贫监测对象",
        "自主申报",
        "公示",
        "帮扶责任人",
        "移动工作台（离线走访）",
        "部门预警",
        "排查整改台账",
        "项目库",
        "扶贫项目资产",
        "就业帮扶与乡村治理",
        "积分制",
        "小微权力清单",
    ]


def test_the_menu_is_grouped_in_the_fixed_order(w):
    groups = [g for g, _ in nav_groups(w.diqu)]
    assert groups == [g for g in NAV_GROUPS if g in groups]
    assert PERSONAL not in groups
    assert {"工作台", "监测帮扶", "预警", "台账", "资金资产", "就业治理", "统计报告", "系统"} <= set(groups)


def test_the_prefecture_admin_has_the_system_entries(w):
    system = dict(nav_groups(w.diqu))["系统"]
    assert {"账户管理", "工作日历", "行政区划", "审计日志"} <= {i.label for i in system}
    for other in (w.tahe, w.fendou, w.yibao):
        assert "账户管理" not in labels(other)


def test_the_county_has_its_assessment_funds_and_parameters(w):
    menu = labels(w.tahe)
    assert {"县级考核", "资金下达与安排", "衔接资金", "年度参数与支出计划"} <= set(menu)
    assert "工作人员身份登记" not in menu  # the prefecture's


def test_the_township_has_no_county_business_but_its_dashboard(w):
    menu = labels(w.shibazhan)
    assert not COUNTY_ONLY & set(menu)
    assert "领导驾驶舱" in menu and "定期报告" not in menu


def test_the_medical_insurance_department_sees_its_alerts_and_data_not_funds(w):
    menu = labels(w.yibao)
    assert {"部门预警", "部门数据"} <= set(menu)
    assert not {"项目库", "扶贫项目资产", "就业帮扶与乡村治理", "县级考核", "筛查运行"} & set(menu)
    client = Client()
    client.force_login(w.yibao)
    assert client.get(reverse("screening:alerts")).status_code == 200
    assert client.get(reverse("screening:feeds")).status_code == 200


def test_the_inspector_sees_inspections_assessment_and_audit(w):
    menu = labels(w.ducha)
    assert {"督导问责", "县级考核", "审计日志", "筛查运行"} <= set(menu)
    assert "账户管理" not in menu


def test_notices_and_jobs_are_in_the_top_bar_not_the_menu(w):
    personal = [i.label for i in nav_items(w.fendou) if i.group == PERSONAL]
    assert personal == ["通知", "后台任务"]
    assert not {"通知", "后台任务"} & set(labels(w.fendou))


def test_every_view_refuses_what_its_rule_keeps_out_of_the_menu(w):
    """One rule: a page is in a role's menu only if the role may open it, and the view answers
    403 exactly when the rule refuses (the same question, asked by the view)."""
    pages = ruled_pages()
    assert len(pages) > 20
    for user in everyone(w):
        client = Client()
        client.force_login(user)
        listed = {item.url for item in nav_items(user)}
        for name, url in pages:
            allowed = scope.may(user, name)
            if url in listed:
                assert allowed, f"{user.username} 菜单列出无权打开的 {url}"
            status = client.get(url).status_code
            if allowed:
                assert status in {200, 302}, f"{user.username} {url} → {status}"
            else:
                assert status == 403, f"{user.username} 可打开菜单不列出的 {url}（{status}）"
                assert not may_open(user, url)


def test_every_menu_entry_opens(w):
    for user in everyone(w):
        client = Client()
        client.force_login(user)
        for item in nav_items(user):
            assert may_open(user, item.url), f"{user.username} {item.url}"
            assert client.get(item.url).status_code in {200, 302}, f"{user.username} {item.url}"


def test_may_open_asks_the_views_lookup_and_region_filter(w):
    # the dashboard's 衔接资金 figure for a village: a village cadre has no county figures page
    assert not may_open(w.fendou, f"{reverse('funds:figures')}?region={w.r.fendou.code}&year=2026")
    assert may_open(w.tahe, f"{reverse('funds:figures')}?region={w.r.tahe.code}&year=2026")
    # a region filter outside the user's scope answers 404, so it is not linked
    assert not may_open(w.tahe, f"{reverse('registry:list')}?region={w.r.huma.code}")
    # a detail page: the record must be in the user's scope (another county's region answers 404)
    assert may_open(w.tahe, reverse("regions:detail", args=[w.r.tahe.code]))
    assert not may_open(w.tahe, reverse("regions:detail", args=[w.r.huma.code]))
    # a page refused by its rule, and an unknown path
    assert not may_open(w.fendou, reverse("ledger:assessments"))
    assert not may_open(w.fendou, "/no-such-page/")


def _render(user, source: str) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return Template(source).render(Context({"request": request, "user": user})).strip()


def test_templates_ask_the_same_rules(w):
    register = '{% can_write "assets.asset.register" as ok %}{{ ok }}'
    assert _render(w.tahe, register) == "True"
    for user in (w.fendou, w.shibazhan, w.ducha):  # only the county registers assets
        assert _render(user, register) == "False"
    reveal = '{% may "registry.id.reveal" as ok %}{{ ok }}'
    assert _render(w.fendou, reveal) == "True"
    assert _render(w.ducha, reveal) == "False"
    url = reverse("ledger:assessments")
    assert _render(w.fendou, f'{{{{ "{url}"|open_for:user }}}}') == ""
    assert _render(w.tahe, f'{{{{ "{url}"|open_for:user }}}}') == url


def test_the_menu_is_one_collapsible_block_with_its_groups(w):
    client = Client()
    client.force_login(w.fendou)
    html = client.get(reverse("core:home")).content.decode()
    menu = re.search(r'<details id="sidenav">(.*?)</details>', html, re.S)
    assert menu, "菜单应收在一个 <details> 中（手机上一个按钮展开，无需脚本）"
    body = menu.group(1)
    assert "<summary>菜单</summary>" in body
    for group in ("监测帮扶", "预警", "台账", "资金资产", "就业治理"):
        assert f">{group}</div>" in body
    assert "县级考核" not in html and "资金下达" not in html
    assert reverse("ledger:notices") in html and reverse("accounts:password_change") in html  # top bar
