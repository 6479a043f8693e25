"""The screening rules, written once as portable set-based SQL.

Every rule is one SELECT over the registry snapshot (``hh``, ``mem``, ``inc``, ``vil``, and
``elim``: the eliminated monitoring cases), two shared views (``liv``: living members per
household, ``net``: the income year's net income) and the feeds' current records
(``f_<source>``). Dates and parameters are inlined as literals, so the SAME text runs on DuckDB
(embedded, default) and on Spark SQL (distributed; see engine.py).

Each rule yields "hits": one row per flagged subject and cited department record:
``household_id, village_id, rule, sub, metric, lim, source, rec_key, rec_date, note``.
Comparisons avoid division (``net < threshold × n``) so a value equal to the limit is never
flagged in either engine.
"""

from __future__ import annotations

import datetime as dt

from .rules import DISASTER_SUBCODES


def _d(date: dt.date) -> str:
    return f"DATE '{date:%Y-%m-%d}'"


def _years_before(date: dt.date, years: int) -> dt.date:
    try:
        return date.replace(year=date.year - years)
    except ValueError:  # 29 February
        return date.replace(year=date.year - years, day=28)


HIT_COLUMNS = "household_id, village_id, rule, sub, metric, lim, source, rec_key, rec_date, note"


def _hit(
    household: str,
    village: str,
    rule: str,
    sub: str,
    metric: str,
    lim: str,
    source: str,
    key: str,
    date: str,
    note: str,
) -> str:
    def s(v):
        return "CAST(NULL AS STRING)" if v is None else v

    return (
        f"SELECT CAST({household} AS BIGINT) AS household_id, CAST({village} AS BIGINT) AS village_id, "
        f"'{rule}' AS rule, CAST({s(sub)} AS STRING) AS sub, CAST({metric} AS DOUBLE) AS metric, "
        f"CAST({lim} AS DOUBLE) AS lim, CAST({s(source)} AS STRING) AS source, CAST({s(key)} AS STRING) AS rec_key, "
        f"CAST({date} AS DATE) AS rec_date, CAST({s(note)} AS STRING) AS note"
    )


def base_views(as_of: dt.date, income_year: int) -> dict[str, str]:
    return {
        "liv": "SELECT household_id, COUNT(*) AS n FROM mem WHERE status = 'active' GROUP BY household_id",
        "net": (
            f"SELECT household_id, (wage + business + property + transfer - cost) AS net, wage FROM inc "
            f"WHERE year = {int(income_year)}"
        ),
    }


