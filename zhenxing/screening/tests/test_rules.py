"""Each rule on hand-made households at and around its boundaries."""

from __future__ import annotations

import datetime as dt

import pytest

from zhenxing.registry import services as registry
from zhenxing.registry import testing
from zhenxing.registry.models import Household
from zhenxing.screening import runs
from zhenxing.screening.models import Alert

AS_OF = dt.date(2022, 6, 30)


def flagged(rule: str, **overrides) -> set[str]:
    runs.screen(actor=None, as_of=AS_OF, overrides=overrides)
    return set(Alert.objects.filter(rule=rule, is_open=True).values_list("household__number", flat=True))


def household(w, number: str, *, members=None, income=None, **kw) -> Household:
    return testing.make_household(village=w.r.fendou, number=number, members=members, income=income, **kw)


def ids(h: Household) -> list[str]:
    from zhenxing.registry import idnumber

    return [idnumber.decrypt(m.id_cipher) for m in h.members.order_by("id")]


def med(serial, id_number, date, burden):
    return {
        "结算流水号": serial,
        "身份证号": id_number,
        "姓名": "某",
        "结算日期": date,
        "医疗总费用": burden,
        "基本医保支付": 0,
        "大病保险支付": 0,
        "医疗救助支付": 0,
        "个人负担": burden,
    }


def test_income_strictly_below_threshold_and_missing_income_separately(w):
    # two living members: threshold 6000 → 12000 household net is exactly on the line
    household(w, "EQ", income={"wage_income": 12000})
    household(w, "BELOW", income={"wage_income": 11999.99})
    household(w, "COST", income={"wage_income": 13000, "business_cost": 1000.01})  # net 11999.99
    household(w, "ABOVE", income={"wage_income": 12000.01})
    household(w, "NOINCOME", income=False)
    h = household(w, "DEAD", income={"wage_income": 9000})  # 9000 / 1 living member = 9000, not below
    registry.member_record_death(actor=None, member=h.members.order_by("id").last(), date=dt.date(2022, 1, 1))
    assert flagged("income") == {"BELOW", "COST"}
    assert set(Alert.objects.filter(rule="income_missing").values_list("household__number", flat=True)) == {"NOINCOME"}
    # the threshold is a parameter: raised for this run only
    assert flagged("income", **{"income.threshold": "9000.01"}) >= {"EQ", "DEAD", "ABOVE"}


def test_income_year_defaults_to_the_year_before_as_of(w):
    household(w, "OLD", income={"wage_income": 100}, income_year=2020)
    assert flagged("income") == set()
    assert set(Alert.objects.filter(rule="income_missing").values_list("household__number", flat=True)) == {"OLD"}


def test_medical_window_and_ratio_boundaries(w, feed):
    poor = household(w, "POOR", formerly_poor=True)  # limit 0.5 × 17889 × 2 = 17889
    other = household(w, "OTHER")  # limit 1.0 × 17889 × 2 = 35778
    edge = household(w, "EDGE")
    p, o, e = ids(poor), ids(other), ids(edge)
    feed(
        "medical",
        [
            med("P1", p[0], "2022-06-30", "17889.00"),  # as-of day counts; equal to the limit: not flagged
            med("O1", o[0], "2021-06-30", "99999"),  # exactly as-of − 365: outside the window
            med("O2", o[1], "2022-06-30", "35778.01"),  # above
            med("E1", e[0], "2021-07-01", "35778.01"),  # first day inside the window
            med("E2", e[1], "2022-07-01", "99999"),  # after as-of: ignored
        ],
    )
    assert flagged("medical") == {"OTHER", "EDGE"}
    alert = Alert.objects.get(rule="medical", household=other)
    assert [r["key"] for r in alert.evidence["records"]] == ["O2"]
    assert alert.risk_types == ["01"] and alert.department == "medical_insurance"
    feed("medical", [med("P2", p[1], "2022-01-01", "0.01")])
    assert "POOR" in flagged("medical")
    assert "POOR" not in flagged("medical", **{"medical.ratio_poor": "0.6"})


