"""Department feeds consistent with a generated registry (``zhenxing generate ... --feeds``).

``write_feeds`` reads the registry generator's ``households.csv`` (one row per member) with DuckDB
and writes ``feeds/<source>.csv`` for every source, set-based and deterministic for a seed:
settlements by health status (≈3.3 per member, so 3,000,000 members give ≈10,000,000 rows),
insurance for every member, 低保/特困 mostly in formerly-poor households, certificates for the
disabled, dropouts, unsafe housing and water where the registry says so, job loss, disasters,
deaths the registry has not recorded, and about 0.5% records whose ID matches nobody.
"""

from __future__ import annotations

from pathlib import Path

from . import feed_specs, feeds

HEALTH_MAX = {"健康": 5, "长期慢性病": 14, "大病": 24, "残疾": 8}


def _r(expr: str, salt: str, seed: int) -> str:
    """A deterministic pseudo-random number in [0, 1) from ``expr``."""
    return f"((hash({expr} || '{salt}{int(seed)}') % 1000000) / 1000000.0)"


def _fake_id(n: str, seed: int) -> str:
    """Valid ID numbers (GB 11643 checksum) from a region nobody in the registry is from.

    Birth date and sequence repeat every 20,000,000 values of ``n``; the values beyond take the
    next area code down (232798, 232797 ...), so the numbers stay unique at a province's 30M
    members (no registry member has an area past 2327 + 91) and the smaller data are unchanged."""
    k = f"({n} + {int(seed) % 1000} * 20011)"
    first = (
        f"('2327' || CAST(99 - {k} // 20000000 AS VARCHAR) || strftime(DATE '1950-01-01' + CAST(({k} // 1000) % 20000 AS INTEGER), '%Y%m%d') "
        f"|| lpad(CAST({k} % 1000 AS VARCHAR), 3, '0'))"
    )
    check = feeds._checksum_sql("x.f17").replace("x.f17", first)
    return f"({first} || {check})"


def _village_codes(con) -> None:
    """Map (县, 乡镇, 村) names to 12-digit codes through the region table (codes pass through)."""
    rows = []
    try:
        from zhenxing.regions.models import Level, Region

        by_id = {r.id: r for r in Region.objects.filter(level__in=[Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE])}
        for r in by_id.values():
            if r.level == Level.VILLAGE:
                town = by_id.get(r.parent_id)
                county = by_id.get(town.parent_id) if town else None
                rows.append((county.name if county else "", town.name if town else "", r.name, r.code))
    except Exception:  # noqa: BLE001 - without Django (plain script) only 12-digit codes in 村 are used
        rows = []
    con.execute("CREATE TEMP TABLE vmap (county VARCHAR, town VARCHAR, village VARCHAR, code VARCHAR)")
    if rows:
        con.executemany("INSERT INTO vmap VALUES (?, ?, ?, ?)", rows)