def rule_sql(code: str, p: dict, as_of: dt.date, income_year: int, *, income_missing: bool = True) -> str:
    """The SELECT for rule ``code`` with parameters ``p`` (portable DuckDB/Spark SQL). The income
    rule adds the 收入缺失 hits only with ``income_missing`` (the year's collection has closed);
    their ``sub`` is the income year, which makes the alert's subject (one per household and year)."""
    A = _d(as_of)

    def since(days) -> str:
        return _d(as_of - dt.timedelta(days=int(days)))

    if code == "income":
        thr = p["threshold"]
        hit = _hit(
            "h.household_id",
            "h.village_id",
            "income",
            "'income'",
            "CAST(t.net AS DOUBLE) / l.n",
            str(thr),
            None,
            None,
            "NULL",
            f"'{income_year}年人均纯收入低于监测标准'",
        )
        missing = _hit(
            "h.household_id",
            "h.village_id",
            "income_missing",
            f"'{int(income_year)}'",
            "NULL",
            str(thr),
            None,
            None,
            "NULL",
            f"'无{income_year}年收入记录'",
        )
        low = (
            f"{hit} FROM hh h JOIN liv l ON l.household_id = h.household_id "
            f"JOIN net t ON t.household_id = h.household_id WHERE t.net < {thr} * l.n"
        )
        if not income_missing:
            return low
        return (
            f"{low} UNION ALL {missing} FROM hh h JOIN liv l ON l.household_id = h.household_id "
            f"LEFT JOIN net t ON t.household_id = h.household_id WHERE t.household_id IS NULL"
        )
    if code == "medical":
        ref, rp, ro = p["reference_income"], p["ratio_poor"], p["ratio_other"]
        window = f"f.rec_date > {since(p['days'])} AND f.rec_date <= {A}"
        hit = _hit(
            "x.household_id",
            "x.village_id",
            "medical",
            "NULL",
            "x.burden / x.n",
            "x.lim",
            "'medical'",
            "f.serial",
            "f.rec_date",
            "'个人负担 ' || CAST(f.burden AS STRING) || ' 元'",
        )
        # The window's settlements are joined to members once (w) and used twice: summed per
        # household, then cited as the evidence of the households flagged.
        return f"""WITH w AS (SELECT m.household_id, f.serial, f.rec_date, f.burden FROM f_medical f
                   JOIN mem m ON m.id_hash = f.id_hash WHERE {window}),
              b AS (SELECT household_id, SUM(burden) AS burden FROM w GROUP BY household_id),
              x AS (SELECT h.household_id, h.village_id, CAST(b.burden AS DOUBLE) AS burden, l.n,
                           CAST(CASE WHEN h.formerly_poor THEN {rp} ELSE {ro} END * {ref} AS DOUBLE) AS lim
                    FROM b JOIN hh h ON h.household_id = b.household_id JOIN liv l ON l.household_id = h.household_id
                    WHERE b.burden > CASE WHEN h.formerly_poor THEN {rp} ELSE {ro} END * {ref} * l.n)
              {hit} FROM x JOIN w f ON f.household_id = x.household_id"""
    if code == "uninsured":
        year = as_of.year
        hit = _hit(
            "m.household_id",
            "h.village_id",
            "uninsured",
            "NULL",
            "NULL",
            "NULL",
            "'insurance'",
            "r.rec_key",
            "NULL",
            f"'成员 ' || m.member_key || ' 无{year}年已参保记录'",
        )
        return f"""WITH ok AS (SELECT DISTINCT id_hash FROM f_insurance WHERE year = {year} AND status = '已参保'),
              have AS (SELECT COUNT(*) AS c FROM f_insurance WHERE year = {year}),
              m AS (SELECT mm.household_id, mm.id_hash, CAST(mm.member_id AS STRING) AS member_key FROM mem mm
                    LEFT JOIN ok ON ok.id_hash = mm.id_hash WHERE mm.status = 'active' AND ok.id_hash IS NULL),
              r AS (SELECT id_hash, id_masked || '/{year}' AS rec_key FROM f_insurance WHERE year = {year})
              {hit} FROM m CROSS JOIN have JOIN hh h ON h.household_id = m.household_id
              LEFT JOIN r ON r.id_hash = m.id_hash WHERE have.c > 0"""
    if code == "civil":
        hit = _hit(
            "m.household_id",
            "h.village_id",
            "civil",
            "NULL",
            "NULL",
            "NULL",
            "'civil'",
            "f.id_masked || '/' || f.kind || '/' || CAST(f.rec_date AS STRING)",
            "f.rec_date",
            "f.kind || '（' || f.status || '）开始于 ' || CAST(f.rec_date AS STRING)",
        )
        return (
            f"{hit} FROM f_civil f JOIN mem m ON m.id_hash = f.id_hash JOIN hh h ON h.household_id = m.household_id "
            f"WHERE f.kind IN ('低保', '特困') AND f.rec_date > {since(p['days'])} AND f.rec_date <= {A} "
            f"AND h.monitoring_status <> 'monitored' AND m.status <> 'dead'"
        )
    if code == "disability":
        hit = _hit(
            "m.household_id",
            "h.village_id",
            "disability",
            "NULL",
            "NULL",
            "NULL",
            "'disability'",
            "f.id_masked || '/' || CAST(f.rec_date AS STRING)",
            "f.rec_date",
            "f.category || '残疾' || f.grade || '，发证于 ' || CAST(f.rec_date AS STRING)",
        )
        return (
            f"{hit} FROM f_disability f JOIN mem m ON m.id_hash = f.id_hash JOIN hh h ON h.household_id = m.household_id "
            f"WHERE f.grade IN ('一级', '二级') AND f.rec_date > {since(p['days'])} AND f.rec_date <= {A} "
            f"AND m.status <> 'dead'"
        )
    if code == "dropout":
        oldest = _years_before(as_of, int(p["age_max"]) + 1)  # born after this: not yet age_max + 1
        youngest = _years_before(as_of, int(p["age_min"]))  # born on or before this: at least age_min
        hit = _hit(
            "m.household_id",
            "h.village_id",
            "dropout",
            "NULL",
            "NULL",
            "NULL",
            "'education'",
            "f.id_masked || '/' || CAST(f.rec_date AS STRING)",
            "f.rec_date",
            "f.stage || ' ' || f.status || '（' || CAST(f.rec_date AS STRING) || '）'",
        )
        return f"""WITH f AS (SELECT * FROM (SELECT e.*, row_number() OVER (PARTITION BY id_hash
                      ORDER BY rec_date DESC, row_no DESC) AS k FROM f_education e WHERE rec_date <= {A}) z WHERE k = 1)
              {hit} FROM f JOIN mem m ON m.id_hash = f.id_hash JOIN hh h ON h.household_id = m.household_id
              WHERE f.status = '辍学' AND m.status = 'active'
                AND m.birth_date > {_d(oldest)} AND m.birth_date <= {_d(youngest)}"""
    if code == "housing":
        hit = _hit(
            "f.household_id",
            "h.village_id",
            "housing",
            "NULL",
            "NULL",
            "NULL",
            "'housing'",
            "f.id_masked || '/' || CAST(f.rec_date AS STRING)",
            "f.rec_date",
            "'鉴定等级 ' || f.grade || '（' || CAST(f.rec_date AS STRING) || '）'",
        )
        return f"""WITH f AS (SELECT * FROM (SELECT e.*, m.household_id, row_number() OVER (PARTITION BY m.household_id
                      ORDER BY e.rec_date DESC, e.row_no DESC) AS k FROM f_housing e JOIN mem m ON m.id_hash = e.id_hash
                      WHERE e.rec_date <= {A}) z WHERE k = 1)
              {hit} FROM f JOIN hh h ON h.household_id = f.household_id WHERE f.grade IN ('C', 'D')"""
    if code == "water":
        hit = _hit(
            "NULL",
            "v.village_id",
            "water",
            "NULL",
            "NULL",
            "NULL",
            "'water'",
            "f.village_code || '/' || f.kind || '/' || CAST(f.rec_date AS STRING)",
            "f.rec_date",
            "f.kind || '问题，发现于 ' || CAST(f.rec_date AS STRING) || '，' || f.status",
        )
        return (
            f"{hit} FROM f_water f JOIN vil v ON v.village_code = f.village_code "
            f"WHERE f.status = '未整改' AND f.rec_date <= {A}"
        )
    if code == "jobloss":
        hit = _hit(
            "m.household_id",
            "h.village_id",
            "jobloss",
            "NULL",
            "CAST(t.wage AS DOUBLE)",
            f"CAST(t.net AS DOUBLE) * {p['wage_share']}",
            "'employment'",
            "f.id_masked || '/' || CAST(f.rec_date AS STRING)",
            "f.rec_date",
            "f.status || '（' || CAST(f.rec_date AS STRING) || '）'",
        )
        return f"""WITH f AS (SELECT * FROM (SELECT e.*, row_number() OVER (PARTITION BY id_hash
                      ORDER BY rec_date DESC, row_no DESC) AS k FROM f_employment e WHERE rec_date <= {A}) z WHERE k = 1)
              {hit} FROM f JOIN mem m ON m.id_hash = f.id_hash JOIN hh h ON h.household_id = m.household_id
              JOIN net t ON t.household_id = m.household_id
              WHERE f.status IN ('失业', '务工中断') AND m.status = 'active' AND t.wage > {p["wage_share"]} * t.net"""
    if code == "disaster":
        window = f"f.rec_date > {since(p['days'])} AND f.rec_date <= {A}"
        hit = _hit(
            "x.household_id",
            "h.village_id",
            "disaster",
            "x.sub",
            "x.loss",
            f"CAST(t.net AS DOUBLE) * {p['share']}",
            "'disaster'",
            "f.id_masked || '/' || CAST(f.rec_date AS STRING) || '/' || f.kind",
            "f.rec_date",
            "f.kind || '灾害损失 ' || CAST(f.loss AS STRING) || ' 元'",
        )
        codes = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in DISASTER_SUBCODES.items())
        return f"""WITH d AS (SELECT m.household_id, f.id_hash, f.id_masked, f.kind, f.loss, f.rec_date FROM f_disaster f
                      JOIN mem m ON m.id_hash = f.id_hash WHERE {window}),
              x AS (SELECT household_id, SUM(loss) AS loss_sum, CAST(SUM(loss) AS DOUBLE) AS loss,
                           CASE max_by(kind, loss) {codes} ELSE '0299' END AS sub FROM d GROUP BY household_id)
              {hit} FROM x JOIN hh h ON h.household_id = x.household_id JOIN net t ON t.household_id = x.household_id
              JOIN d f ON f.household_id = x.household_id WHERE x.loss_sum > {p["share"]} * t.net"""
    if code == "death":
        hit = _hit(
            "m.household_id",
            "h.village_id",
            "death",
            "CASE WHEN c.capable IS NULL THEN 'no_labour' ELSE 'unregistered' END",
            "NULL",
            "NULL",
            "'death'",
            "f.id_masked",
            "f.rec_date",
            "'公安记录死亡于 ' || CAST(f.rec_date AS STRING) || '，户籍库仍为在世'",
        )
        return f"""WITH dead AS (SELECT f.id_hash, f.id_masked, f.rec_date, m.household_id FROM f_death f
                      JOIN mem m ON m.id_hash = f.id_hash WHERE m.status <> 'dead' AND f.rec_date <= {A}),
              c AS (SELECT mm.household_id, COUNT(*) AS capable FROM mem mm LEFT JOIN dead d ON d.id_hash = mm.id_hash
                    WHERE mm.status = 'active' AND d.id_hash IS NULL AND mm.labour IN ('normal', 'weak')
                    GROUP BY mm.household_id)
              {hit} FROM dead f JOIN mem m ON m.id_hash = f.id_hash JOIN hh h ON h.household_id = m.household_id
              LEFT JOIN c ON c.household_id = m.household_id"""
    if code == "paper_exit":
        # One row per household marked 风险已消除, its latest elimination (``elim``, up to as-of) beside it;
        # a household marked eliminated with no elimination record (imported data) has no way to check, so
        # only its income is judged. Each warning sign of DOMAIN.md is one code in ``sub`` and one sentence
        # in the note, so a household raises one alert however many signs hit.
        thr = p.get("threshold", 0)
        quick = (
            "e.identified_on IS NOT NULL AND (year(e.eliminated_on) * 12 + month(e.eliminated_on)) "
            "- (year(e.identified_on) * 12 + month(e.identified_on)) <= 1"
        )
        no_dev = "e.way = 'assisted' AND e.dev_measures = 0"
        low = f"(e.way = 'assisted' OR e.case_id IS NULL) AND t.net < {thr} * l.n"
        sub = (
            f"concat_ws(',', CASE WHEN {quick} THEN 'quick' END, CASE WHEN {no_dev} THEN 'no_development' END, "
            f"CASE WHEN {low} THEN 'low_income' END)"
        )
        note = (
            f"concat_ws('；', CASE WHEN {quick} THEN '当月或次月即消除：' || substr(CAST(e.identified_on AS STRING), 1, 7)"
            f" || ' 纳入监测，' || substr(CAST(e.eliminated_on AS STRING), 1, 7) || ' 风险消除' END, "
            f"CASE WHEN {no_dev} THEN '帮扶消除但无产业、就业、金融、公益岗位等开发式帮扶措施（登记措施 ' "
            f"|| CAST(e.measures AS STRING) || ' 项）' END, "
            f"CASE WHEN {low} THEN CASE WHEN e.case_id IS NULL THEN '已标注风险消除（无消除记录）' "
            f"ELSE '帮扶消除' END || '，但{income_year}年人均纯收入低于监测标准' END)"
        )
        hit = _hit(
            "h.household_id",
            "h.village_id",
            "paper_exit",
            sub,
            "CAST(t.net AS DOUBLE) / l.n",
            str(thr),
            "CASE WHEN e.case_id IS NULL THEN NULL ELSE 'monitoring' END",
            "e.case_number",
            "e.eliminated_on",
            note,
        )
        return f"""WITH e AS (SELECT * FROM (SELECT c.*, row_number() OVER (PARTITION BY household_id
                      ORDER BY eliminated_on DESC, case_id DESC) AS k FROM elim c WHERE eliminated_on <= {A}) z
                      WHERE k = 1)
              {hit} FROM hh h JOIN liv l ON l.household_id = h.household_id
              LEFT JOIN e ON e.household_id = h.household_id LEFT JOIN net t ON t.household_id = h.household_id
              WHERE h.monitoring_status = 'eliminated' AND (({quick}) OR ({no_dev}) OR ({low}))"""
    raise KeyError(code)