def test_medical_counts_living_members_only(w, feed):
    h = household(
        w, "THREE", members=[{"relation": "head"}, {"relation": "spouse", "male": False}, {"relation": "son"}]
    )
    people = ids(h)
    registry.member_record_death(actor=None, member=h.members.order_by("id").last(), date=dt.date(2022, 1, 1))
    feed("medical", [med("T1", people[0], "2022-05-01", "35778")])  # 2 living: 35778 = limit, not above
    assert flagged("medical") == set()
    feed("medical", [med("T2", people[2], "2022-01-02", "1")])  # the dead member's bill still counts
    assert flagged("medical") == {"THREE"}


def test_uninsured_living_member_without_insured_record(w, feed):
    a = household(w, "INS")
    b = household(w, "GAP")
    assert flagged("uninsured") == set()  # no insurance data for the year: not judged
    ia, ib = ids(a), ids(b)
    feed(
        "insurance",
        [{"身份证号": i, "姓名": "某", "参保年度": 2022, "参保状态": "已参保"} for i in ia]
        + [
            {"身份证号": ib[0], "姓名": "某", "参保年度": 2022, "参保状态": "已参保"},
            {"身份证号": ib[1], "姓名": "某", "参保年度": 2022, "参保状态": "中断"},
        ],
    )
    assert flagged("uninsured") == {"GAP"}


def test_civil_ninety_days_and_not_monitored(w, feed):
    a, b, c = household(w, "NEW"), household(w, "OLD"), household(w, "MON")
    Household.objects.filter(pk=c.pk).update(monitoring_status="monitored")
    feed(
        "civil",
        [
            {
                "身份证号": ids(a)[0],
                "姓名": "某",
                "救助类型": "低保",
                "状态": "在保",
                "开始日期": "2022-04-02",
                "金额": 300,
            },
            {
                "身份证号": ids(b)[0],
                "姓名": "某",
                "救助类型": "特困",
                "状态": "在保",
                "开始日期": "2022-04-01",
                "金额": 300,
            },
            {
                "身份证号": ids(b)[1],
                "姓名": "某",
                "救助类型": "临时救助",
                "状态": "已发放",
                "开始日期": "2022-06-01",
                "金额": 300,
            },
            {
                "身份证号": ids(c)[0],
                "姓名": "某",
                "救助类型": "低保",
                "状态": "在保",
                "开始日期": "2022-06-01",
                "金额": 300,
            },
        ],
    )
    # as-of − 90 days = 2022-04-01: that day is outside the window, 04-02 is its first day
    assert flagged("civil") == {"NEW"}


def test_disability_grade_and_window(w, feed):
    a, b, c = household(w, "G2"), household(w, "G3"), household(w, "OLDCERT")
    feed(
        "disability",
        [
            {"身份证号": ids(a)[0], "姓名": "某", "残疾类别": "肢体", "残疾等级": "二级", "发证日期": "2021-07-01"},
            {"身份证号": ids(b)[0], "姓名": "某", "残疾类别": "肢体", "残疾等级": "三级", "发证日期": "2022-06-01"},
            {"身份证号": ids(c)[0], "姓名": "某", "残疾类别": "视力", "残疾等级": "一级", "发证日期": "2021-06-30"},
        ],
    )
    assert flagged("disability") == {"G2"}
    assert Alert.objects.get(rule="disability").risk_types == ["03"]


def test_dropout_age_six_to_fifteen_latest_status(w, feed):
    from zhenxing.registry import idnumber

    def child(number, born):
        # the exact birth date in the ID number (testing.new_id shifts it by a day per 400 IDs made)
        son = idnumber.make(region="232722", born=born, seq=450, male=True)  # new_id uses 0-399
        return household(w, number, members=[{"relation": "head"}, {"relation": "son", "id_number": son}])

    six = child("SIX", dt.date(2016, 6, 30))  # 6 on as-of
    almost = child("FIVE", dt.date(2016, 7, 1))  # 5 on as-of
    fifteen = child("FIFTEEN", dt.date(2006, 7, 1))  # 15 on as-of (16 tomorrow)
    sixteen = child("SIXTEEN", dt.date(2006, 6, 30))  # 16 on as-of
    back = child("BACK", dt.date(2010, 1, 1))  # dropped out, then back in school
    rows = [
        {"身份证号": ids(h)[1], "姓名": "某", "学段": "初中", "在校状态": "辍学", "日期": "2022-03-01"}
        for h in (six, almost, fifteen, sixteen, back)
    ]
    rows.append({"身份证号": ids(back)[1], "姓名": "某", "学段": "初中", "在校状态": "在校", "日期": "2022-04-01"})
    feed("education", rows)
    assert flagged("dropout") == {"SIX", "FIFTEEN"}


