"""The reference for bench/screening_bench.py: every screening rule hand-written as one DuckDB
query over the RAW files (households.csv of bench/screening_data.py and feeds/<source>.csv), joined
on the clear ID numbers, with the run's parameters. Returns per rule the number of flagged
households (water: the households of the flagged villages), what ``zhenxing screen`` reports.

It holds only for the benchmark's registry, which is what the files say: every member living, no
household monitored or eliminated (so ``paper_exit`` is 0 and ``civil``'s monitored test is moot).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path


def _csv(path: Path) -> str:
    return f"read_csv('{path}', header=true, all_varchar=true)"


def counts(con, data: Path, *, as_of: dt.date, params: dict, income_missing: bool = True) -> dict[str, int]:
    f = data / "feeds"
    A = f"DATE '{as_of}'"
    iy = as_of.year - 1

    def since(days) -> str:
        return f"DATE '{as_of - dt.timedelta(days=int(days))}'"

    p = params
    thr = p["income"]["threshold"]
    med = p["medical"]
    age_max, age_min = int(p["dropout"]["age_max"]), int(p["dropout"]["age_min"])
    oldest = as_of.replace(year=as_of.year - age_max - 1)
    youngest = as_of.replace(year=as_of.year - age_min)
    con.execute(f"""CREATE OR REPLACE TEMP TABLE r_m AS SELECT "户编号" AS h, "村" AS village, "身份证号" AS id,
            "劳动能力" AS labour, strptime(substr("身份证号", 7, 8), '%Y%m%d')::DATE AS born,
            "是否脱贫户" = '是' AS poor, "收入年度" AS year,
            CAST("工资性收入" AS DECIMAL(14,2)) AS wage,
            CAST("工资性收入" AS DECIMAL(14,2)) + CAST("生产经营性收入" AS DECIMAL(14,2))
            + CAST("财产性收入" AS DECIMAL(14,2)) + CAST("转移性收入" AS DECIMAL(14,2))
            - CAST("生产经营性支出" AS DECIMAL(14,2)) AS net
        FROM {_csv(data / "households.csv")}""")
    con.execute("""CREATE OR REPLACE TEMP TABLE r_h AS SELECT h, count(*) AS n, any_value(poor) AS poor,
        any_value(year) AS year, any_value(net) AS net, any_value(wage) AS wage FROM r_m GROUP BY h""")
    q = {
        "income": f"SELECT h FROM r_h WHERE year = '{iy}' AND net < {thr} * n",
        "income_missing": f"SELECT h FROM r_h WHERE year IS DISTINCT FROM '{iy}'",
        "medical": f"""SELECT m.h FROM {_csv(f / "medical.csv")} s JOIN r_m m ON m.id = s."身份证号"
            JOIN r_h USING (h) WHERE CAST(s."结算日期" AS DATE) > {since(med["days"])} AND CAST(s."结算日期" AS DATE) <= {A}
            GROUP BY m.h, r_h.n, r_h.poor HAVING sum(CAST(s."个人负担" AS DECIMAL(14,2)))
                > CASE WHEN r_h.poor THEN {med["ratio_poor"]} ELSE {med["ratio_other"]} END * {med["reference_income"]} * r_h.n""",
        "uninsured": f"""SELECT m.h FROM r_m m WHERE (SELECT count(*) FROM {_csv(f / "insurance.csv")}
                WHERE "参保年度" = '{as_of.year}') > 0
            AND m.id NOT IN (SELECT "身份证号" FROM {_csv(f / "insurance.csv")}
                             WHERE "参保年度" = '{as_of.year}' AND "参保状态" = '已参保')""",
        "civil": f"""SELECT m.h FROM {_csv(f / "civil.csv")} s JOIN r_m m ON m.id = s."身份证号"
            WHERE s."救助类型" IN ('低保', '特困') AND CAST(s."开始日期" AS DATE) > {since(p["civil"]["days"])}
              AND CAST(s."开始日期" AS DATE) <= {A}""",
        "disability": f"""SELECT m.h FROM {_csv(f / "disability.csv")} s JOIN r_m m ON m.id = s."身份证号"
            WHERE s."残疾等级" IN ('一级', '二级') AND CAST(s."发证日期" AS DATE) > {since(p["disability"]["days"])}
              AND CAST(s."发证日期" AS DATE) <= {A}""",
        "dropout": f"""SELECT m.h FROM (SELECT "身份证号" AS id, arg_max("在校状态", CAST("日期" AS DATE)) AS status
                FROM {_csv(f / "education.csv")} WHERE CAST("日期" AS DATE) <= {A} GROUP BY 1) s
            JOIN r_m m USING (id) WHERE s.status = '辍学' AND m.born > DATE '{oldest}' AND m.born <= DATE '{youngest}'""",
        "housing": f"""SELECT h FROM (SELECT m.h, arg_max(s."鉴定等级", CAST(s."鉴定日期" AS DATE)) AS grade
                FROM {_csv(f / "housing.csv")} s JOIN r_m m ON m.id = s."身份证号"
                WHERE CAST(s."鉴定日期" AS DATE) <= {A} GROUP BY m.h) x WHERE grade IN ('C', 'D')""",
        "jobloss": f"""SELECT m.h FROM (SELECT "身份证号" AS id, arg_max("就业状态", CAST("日期" AS DATE)) AS status
                FROM {_csv(f / "employment.csv")} WHERE CAST("日期" AS DATE) <= {A} GROUP BY 1) s
            JOIN r_m m USING (id) JOIN r_h USING (h)
            WHERE s.status IN ('失业', '务工中断') AND r_h.year = '{iy}' AND r_h.wage > {p["jobloss"]["wage_share"]} * r_h.net""",
        "disaster": f"""SELECT m.h FROM {_csv(f / "disaster.csv")} s JOIN r_m m ON m.id = s."身份证号" JOIN r_h USING (h)
            WHERE CAST(s."发生日期" AS DATE) > {since(p["disaster"]["days"])} AND CAST(s."发生日期" AS DATE) <= {A}
              AND r_h.year = '{iy}'
            GROUP BY m.h, r_h.net HAVING sum(CAST(s."损失金额" AS DECIMAL(14,2))) > {p["disaster"]["share"]} * r_h.net""",
        "death": f"""SELECT m.h FROM {_csv(f / "death.csv")} s JOIN r_m m ON m.id = s."身份证号"
            WHERE CAST(s."死亡日期" AS DATE) <= {A}""",
        # the villages with a problem not yet fixed: the files name villages by code, the registry file by
        # name, so only whether any such problem exists is checked here (none in the benchmark's data)
        "water": f"""SELECT 'v' || "村代码" AS h FROM {_csv(f / "water.csv")} WHERE "状态" = '未整改'
            AND CAST("发现日期" AS DATE) <= {A}""",
        "paper_exit": "SELECT NULL AS h WHERE false",
    }
    if not income_missing:
        del q["income_missing"]
    union = " UNION ALL ".join(f"SELECT '{rule}' AS rule, h FROM ({sql}) x_{rule}" for rule, sql in q.items())
    got = dict(con.execute(f"SELECT rule, count(DISTINCT h) FROM ({union}) GROUP BY rule").fetchall())
    return {rule: int(got.get(rule, 0)) for rule in q}
