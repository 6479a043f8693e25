"""The village profile: versioned by year (a new year starts from the last), population from the
registry, 两委 by ID hash, 村规民约 and 示范 procedures by level, cleaning problems → ledger items,
乡村建设 only for pool projects of that type, imports all-or-nothing with row and column."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhenxing.funds import services as funds
from zhenxing.ledger import services as ledger
from zhenxing.ledger.models import RectificationItem
from zhenxing.registry.testing import make_household
from zhenxing.village import imports, selectors, services
from zhenxing.village.indicators import INDICATORS
from zhenxing.village.models import Cadre, CleaningRound, HonourState, RuleState, Toilet, VillageProfile

TODAY = dt.date.today()
FIGURES = {i.code: i for i in INDICATORS}


def _ids(village, n=1):
    from zhenxing.collective.testing import people

    return people(village, n)


def test_profile_is_versioned_by_year_and_population_comes_from_the_registry(w):
    p1 = services.profile_save(
        actor=w.fendou,
        village=w.r.fendou,
        year=TODAY.year - 1,
        village_class="gather",
        plan_status="approved",
        plan_approved_on=dt.date(TODAY.year - 1, 3, 1),
        plan_document="塔政复〔2025〕1号",
    )
    p2 = services.profile_save(actor=w.fendou, village=w.r.fendou, year=TODAY.year)
    assert p2.pk != p1.pk and p2.village_class == "gather" and p2.plan_document == "塔政复〔2025〕1号"
    with pytest.raises(ValidationError):
        services.profile_save(
            actor=w.fendou, village=w.r.fendou, year=TODAY.year, plan_status="approved", plan_document=""
        )
    with pytest.raises(ValidationError):  # a stale version
        services.profile_save(actor=w.fendou, village=w.r.fendou, year=TODAY.year, version=99, note="x")
    with pytest.raises(PermissionDenied):
        services.profile_save(actor=w.kaikukang, village=w.r.fendou, year=TODAY.year)
    make_household(village=w.r.fendou)
    assert selectors.population([w.r.fendou.pk])[w.r.fendou.pk] == (1, 2)
    v = FIGURES["village.planned_villages"].compute(w.r.tahe, TODAY)
    assert v.value == 1 and v.denominator > 1


def test_cadres_are_registry_people_by_id_hash(w):
    profile = services.profile_save(actor=w.fendou, village=w.r.fendou, year=TODAY.year)
    (num,) = _ids(w.r.fendou)
    c = services.cadre_add(
        actor=w.fendou, profile=profile, id_number=num, post="both", age_band="35_45", education="college"
    )
    assert num not in c.id_hash and len(c.id_hash) == 64
    with pytest.raises(ValidationError):
        services.cadre_add(
            actor=w.fendou, profile=profile, id_number=num, post="member", age_band="u35", education="junior"
        )
    (elsewhere,) = _ids(w.r.kaikukang)
    with pytest.raises(ValidationError) as exc:
        services.cadre_add(
            actor=w.fendou, profile=profile, id_number=elsewhere, post="member", age_band="u35", education="junior"
        )
    assert "不在本村" in str(exc.value)
    named = selectors.cadres(profile).get()
    assert named.person_name == "成员1" and num not in named.id_masked


def test_rule_procedure_filing_by_the_township_and_posting_supersedes(w, client):
    old = services.rule_draft(actor=w.fendou, village=w.r.fendou, title="旧村规民约", items="一、旧条款")
    for rule in (
        old,
        services.rule_draft(actor=w.fendou, village=w.r.fendou, title="新村规民约", items="一、移风易俗\n二、爱护环境"),
    ):
        with pytest.raises(ValidationError):  # the meeting must be named
            services.rule_transition(actor=w.fendou, rule=rule, code="vote", evidence="同意30人")
        services.rule_transition(actor=w.fendou, rule=rule, code="vote", evidence="同意30人", meeting="assembly")
        with pytest.raises((PermissionDenied, ValidationError)):  # the village does not file its own rule
            services.rule_transition(actor=w.fendou, rule=rule, code="file", evidence="备1号")
        services.rule_transition(actor=w.shibazhan, rule=rule, code="file", evidence="十八站备〔2026〕1号")
        services.rule_transition(actor=w.fendou, rule=rule, code="post")
    old.refresh_from_db()
    assert old.state == RuleState.SUPERSEDED and rule.state == RuleState.POSTED
    page = client.get(f"/public/village/{w.r.fendou.code}/").content.decode()
    assert "新村规民约" in page and "爱护环境" in page and "旧条款" not in page
    assert client.get(f"/public/village/{w.r.kaikukang.code}/").status_code == 404


def test_honour_is_reviewed_by_the_township_then_approved_by_the_county(w, client):
    h = services.honour_recommend(
        actor=w.fendou, village=w.r.fendou, kind="livable", year=TODAY.year, reason="环境整洁"
    )
    with pytest.raises((PermissionDenied, ValidationError)):
        services.honour_transition(actor=w.tahe, honour=h, code="approve", evidence="文号")
    services.honour_transition(actor=w.shibazhan, honour=h, code="review")
    with pytest.raises((PermissionDenied, ValidationError)):
        services.honour_transition(actor=w.shibazhan, honour=h, code="approve", evidence="文号")
    services.honour_transition(actor=w.tahe, honour=h, code="approve", evidence="塔乡振〔2026〕3号")
    assert h.state == HonourState.APPROVED
    assert "美丽宜居村庄" in client.get(f"/public/village/{w.r.fendou.code}/").content.decode()


def test_cleaning_problems_become_a_ledger_item_and_its_close_resolves_them(w):
    r = services.cleaning_record(
        actor=w.fendou,
        village=w.r.fendou,
        year=TODAY.year,
        season="spring",
        inspected_on=TODAY,
        score=80,
        problems="柴草乱堆",
    )
    item = RectificationItem.objects.get(pk=r.item_id)
    assert item.type.code == "environment" and item.problem == "柴草乱堆"
    ledger.item_transition(actor=w.fendou, item=item, action="fix", evidence="已清理")
    ledger.item_transition(actor=w.shibazhan, item=item, action="verify")
    r.refresh_from_db()
    assert r.resolved_on == TODAY
    with pytest.raises(ValidationError):  # one inspection per season
        services.cleaning_record(
            actor=w.fendou, village=w.r.fendou, year=TODAY.year, season="spring", inspected_on=TODAY, score=90
        )
    assert CleaningRound.objects.count() == 1


def test_sewage_refuses_more_fixed_than_found(w):
    with pytest.raises(ValidationError):
        services.sewage_save(
            actor=w.fendou,
            village=w.r.fendou,
            year=TODAY.year,
            mode="central",
            black_water_bodies=1,
            black_water_fixed=2,
        )


def test_only_rural_construction_projects_join_the_construction_pool(w):
    p = funds.project_create(
        actor=None, village=w.r.fendou, code="T-1", name="道路", type="rural_construction", year=TODAY.year
    )
    q = funds.project_create(actor=None, village=w.r.fendou, code="T-2", name="大棚", type="industry", year=TODAY.year)
    with pytest.raises(PermissionDenied):
        services.construction_classify(actor=w.fendou, project=p, category="road")
    cp = services.construction_classify(actor=w.tahe, project=p, category="road")
    with pytest.raises(ValidationError):
        services.construction_classify(actor=w.tahe, project=q, category="road")
    task = services.task_add(actor=w.tahe, construction=cp, village=w.r.fendou, content="招标", due_on=TODAY)
    services.task_done(actor=w.fendou, task=task)
    assert list(selectors.construction_projects(w.fendou)) == [p]


def test_toilet_import_is_all_or_nothing_with_row_and_column(w):
    h = make_household(village=w.r.fendou)
    bad = (
        "户编号,有无户厕,厕所类型,技术模式\n"
        f"{h.number},有,水冲式,宜水则水\n"
        "NOPE,有,水冲式,宜水则水\n"
        f"{h.number},有,金马桶,\n"
    )
    result = imports.village_import(
        actor=w.fendou, region=w.r.fendou, kind="toilets", data=bad.encode(), filename="a.csv"
    )
    assert result["created"] == 0 and not Toilet.objects.exists()
    assert [(e["row"], e["column"]) for e in result["errors"]] == [(3, "户编号"), (4, "厕所类型")]
    assert "厕所类型须为" in result["errors"][1]["message"]
    good = f"户编号,有无户厕,厕所类型,技术模式,建设年度\n{h.number},有,卫生旱厕,宜旱则旱,2021\n"
    result = imports.village_import(
        actor=w.fendou, region=w.r.fendou, kind="toilets", data=good.encode("gb18030"), filename="b.csv"
    )
    assert result["created"] == 1 and Toilet.objects.get().kind == "dry"


def test_profile_and_cadre_import(w):
    (num,) = _ids(w.r.fendou)
    data = f"村代码,年度,村庄分类,村庄规划\n{w.r.fendou.code},{TODAY.year},集聚提升类,编制中\n{w.r.kaikukang.code},{TODAY.year},集聚提升类,编制中\n"
    result = imports.village_import(
        actor=w.shibazhan, region=w.r.shibazhan, kind="profiles", data=data.encode(), filename="p.csv"
    )
    assert [(e["row"], e["column"]) for e in result["errors"]] == [
        (3, "村代码")
    ] and not VillageProfile.objects.exists()
    data = f"村代码,年度,身份证号,职务,年龄段,学历,退役军人\n{w.r.fendou.code},{TODAY.year},{num},书记兼主任,35至45岁,大专及以上,是\n"
    result = imports.village_import(
        actor=w.shibazhan, region=w.r.shibazhan, kind="cadres", data=data.encode(), filename="c.csv"
    )
    assert result["created"] == 1 and Cadre.objects.get().veteran