def test_housing_latest_appraisal(w, feed):
    a, b = household(w, "CD"), household(w, "FIXED")
    feed(
        "housing",
        [
            {"身份证号": ids(a)[0], "鉴定日期": "2022-01-01", "鉴定等级": "D"},
            {"身份证号": ids(b)[0], "鉴定日期": "2021-01-01", "鉴定等级": "C"},
            {"身份证号": ids(b)[0], "鉴定日期": "2022-01-01", "鉴定等级": "B"},
        ],
    )
    assert flagged("housing") == {"CD"}


def test_water_one_alert_per_village_and_fix_closes_it(w, feed):
    household(w, "W1"), household(w, "W2")
    testing.make_household(village=w.r.kaikukang, number="K1")
    feed(
        "water",
        [
            {"村代码": w.r.fendou.code, "问题类型": "水质", "发现日期": "2022-05-01", "状态": "未整改"},
            {"村代码": w.r.kaikukang.code, "问题类型": "水量", "发现日期": "2022-05-01", "状态": "已整改"},
            {"村代码": "232722999999", "问题类型": "水量", "发现日期": "2022-05-01", "状态": "未整改"},
        ],
    )
    summary = runs.screen(actor=None, as_of=AS_OF)
    alerts = Alert.objects.filter(rule="water", is_open=True)
    assert [(a.village_id, a.household_id) for a in alerts] == [(w.r.fendou.pk, None)]
    assert alerts[0].evidence["households"] == 2 and summary["alerts"]["water"] == 2
    assert summary["unmatched"]["water"] == 1
    feed("water", [{"村代码": w.r.fendou.code, "问题类型": "水质", "发现日期": "2022-05-01", "状态": "已整改"}])
    summary = runs.screen(actor=None, as_of=AS_OF)
    assert summary["closed"] == 1 and not Alert.objects.filter(rule="water", is_open=True).exists()


def test_jobloss_latest_status_and_wage_share(w, feed):
    a = household(w, "WAGE", income={"wage_income": 20000, "business_income": 19999})  # wage over half
    b = household(w, "HALF", income={"wage_income": 20000, "business_income": 20000})  # exactly half: no
    c = household(w, "REHIRED", income={"wage_income": 30000})
    feed(
        "employment",
        [
            {"身份证号": ids(a)[0], "姓名": "某", "就业状态": "失业", "月收入": 0, "日期": "2022-05-01"},
            {"身份证号": ids(b)[0], "姓名": "某", "就业状态": "务工中断", "月收入": 0, "日期": "2022-05-01"},
            {"身份证号": ids(c)[0], "姓名": "某", "就业状态": "失业", "月收入": 0, "日期": "2022-03-01"},
            {"身份证号": ids(c)[0], "姓名": "某", "就业状态": "在岗", "月收入": 3000, "日期": "2022-04-01"},
        ],
    )
    assert flagged("jobloss") == {"WAGE"}
    assert Alert.objects.get(rule="jobloss").risk_types == ["07"]


def test_disaster_thirty_percent_within_a_year_with_subcode(w, feed):
    a = household(w, "FLOOD", income={"wage_income": 10000})  # 30% = 3000
    b = household(w, "EXACT", income={"wage_income": 10000})
    c = household(w, "LONGAGO", income={"wage_income": 10000})
    feed(
        "disaster",
        [
            {"身份证号": ids(a)[0], "灾害类型": "洪涝", "损失金额": "2000", "发生日期": "2022-06-01"},
            {"身份证号": ids(a)[1], "灾害类型": "地震", "损失金额": "1000.01", "发生日期": "2021-07-01"},
            {"身份证号": ids(b)[0], "灾害类型": "旱灾", "损失金额": "3000", "发生日期": "2022-06-01"},
            {"身份证号": ids(c)[0], "灾害类型": "旱灾", "损失金额": "9000", "发生日期": "2021-06-30"},
        ],
    )
    assert flagged("disaster") == {"FLOOD"}
    assert Alert.objects.get(rule="disaster").risk_types == ["0201"]