def unmatched_sql(sources) -> str:
    """Records per source whose ID number matches no member (water: whose village code matches no
    village). All ID feeds are probed against one hash table of the members, not one per source."""
    parts = []
    with_id = [s for s in sources if s != "water"]
    if with_id:
        ids = " UNION ALL ".join(f"SELECT '{s}' AS source, id_hash FROM f_{s}" for s in with_id)
        parts.append(
            f"SELECT source, COUNT(*) AS n FROM ({ids}) f "
            f"WHERE NOT EXISTS (SELECT 1 FROM mem m WHERE m.id_hash = f.id_hash) GROUP BY source"
        )
    if "water" in sources:
        parts.append(
            "SELECT 'water' AS source, COUNT(*) AS n FROM f_water f "
            "LEFT JOIN vil v ON v.village_code = f.village_code WHERE v.village_code IS NULL"
        )
    return " UNION ALL ".join(parts)


def all_sql(params: dict[str, dict], enabled: list[str], as_of: dt.date, income_year: int) -> str:
    """The whole screening as one UNION ALL (what the engines run)."""
    parts = []
    for code in enabled:
        p = dict(params[code])
        if code == "paper_exit":
            p["threshold"] = params["income"]["threshold"]
        parts.append(f"SELECT {HIT_COLUMNS} FROM ({rule_sql(code, p, as_of, income_year)}) r_{code}")
    return " UNION ALL ".join(parts)
