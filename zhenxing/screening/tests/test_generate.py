"""write_feeds: every source, importable as is, consistent with the households, some unmatched IDs."""

from __future__ import annotations

import csv
import datetime as dt

from zhenxing.registry import idnumber, testing
from zhenxing.screening import feed_specs, services
from zhenxing.screening.generate import write_feeds

HEADERS = [
    "户编号",
    "县",
    "乡镇",
    "村",
    "姓名",
    "身份证号",
    "与户主关系",
    "劳动能力",
    "健康状况",
    "在校状况",
    "务工状况",
    "是否参加医保",
    "是否脱贫户",
    "脱贫年度",
    "联系电话",
    "收入年度",
    "工资性收入",
    "生产经营性收入",
    "财产性收入",
    "转移性收入",
    "生产经营性支出",
    "合规自付支出",
    "住房安全",
    "饮水安全",
]


def test_feeds_for_generated_households_import_cleanly(w, tmp_path):
    path = tmp_path / "households.csv"
    made = []
    for i in range(60):
        village = [w.r.fendou, w.r.yongfeng, w.r.kaikukang][i % 3]
        made.append(
            testing.make_household(
                village=village,
                number=f"G{i:03d}",
                members=[
                    {"relation": "head", "health": "serious" if i % 4 == 0 else "healthy"},
                    {"relation": "son", "born": dt.date(2012, 1, 1) + dt.timedelta(days=i)},
                ],
            )
        )
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADERS)
        for i, h in enumerate(made):
            v = h.village
            for m in h.members.order_by("id"):
                writer.writerow(
                    [
                        h.number,
                        "塔河县",
                        v.parent.name,
                        v.name,
                        m.name,
                        idnumber.decrypt(m.id_cipher),
                        "户主" if m.relation == "head" else "之子",
                        "普通劳动力",
                        "大病" if m.health == "serious" else "健康",
                        "义务教育在校生" if m.relation == "son" else "非在校生",
                        "县内务工" if m.relation == "head" else "未务工",
                        "是" if i % 10 else "否",
                        "否",
                        "",
                        "",
                        2021,
                        20000,
                        0,
                        0,
                        0,
                        0,
                        0,
                        "否" if i == 5 else "是",
                        "否" if i == 7 else "是",
                    ]
                )
    written = write_feeds(out_dir=tmp_path, households_csv=path, seed=3)
    assert set(written) == set(feed_specs.SPECS)
    assert written["insurance"] >= 120 and written["medical"] > 0
    for source in feed_specs.SPECS:
        result, _ = services.feed_import(actor=None, source=source, path=tmp_path / "feeds" / f"{source}.csv")
        assert result.ok, (source, [str(e) for e in result.errors[:3]])
    with (tmp_path / "feeds" / "water.csv").open(encoding="utf-8") as fh:
        water = list(csv.DictReader(fh))
    assert {"村代码": w.r.yongfeng.code, "状态": "未整改"}.items() <= next(
        r for r in water if r["村代码"] == w.r.yongfeng.code
    ).items()
    with (tmp_path / "feeds" / "housing.csv").open(encoding="utf-8") as fh:
        housing = {r["身份证号"]: r["鉴定等级"] for r in csv.DictReader(fh)}
    head5 = idnumber.decrypt(made[5].members.order_by("id").first().id_cipher)
    assert housing[head5] in {"C", "D"}
    # the same seed gives the same files
    again = tmp_path / "again"
    write_feeds(out_dir=again, households_csv=path, seed=3)
    assert (again / "feeds" / "medical.csv").read_bytes() == (tmp_path / "feeds" / "medical.csv").read_bytes()


def test_unmatched_ids_stay_unique_past_twenty_million_rows():
    """At a province's 30M members the fake IDs once repeated every 20M rows (96 repeated
    (ID, year) insurance records at 10M households); the 1M data keep their numbers."""
    import duckdb

    from zhenxing.screening.generate import _fake_id

    boundary = 20_000_000 - 7 * 20011  # k = n + 140,077 reaches 20M here (seed 7)
    ns = [5, boundary - 1, boundary, 20_000_005, 40_000_005]
    rows = dict(duckdb.connect().execute(f"SELECT n, {_fake_id('n', 7)} FROM (SELECT unnest({ns}) AS n)").fetchall())
    assert len(set(rows.values())) == len(ns)
    assert all(idnumber.validate(v) == v for v in rows.values())
    assert rows[5].startswith("232799") and rows[boundary - 1].startswith("232799")
    assert rows[boundary].startswith("232798") and rows[40_000_005].startswith("232797")