def test_death_not_registered_and_lack_of_labour(w, feed):
    alone = household(w, "ALONE", members=[{"relation": "head"}, {"relation": "spouse", "labour": "lost"}])
    two = household(w, "TWO")
    done = household(w, "DONE")
    registry.member_record_death(actor=None, member=done.members.order_by("id").first(), date=dt.date(2022, 1, 1))
    feed(
        "death",
        [
            {"身份证号": ids(alone)[0], "姓名": "某", "死亡日期": "2022-02-01"},
            {"身份证号": ids(two)[0], "姓名": "某", "死亡日期": "2022-02-01"},
            {"身份证号": ids(done)[0], "姓名": "某", "死亡日期": "2022-01-01"},
            {"身份证号": testing.new_id(), "姓名": "外地", "死亡日期": "2022-01-01"},
        ],
    )
    assert flagged("death") == {"ALONE", "TWO"}
    lack = Alert.objects.get(rule="death", household=alone)
    assert lack.risk_types == ["04"] and "缺劳动力" in lack.rule_name
    assert Alert.objects.get(rule="death", household=two).risk_types == []


def eliminated(h: Household, *, identified: dt.date, on: dt.date, way: str, measures=()) -> None:
    """An eliminated monitoring case for ``h`` as imported data would hold it (the workflow itself refuses
    some of these, which is why screening looks for them)."""
    from zhenxing.monitoring.models import Measure, MonitoringCase, measure_category_code

    case = MonitoringCase.objects.create(
        number=f"C-{h.number}",
        household=h,
        village=h.village,
        channel="cadre_visit",
        state="eliminated",
        risk_types=["07"],
        discovered_on=identified,
        step_since=on,
        identified_on=identified,
        eliminated_on=on,
        elimination_way=way,
    )
    for category in measures:
        Measure.objects.create(
            case=case,
            category=measure_category_code(category),
            content="措施",
            unit="乡镇",
            person="张",
            start_on=identified,
        )
    Household.objects.filter(pk=h.pk).update(monitoring_status="eliminated")


def paper(number: str) -> Alert:
    return Alert.objects.get(rule="paper_exit", household__number=number, is_open=True)


def test_paper_exit_eliminated_without_a_record_but_income_below(w):
    a = household(w, "PAPER", income={"wage_income": 8000})
    household(w, "REAL", income={"wage_income": 30000})
    Household.objects.filter(number__in=["PAPER", "REAL"]).update(monitoring_status="eliminated")
    assert flagged("paper_exit") == {"PAPER"}
    alert = paper("PAPER")
    assert alert.evidence["sub"] == "low_income" and "无消除记录" in alert.evidence["records"][0]["note"]
    del a


def test_paper_exit_eliminated_in_the_same_or_next_month(w):
    rich = {"wage_income": 30000}
    d = dt.date
    eliminated(household(w, "SAME", income=rich), identified=d(2022, 3, 1), on=d(2022, 3, 31), way="natural")
    eliminated(household(w, "NEXT", income=rich), identified=d(2022, 3, 1), on=d(2022, 4, 30), way="natural")
    eliminated(household(w, "YEAREND", income=rich), identified=d(2021, 12, 31), on=d(2022, 1, 1), way="natural")
    eliminated(household(w, "TWO", income=rich), identified=d(2022, 3, 31), on=d(2022, 5, 1), way="natural")
    eliminated(household(w, "LATER", income=rich), identified=d(2022, 3, 1), on=d(2022, 7, 1), way="natural")
    assert flagged("paper_exit") == {"SAME", "NEXT", "YEAREND"}  # LATER: eliminated after as-of, not yet
    alert = paper("NEXT")
    assert alert.evidence["sub"] == "quick"
    [record] = alert.evidence["records"]
    assert record["key"] == "C-NEXT" and record["source"] == "monitoring" and record["date"] == "2022-04-30"
    assert record["note"] == "当月或次月即消除：2022-03 纳入监测，2022-04 风险消除"


