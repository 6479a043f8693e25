"""The same rule SQL gives the same results on the embedded engine (DuckDB) and on Spark SQL
(local mode, inputs partitioned by county)."""

from __future__ import annotations

import datetime as dt
import io
import shutil

import pytest

from zhenxing.registry import idnumber, testing
from zhenxing.registry import services as registry
from zhenxing.registry.models import Household
from zhenxing.screening import engine, rules, runs, services, snapshot

AS_OF = dt.date(2022, 6, 30)


def first_id(h, i=0):
    return idnumber.decrypt(list(h.members.order_by("id"))[i].id_cipher)


@pytest.fixture
def mixed(w, feed):
    """Households in two counties that raise every rule, and some that just miss."""
    made = {}
    for village in (w.r.fendou, w.r.huma_village):
        tag = village.code[-3:]
        low = testing.make_household(
            village=village, number=f"{tag}LOW", income={"wage_income": 5000}, formerly_poor=True
        )
        testing.make_household(village=village, number=f"{tag}NONE", income=False)
        kid = testing.make_household(
            village=village,
            number=f"{tag}KID",
            income={"wage_income": 40000},
            members=[{"relation": "head"}, {"relation": "son", "born": dt.date(2012, 5, 1)}],
        )
        work = testing.make_household(village=village, number=f"{tag}WORK", income={"wage_income": 30000})
        dead = testing.make_household(village=village, number=f"{tag}DEAD", income={"wage_income": 30000})
        registry.member_record_death(actor=None, member=dead.members.order_by("id").last(), date=dt.date(2022, 1, 1))
        made[tag] = (low, kid, work, dead)
        # paper_exit from the monitoring cases: every sign at once, and a natural elimination that just misses
        hasty = testing.make_household(village=village, number=f"{tag}HASTY", income={"wage_income": 5000})
        _eliminated(hasty, identified=dt.date(2022, 3, 1), on=dt.date(2022, 4, 30), way="assisted", measures=["health"])
        calm = testing.make_household(village=village, number=f"{tag}CALM", income={"wage_income": 30000})
        _eliminated(calm, identified=dt.date(2022, 2, 28), on=dt.date(2022, 4, 1), way="natural", measures=[])
    Household.objects.filter(number__endswith="201LOW").update(monitoring_status="eliminated")
    rows = {
        s: []
        for s in (
            "medical",
            "insurance",
            "civil",
            "disability",
            "education",
            "housing",
            "employment",
            "disaster",
            "death",
            "water",
        )
    }
    for n, (_tag, (low, kid, work, dead)) in enumerate(made.items()):
        rows["medical"] += [
            {
                "结算流水号": f"M{n}1",
                "身份证号": first_id(low),
                "姓名": "某",
                "结算日期": "2022-06-30",
                "医疗总费用": "20000",
                "基本医保支付": "0",
                "大病保险支付": "0",
                "医疗救助支付": "0",
                "个人负担": "20000",
            },
            {
                "结算流水号": f"M{n}2",
                "身份证号": first_id(work),
                "姓名": "某",
                "结算日期": "2021-06-30",
                "医疗总费用": "99999",
                "基本医保支付": "0",
                "大病保险支付": "0",
                "医疗救助支付": "0",
                "个人负担": "99999",
            },
        ]
        rows["insurance"] += [{"身份证号": first_id(kid), "姓名": "某", "参保年度": "2022", "参保状态": "已参保"}]
        rows["civil"] += [
            {
                "身份证号": first_id(low),
                "姓名": "某",
                "救助类型": "低保",
                "状态": "在保",
                "开始日期": "2022-05-01",
                "金额": "300",
            }
        ]
        rows["disability"] += [
            {"身份证号": first_id(work), "姓名": "某", "残疾类别": "肢体", "残疾等级": "一级", "发证日期": "2022-01-01"}
        ]
        rows["education"] += [
            {"身份证号": first_id(kid, 1), "姓名": "某", "学段": "小学", "在校状态": "辍学", "日期": "2022-03-01"}
        ]
        rows["housing"] += [{"身份证号": first_id(dead), "鉴定日期": "2022-02-01", "鉴定等级": "D"}]
        rows["employment"] += [
            {"身份证号": first_id(work), "姓名": "某", "就业状态": "失业", "月收入": "0", "日期": "2022-04-01"}
        ]
        rows["disaster"] += [
            {"身份证号": first_id(work), "灾害类型": "地质", "损失金额": "12000", "发生日期": "2022-04-01"}
        ]
        rows["death"] += [
            {"身份证号": first_id(kid), "姓名": "某", "死亡日期": "2022-04-01"},
            {"身份证号": testing.new_id(), "姓名": "外地", "死亡日期": "2022-04-01"},
        ]
    rows["water"] = [{"村代码": w.r.huma_village.code, "问题类型": "水量", "发现日期": "2022-01-01", "状态": "未整改"}]
    for source, data in rows.items():
        feed(source, data)
    return made