def write_feeds(*, out_dir: Path, households_csv: Path, seed: int) -> dict[str, int]:
    """Write ``out_dir/feeds/<source>.csv`` for every source; returns rows written per source."""
    import duckdb

    out = Path(out_dir) / "feeds"
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute(f"""CREATE TEMP TABLE p AS SELECT row_number() OVER () AS n, "户编号" AS hh, "县" AS county,
        "乡镇" AS town, "村" AS village, "姓名" AS name, upper(trim("身份证号")) AS id, "与户主关系" AS relation,
        "健康状况" AS health, "在校状况" AS school, "务工状况" AS work, "是否参加医保" AS insured,
        "是否脱贫户" AS poor, TRY_CAST("收入年度" AS INTEGER) AS income_year, "住房安全" AS housing_safe,
        "饮水安全" AS water_safe
        FROM read_csv('{households_csv}', header=true, all_varchar=true)""")
    year = (con.execute("SELECT max(income_year) FROM p").fetchone()[0] or 2021) + 1
    start = f"DATE '{year - 1}-07-01'"  # dates spread over the 18 months before the end of the feed year
    span = 549
    _village_codes(con)
    con.execute("""CREATE TEMP TABLE v AS SELECT DISTINCT p.county, p.town, p.village,
        CASE WHEN regexp_full_match(p.village, '\\d{12}') THEN p.village ELSE m.code END AS code
        FROM p LEFT JOIN vmap m ON m.village = p.village AND (m.town = p.town OR p.town IS NULL)""")
    r = lambda salt: _r("p.id", salt, seed)  # noqa: E731
    day = lambda salt: f"({start} + CAST(floor({r(salt)} * {span}) AS INTEGER))"  # noqa: E731
    health_max = " ".join(f"WHEN '{k}' THEN {v}" for k, v in HEALTH_MAX.items())
    is_poor = "p.poor IN ('是', '1', 'true', 'True', 'Y')"
    sql = {
        "medical": f"""
            WITH m AS (SELECT p.*, CAST(floor({r("mk")} * (CASE p.health {health_max} ELSE 6 END + 1)) AS INTEGER) AS k
                       FROM p),
                 s AS (SELECT m.*, unnest(range(m.k)) AS j FROM m WHERE m.k > 0),
                 t AS (SELECT s.*, CAST(round(CASE WHEN s.health = '大病' THEN 3000 + {_r("s.id || s.j", "amt", seed)} * 60000
                              ELSE 100 + {_r("s.id || s.j", "amt", seed)} * 4000 END, 2) AS DECIMAL(12,2)) AS total,
                              {_r("s.id || s.j", "day", seed)} AS dr FROM s)
            SELECT 'YB{seed}-' || lpad(CAST(row_number() OVER () AS VARCHAR), 9, '0') AS "结算流水号", id AS "身份证号",
                   name AS "姓名", {start} + CAST(floor(dr * {span}) AS INTEGER) AS "结算日期", total AS "医疗总费用",
                   CAST(round(total * 0.55, 2) AS DECIMAL(12,2)) AS "基本医保支付",
                   CAST(CASE WHEN total > 20000 THEN round(total * 0.15, 2) ELSE 0 END AS DECIMAL(12,2)) AS "大病保险支付",
                   CAST(CASE WHEN {is_poor.replace("p.", "")} THEN round(total * 0.1, 2) ELSE 0 END AS DECIMAL(12,2))
                       AS "医疗救助支付",
                   total - CAST(round(total * 0.55, 2) AS DECIMAL(12,2))
                         - CAST(CASE WHEN total > 20000 THEN round(total * 0.15, 2) ELSE 0 END AS DECIMAL(12,2))
                         - CAST(CASE WHEN {is_poor.replace("p.", "")} THEN round(total * 0.1, 2) ELSE 0 END AS DECIMAL(12,2))
                       AS "个人负担"
            FROM t
            UNION ALL
            SELECT 'YBX{seed}-' || lpad(CAST(n AS VARCHAR), 9, '0'), {_fake_id("n", seed)}, '外地人员',
                   {start} + CAST(n % {span} AS INTEGER), CAST(1000 AS DECIMAL(12,2)), CAST(550 AS DECIMAL(12,2)),
                   CAST(0 AS DECIMAL(12,2)), CAST(0 AS DECIMAL(12,2)), CAST(450 AS DECIMAL(12,2))
            FROM p WHERE {_r("p.id", "xm", seed)} < 0.01""",
        "insurance": f"""
            SELECT id AS "身份证号", name AS "姓名", {year} AS "参保年度",
                   CASE WHEN p.insured IN ('否', '0', 'false', 'N') THEN
                        CASE WHEN {r("ins")} < 0.5 THEN '未参保' ELSE '中断' END ELSE '已参保' END AS "参保状态"
            FROM p""",
        "civil": f"""
            SELECT id AS "身份证号", name AS "姓名",
                   CASE WHEN {r("cv")} < 0.7 THEN '低保' WHEN {r("cv")} < 0.85 THEN '特困' ELSE '临时救助' END AS "救助类型",
                   CASE WHEN {r("cv")} < 0.85 THEN (CASE WHEN {r("cs")} < 0.9 THEN '在保' ELSE '停保' END) ELSE '已发放' END
                       AS "状态",
                   {day("cd")} AS "开始日期", CAST(round(200 + {r("ca")} * 600, 2) AS DECIMAL(12,2)) AS "金额"
            FROM p WHERE p.relation IN ('户主', 'head') AND {r("civ")} < CASE WHEN {is_poor} THEN 0.12 ELSE 0.02 END""",
        "disability": f"""
            SELECT id AS "身份证号", name AS "姓名",
                   CASE WHEN {r("dc")} < 0.5 THEN '肢体' WHEN {r("dc")} < 0.7 THEN '视力' WHEN {r("dc")} < 0.85 THEN '听力'
                        ELSE '智力' END AS "残疾类别",
                   CASE WHEN {r("dg")} < 0.15 THEN '一级' WHEN {r("dg")} < 0.35 THEN '二级' WHEN {r("dg")} < 0.65 THEN '三级'
                        ELSE '四级' END AS "残疾等级",
                   DATE '{year - 3}-01-01' + CAST(floor({r("dd")} * 1460) AS INTEGER) AS "发证日期"
            FROM p WHERE p.health = '残疾' OR {r("dis")} < 0.005""",
        "education": f"""
            SELECT id AS "身份证号", name AS "姓名", '义务教育' AS "学段", '在校' AS "在校状态",
                   DATE '{year - 1}-09-01' AS "日期" FROM p WHERE p.school LIKE '%义务教育%' OR p.school = '辍学'
            UNION ALL
            SELECT id, name, '义务教育', '辍学', DATE '{year}-01-01' + CAST(floor({r("ed")} * 300) AS INTEGER) FROM p
            WHERE p.school = '辍学' OR (p.school LIKE '%义务教育%' AND {r("drop")} < 0.004)""",
        "housing": f"""
            SELECT id AS "身份证号", {day("hd")} AS "鉴定日期",
                   CASE WHEN p.housing_safe IN ('否', '0', 'false', 'N') THEN (CASE WHEN {r("hg")} < 0.6 THEN 'C' ELSE 'D' END)
                        WHEN {r("hg")} < 0.6 THEN 'A' ELSE 'B' END AS "鉴定等级"
            FROM p WHERE p.relation IN ('户主', 'head') AND (p.housing_safe IN ('否', '0', 'false', 'N') OR {r("hs")} < 0.08)""",
        "water": f"""
            SELECT code AS "村代码", CASE WHEN {_r("code", "wk", seed)} < 0.4 THEN '水质' WHEN {_r("code", "wk", seed)} < 0.7
                        THEN '水量' WHEN {_r("code", "wk", seed)} < 0.9 THEN '方便程度' ELSE '供水保障率' END AS "问题类型",
                   {start} + CAST(floor({_r("code", "wd", seed)} * {span}) AS INTEGER) AS "发现日期",
                   CASE WHEN unsafe THEN '未整改' ELSE '已整改' END AS "状态"
            FROM (SELECT v.code, bool_or(p.water_safe IN ('否', '0', 'false', 'N')) AS unsafe FROM p
                  JOIN v ON v.village = p.village AND v.town IS NOT DISTINCT FROM p.town AND v.county IS NOT DISTINCT FROM p.county
                  WHERE v.code IS NOT NULL GROUP BY v.code) w
            WHERE unsafe OR {_r("code", "wf", seed)} < 0.1""",
        "employment": f"""
            SELECT id AS "身份证号", name AS "姓名", '在岗' AS "就业状态",
                   CAST(round(1500 + {r("ei")} * 4000, 2) AS DECIMAL(12,2)) AS "月收入", DATE '{year - 1}-07-01' AS "日期"
            FROM p WHERE p.work IS NOT NULL AND p.work NOT IN ('', '未务工', 'none')
            UNION ALL
            SELECT id, name, CASE WHEN {r("el")} < 0.5 THEN '失业' ELSE '务工中断' END, CAST(0 AS DECIMAL(12,2)),
                   DATE '{year}-01-01' + CAST(floor({r("ed")} * 300) AS INTEGER)
            FROM p WHERE p.work IS NOT NULL AND p.work NOT IN ('', '未务工', 'none') AND {r("job")} < 0.06""",
        "disaster": f"""
            SELECT id AS "身份证号",
                   CASE WHEN {r("dt")} < 0.45 THEN '洪涝' WHEN {r("dt")} < 0.6 THEN '气象' WHEN {r("dt")} < 0.75 THEN '旱灾'
                        WHEN {r("dt")} < 0.85 THEN '生物' WHEN {r("dt")} < 0.93 THEN '地质' WHEN {r("dt")} < 0.96 THEN '地震'
                        ELSE '其他' END AS "灾害类型",
                   CAST(round(500 + {r("dl")} * 30000, 2) AS DECIMAL(12,2)) AS "损失金额", {day("dd")} AS "发生日期"
            FROM p WHERE p.relation IN ('户主', 'head') AND {r("dis")} < 0.02""",
        "death": f"""
            SELECT id AS "身份证号", name AS "姓名", {day("dx")} AS "死亡日期" FROM p WHERE {r("die")} < 0.004""",
    }
    id_sources = {"insurance", "civil", "disability", "education", "housing", "employment", "disaster", "death"}
    written = {}
    for source, query in sql.items():
        if source in id_sources:
            spec = feed_specs.SPECS[source]
            cols = []
            for c in spec.cols:
                if c.kind == "id":
                    cols.append(_fake_id("n", seed))
                elif c.name == "name":
                    cols.append("'外地人员'")
                elif c.kind == "date":
                    cols.append(f"{start} + CAST(n % {span} AS INTEGER)")
                elif c.kind == "money":
                    cols.append("CAST(100 AS DECIMAL(12,2))")
                elif c.kind == "year":
                    cols.append(str(year))
                elif c.kind == "enum":
                    cols.append(f"'{c.choices[0]}'")
                else:
                    cols.append("'其他'")
            query += f" UNION ALL SELECT {', '.join(cols)} FROM p WHERE {_r('p.id', 'x' + source, seed)} < 0.002"
        target = out / f"{source}.csv"
        con.execute(f"COPY ({query}) TO '{target}' (HEADER, DELIMITER ',')")
        written[source] = con.execute(
            f"SELECT count(*) FROM read_csv('{target}', header=true, all_varchar=true)"
        ).fetchone()[0]
    con.close()
    return written