def test_paper_exit_assisted_without_a_development_measure(w):
    rich = {"wage_income": 30000}
    long_ago = {"identified": dt.date(2021, 1, 10), "on": dt.date(2022, 1, 10)}
    eliminated(
        household(w, "NODEV", income=rich), way="assisted", measures=["health", "social", "safety_net"], **long_ago
    )
    eliminated(household(w, "NONE", income=rich), way="assisted", **long_ago)
    eliminated(household(w, "ONEDEV", income=rich), way="assisted", measures=["health", "public_job"], **long_ago)
    eliminated(household(w, "NATURAL", income=rich), way="natural", measures=["health"], **long_ago)
    assert flagged("paper_exit") == {"NODEV", "NONE"}
    assert paper("NODEV").evidence["sub"] == "no_development"
    assert "登记措施 3 项" in paper("NODEV").evidence["records"][0]["note"]


def test_paper_exit_assisted_while_income_below_the_threshold(w):
    long_ago = {"identified": dt.date(2021, 1, 10), "on": dt.date(2022, 1, 10), "measures": ["employment"]}
    # two living members: threshold 6000 → 12000 household net is exactly on the line
    eliminated(household(w, "EQ", income={"wage_income": 12000}), way="assisted", **long_ago)
    eliminated(household(w, "BELOW", income={"wage_income": 11999.99}), way="assisted", **long_ago)
    eliminated(household(w, "NATLOW", income={"wage_income": 5000}), way="natural", **long_ago)
    eliminated(household(w, "NOINC", income=False), way="assisted", **long_ago)
    assert flagged("paper_exit") == {"BELOW"}
    alert = paper("BELOW")
    assert alert.evidence["sub"] == "low_income" and float(alert.metric) == 6000.0 and float(alert.limit_value) == 6000
    assert flagged("paper_exit", **{"income.threshold": "6000.01"}) == {"BELOW", "EQ"}


def test_paper_exit_one_alert_naming_every_sign_and_the_latest_elimination_counts(w, login):
    h = household(w, "ALL", income={"wage_income": 5000})
    eliminated(h, identified=dt.date(2022, 2, 1), on=dt.date(2022, 2, 20), way="assisted", measures=["health"])
    assert flagged("paper_exit") == {"ALL"}
    alert = paper("ALL")
    assert alert.evidence["sub"] == "quick,no_development,low_income"
    note = alert.evidence["records"][0]["note"]
    assert note.count("；") == 2 and "当月或次月" in note and "开发式" in note and "低于监测标准" in note
    assert Alert.objects.filter(rule="paper_exit").count() == 1
    from django.urls import reverse

    page = login(w.fendou).get(reverse("screening:alert", args=[alert.pk])).content.decode()
    assert "监测案卷" in page and "C-ALL" in page and "开发式帮扶措施" in page
    # an earlier, sound elimination of the same household does not hide the latest one, nor count itself
    from zhenxing.monitoring.models import MonitoringCase

    MonitoringCase.objects.create(
        number="C-ALL-OLD",
        household=h,
        village=h.village,
        channel="cadre_visit",
        state="eliminated",
        discovered_on=dt.date(2019, 1, 1),
        step_since=dt.date(2020, 6, 1),
        identified_on=dt.date(2019, 1, 1),
        eliminated_on=dt.date(2020, 6, 1),
        elimination_way="natural",
    )
    runs.screen(actor=None, as_of=AS_OF)
    alert.refresh_from_db()
    assert [r["key"] for r in alert.evidence["records"]] == ["C-ALL"]


@pytest.mark.parametrize("bad", ["income.nope=1", "nope.threshold=1"])
def test_unknown_parameter_is_refused(w, bad):
    from zhenxing.screening import rules

    name, _, value = bad.partition("=")
    with pytest.raises(ValueError):
        rules.effective_parameters({}, {name: value})