def _eliminated(h, *, identified, on, way, measures):
    from zhenxing.monitoring.models import Measure, MonitoringCase, measure_category_code

    case = MonitoringCase.objects.create(
        number=f"C-{h.number}",
        household=h,
        village=h.village,
        channel="cadre_visit",
        state="eliminated",
        discovered_on=identified,
        step_since=on,
        identified_on=identified,
        eliminated_on=on,
        elimination_way=way,
    )
    for category in measures:
        Measure.objects.create(
            case=case, category=measure_category_code(category), content="措施", unit="乡镇", person="张", start_on=on
        )
    Household.objects.filter(pk=h.pk).update(monitoring_status="eliminated")


def _norm(hits):
    return sorted(
        (h[0] or 0, h[1], h[2], h[3] or "", round(h[4], 2) if h[4] is not None else None, h[6] or "", h[7] or "", h[8])
        for h in hits
    )


def test_duckdb_and_spark_agree(mixed, tmp_path):
    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.skip("Java is needed for Spark")
    from pyspark.sql import SparkSession

    ruleset = services.ruleset_current(AS_OF.year)
    params = rules.effective_parameters(ruleset.rules, {})
    enabled = list(rules.RULES)
    duck = engine.DuckEngine()
    snapshot.load(duck.con, income_year=AS_OF.year - 1)
    duck.load_feeds()
    engine.evaluate(duck, params=params, enabled=enabled, as_of=AS_OF, income_year=AS_OF.year - 1)
    expected = _norm(duck.hits())
    assert {h[2] for h in expected} == set(enabled) | {"income_missing"}
    paper = sorted((h[0], h[3], h[9]) for h in duck.hits() if h[2] == "paper_exit")
    assert sorted(p[1] for p in paper) == [
        "low_income",
        "quick,no_development,low_income",
        "quick,no_development,low_income",
    ]

    spark = (
        SparkSession.builder.master("local[2]")
        .appName("zhenxing-screening-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    try:
        distributed = engine.SparkEngine.from_duck(spark, duck, tmp_path, partitions=2)
        engine.evaluate(distributed, params=params, enabled=enabled, as_of=AS_OF, income_year=AS_OF.year - 1)
        assert _norm(distributed.hits()) == expected
        assert sorted((h[0], h[3], h[9]) for h in distributed.hits() if h[2] == "paper_exit") == paper
        assert engine.unmatched(distributed) == engine.unmatched(duck)
    finally:
        spark.stop()


def test_the_spark_command_raises_the_same_alerts_as_duckdb(mixed, tmp_path, settings):
    """``zhenxing screen --engine spark --master local[2]``: Spark reads the Parquet snapshot and the
    feeds' files, writes its hits partitioned by county, and the one alert writer loads them; the
    DuckDB run after it finds every alert identical (nothing new, rewritten or closed)."""
    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.skip("Java is needed for Spark")
    from django.core.management import call_command

    from zhenxing.screening.models import Alert, Run

    settings.SCREENING_SPARK_DIR = str(tmp_path / "spark")
    settings.SCREENING_SPARK_PARTITIONS = 2
    call_command(
        "screen", "--as-of", AS_OF.isoformat(), "--engine", "spark", "--master", "local[2]", stdout=io.StringIO()
    )
    run = Run.objects.order_by("-id").first()
    assert run.summary["engine"] == "spark" and run.summary["hit_partitions"] == 2  # two counties
    raised = sorted(Alert.objects.values_list("rule", "subject", "evidence_digest", "metric"))
    assert {r[0] for r in raised} == set(rules.RULES) | {"income_missing"}
    assert not any((tmp_path / "spark").iterdir())  # the run's Parquet files are removed after it

    again = runs.screen(actor=None, as_of=AS_OF)
    assert again["engine"] == "duckdb" and again["alerts"] == run.summary["alerts"]
    assert (again["new"], again["closed"]) == (0, 0) and again["unmatched"] == run.summary["unmatched"]
    assert sorted(Alert.objects.values_list("rule", "subject", "evidence_digest", "metric")) == raised
    assert set(Alert.objects.values_list("last_run_id", flat=True)) == {run.pk}  # nothing rewritten
