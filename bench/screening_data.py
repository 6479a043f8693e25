"""Benchmark data for screening, until the registry's ``zhenxing generate`` is merged.

    python bench/screening_data.py --households 1000000 --seed 7 --out bench/out/screening
        writes OUT/households.csv in the registry generator's format (one row per member) and
        OUT/feeds/<source>.csv through zhenxing.screening.generate.write_feeds;
    python bench/screening_data.py --load --out bench/out/screening
        loads the registry tables of DATABASE_URL set-based (PostgreSQL COPY).

The loader is a benchmark tool, not the registry importer: ID numbers are stored as their keyed
hash (computed in SQL, as the registry does) and masked form; the ciphertext column holds a
marker, since screening never decrypts.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenxing.settings.base")

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


def generate(out: Path, households: int, seed: int) -> None:
    import django
    import duckdb

    django.setup()
    from zhenxing.regions.models import Level, Region
    from zhenxing.regions.services import regions_load_builtin
    from zhenxing.screening import feeds
    from zhenxing.screening.generate import write_feeds

    regions_load_builtin()
    villages = list(
        Region.objects.filter(level=Level.VILLAGE, path__startswith="230000000000/232700000000/")
        .select_related("parent__parent")
        .order_by("code")
    )
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute("CREATE TABLE vil (vi INTEGER, code VARCHAR, county VARCHAR, town VARCHAR, village VARCHAR)")
    con.executemany(
        "INSERT INTO vil VALUES (?, ?, ?, ?, ?)",
        [(i, v.code, v.parent.parent.name, v.parent.name, v.name) for i, v in enumerate(villages)],
    )
    nv = len(villages)

    def r(expr, salt):
        return f"((hash({expr} || '{salt}{seed}') % 1000000) / 1000000.0)"

    check = feeds._checksum_sql("f17")
    t = time.monotonic()
    con.execute(f"""CREATE TABLE hh AS SELECT i, i % {nv} AS vi,
        1 + CAST(floor({r("i", "size")} * 4.99) AS INTEGER) AS size,
        {r("i", "poor")} < 0.35 AS poor, {r("i", "inc")} AS inc_r
        FROM range({households}) t(i)""")
    con.execute("""CREATE TABLE mem AS SELECT h.*, j, CAST(h.i * 5 + j AS BIGINT) AS g FROM hh h,
        LATERAL (SELECT unnest(range(h.size)) AS j)""")
    con.execute("""CREATE TABLE p AS SELECT m.*, v.code, v.county, v.town, v.village,
        DATE '1940-01-01' + CAST(((g // 1000) * 37) % 29000 AS INTEGER) AS born,
        -- birth dates repeat every 29,000,000 members: the members beyond take an area code that no
        -- county of the tree has (2327 + 91, 92 ...), so every ID number stays unique at 10M households
        CASE WHEN g < 29000000 THEN substr(v.code, 1, 6)
             ELSE substr(v.code, 1, 4) || CAST(90 + g // 29000000 AS VARCHAR) END AS area
        FROM mem m JOIN vil v ON v.vi = m.vi""")
    con.execute(f"""CREATE TABLE people AS SELECT *, f17 || {check} AS id FROM
        (SELECT *, area || strftime(born, '%Y%m%d') || lpad(CAST(g % 1000 AS VARCHAR), 3, '0') AS f17 FROM p)""")
    relation = "CASE j WHEN 0 THEN '户主' WHEN 1 THEN '配偶' WHEN 2 THEN '之子' WHEN 3 THEN '之女' ELSE '之孙子' END"
    age = "date_diff('year', born, DATE '2022-06-30')"
    con.execute(f"""COPY (SELECT
        'H' || lpad(CAST(i AS VARCHAR), 9, '0') AS "户编号", county AS "县", town AS "乡镇", village AS "村",
        '成员' || CAST(g AS VARCHAR) AS "姓名", id AS "身份证号", {relation} AS "与户主关系",
        CASE WHEN {age} < 16 OR {age} > 70 THEN '无劳动力' WHEN {r("g", "lab")} < 0.85 THEN '普通劳动力'
             WHEN {r("g", "lab")} < 0.95 THEN '弱劳动力' ELSE '丧失劳动力' END AS "劳动能力",
        CASE WHEN {r("g", "hl")} < 0.80 THEN '健康' WHEN {r("g", "hl")} < 0.92 THEN '长期慢性病'
             WHEN {r("g", "hl")} < 0.96 THEN '大病' ELSE '残疾' END AS "健康状况",
        CASE WHEN {age} < 6 THEN '学龄前儿童' WHEN {age} <= 15 THEN
             (CASE WHEN {r("g", "drop")} < 0.003 THEN '辍学' ELSE '义务教育在校生' END)
             WHEN {age} <= 18 THEN '高中或中职在校生' ELSE '非在校生' END AS "在校状况",
        CASE WHEN {age} BETWEEN 18 AND 60 AND {r("g", "wk")} < 0.5 THEN '县内务工' ELSE '未务工' END AS "务工状况",
        CASE WHEN {r("g", "ins")} < 0.985 THEN '是' ELSE '否' END AS "是否参加医保",
        CASE WHEN poor THEN '是' ELSE '否' END AS "是否脱贫户", CASE WHEN poor THEN '2019' ELSE '' END AS "脱贫年度",
        '13900000000' AS "联系电话", 2021 AS "收入年度",
        CAST(round(inc_r * 40000 * size, 2) AS DECIMAL(12,2)) AS "工资性收入",
        CAST(round({r("i", "bus")} * 8000, 2) AS DECIMAL(12,2)) AS "生产经营性收入",
        CAST(round({r("i", "pro")} * 500, 2) AS DECIMAL(12,2)) AS "财产性收入",
        CAST(round(500 + {r("i", "tr")} * 3000, 2) AS DECIMAL(12,2)) AS "转移性收入",
        CAST(round({r("i", "bus")} * 2000, 2) AS DECIMAL(12,2)) AS "生产经营性支出",
        CAST(round({r("i", "sp")} * 3000, 2) AS DECIMAL(12,2)) AS "合规自付支出",
        CASE WHEN {r("i", "hs")} < 0.01 THEN '否' ELSE '是' END AS "住房安全",
        CASE WHEN {r("vi", "ws")} < 0.03 THEN '否' ELSE '是' END AS "饮水安全"
        FROM people ORDER BY g) TO '{out / "households.csv"}' (HEADER, DELIMITER ',')""")
    members = con.execute("SELECT count(*) FROM people").fetchone()[0]
    print(f"households.csv: {households} households, {members} members, {time.monotonic() - t:.1f} s")
    t = time.monotonic()
    written = write_feeds(out_dir=out, households_csv=out / "households.csv", seed=seed)
    print(f"feeds: {written}, {time.monotonic() - t:.1f} s")


LABOUR = {"普通劳动力": "normal", "弱劳动力": "weak", "丧失劳动力": "lost", "无劳动力": "none"}
HEALTH = {"健康": "healthy", "长期慢性病": "chronic", "大病": "serious", "残疾": "disabled"}
SCHOOL = {
    "学龄前儿童": "preschool",
    "义务教育在校生": "compulsory",
    "高中或中职在校生": "high_school",
    "高等教育在校生": "higher",
    "辍学": "dropout",
    "非在校生": "not_in_school",
}
WORK = {"省外务工": "out_of_province", "省内县外务工": "in_province", "县内务工": "in_county", "未务工": "none"}
RELATION = {"户主": "head", "配偶": "spouse", "之子": "son", "之女": "daughter", "之孙子": "grandson"}


def _case(col: str, mapping: dict) -> str:
    return "CASE " + col + " " + " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in mapping.items()) + " ELSE 'other' END"


def load(out: Path) -> None:
    import django
    import duckdb

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from zhenxing.regions.models import Level, Region
    from zhenxing.regions.services import regions_load_builtin
    from zhenxing.screening.feeds import hmac_sql

    call_command("migrate", verbosity=0)
    regions_load_builtin()
    t = time.monotonic()
    con = duckdb.connect()
    con.execute(
        f"CREATE TABLE src AS SELECT * FROM read_csv('{out / 'households.csv'}', header=true, all_varchar=true)"
    )
    codes = {
        (c, t_, v): code
        for code, v, t_, c in Region.objects.filter(level=Level.VILLAGE).values_list(
            "code", "name", "parent__name", "parent__parent__name"
        )
    }
    ids = dict(Region.objects.filter(level=Level.VILLAGE).values_list("code", "id"))
    con.execute("CREATE TABLE vmap (county VARCHAR, town VARCHAR, village VARCHAR, village_id BIGINT)")
    con.executemany(
        "INSERT INTO vmap VALUES (?, ?, ?, ?)", [(c, t_, v, ids[code]) for (c, t_, v), code in codes.items()]
    )
    con.execute("""CREATE TABLE h AS SELECT row_number() OVER (ORDER BY "户编号") AS id, * FROM (
        SELECT "户编号", any_value("县") AS county, any_value("乡镇") AS town, any_value("村") AS village,
               any_value("是否脱贫户") = '是' AS poor, any_value("脱贫年度") AS exit_year,
               any_value(CASE WHEN "与户主关系" = '户主' THEN "姓名" END) AS head, count(*) AS n,
               any_value("住房安全") = '是' AS housing, any_value("饮水安全") = '是' AS water,
               any_value("工资性收入") AS wage, any_value("生产经营性收入") AS bus, any_value("财产性收入") AS pro,
               any_value("转移性收入") AS tr, any_value("生产经营性支出") AS cost, any_value("合规自付支出") AS sp,
               any_value("收入年度") AS year FROM src GROUP BY "户编号")""")
    tmp = out / "load"
    tmp.mkdir(exist_ok=True)
    con.execute(f"""COPY (SELECT h.id, h."户编号", m.village_id, '', '13900000000', h.poor, NULLIF(h.exit_year, ''),
        'none', '', h.housing, true, true, h.water, coalesce(h.head, ''), h.n, CAST(h.year AS INTEGER),
        round((CAST(h.wage AS DECIMAL(14,2)) + CAST(h.bus AS DECIMAL(14,2)) + CAST(h.pro AS DECIMAL(14,2))
               + CAST(h.tr AS DECIMAL(14,2)) - CAST(h.cost AS DECIMAL(14,2))) / h.n, 2), now(), now()
        FROM h JOIN vmap m ON m.county = h.county AND m.town = h.town AND m.village = h.village)
        TO '{tmp / "household.csv"}' (HEADER false)""")
    con.execute(f"""COPY (SELECT h.id, CAST(h.year AS INTEGER), h.wage, h.bus, h.pro, h.tr, h.cost, h.sp FROM h)
        TO '{tmp / "income.csv"}' (HEADER false)""")
    con.execute(f"""COPY (SELECT h.id, s."姓名", 'bench', {hmac_sql('s."身份证号"')},
        substr(s."身份证号", 1, 6) || '********' || substr(s."身份证号", 15, 4), {_case('s."与户主关系"', RELATION)},
        CASE WHEN CAST(substr(s."身份证号", 17, 1) AS INTEGER) % 2 = 1 THEN 'male' ELSE 'female' END,
        strptime(substr(s."身份证号", 7, 8), '%Y%m%d')::DATE, {_case('s."劳动能力"', LABOUR)},
        {_case('s."健康状况"', HEALTH)}, {_case('s."在校状况"', SCHOOL)}, {_case('s."务工状况"', WORK)},
        s."是否参加医保" = '是', 'active', NULL
        FROM src s JOIN h USING ("户编号")) TO '{tmp / "member.csv"}' (HEADER false)""")
    households, members = con.execute("SELECT (SELECT count(*) FROM h), (SELECT count(*) FROM src)").fetchone()
    counts = {"household.csv": households, "income.csv": households, "member.csv": members}
    print(f"prepared in {time.monotonic() - t:.1f} s")
    t = time.monotonic()
    tables = [
        (
            "registry_household",
            "id, number, village_id, address, phone, formerly_poor, exit_year, monitoring_status, "
            "monitoring_kind, housing_safe, schooling_secured, medical_insured, water_safe, head_name, living_members, "
            "income_year, per_capita_income, created_at, updated_at",
            "household.csv",
        ),
        (
            "registry_householdincome",
            "household_id, year, wage_income, business_income, property_income, transfer_income, "
            "business_cost, eligible_spending",
            "income.csv",
        ),
        (
            "registry_member",
            "household_id, name, id_cipher, id_hash, id_masked, relation, sex, birth_date, labour, health, "
            "schooling, work_status, insured, status, death_date",
            "member.csv",
        ),
    ]
    from django.db import transaction

    from zhenxing.lib.bulk import indexes_rebuilt

    with transaction.atomic(), connection.cursor() as cur:
        # The TRUNCATE's trigger marks the screening mirror for a whole rebuild (mirror.py), so the
        # load skips the per-statement change-log triggers and the foreign-key checks
        # (session_replication_role, superuser; the rows are consistent by construction: 50M change
        # keys and 40M key lookups at 10M households) and builds each table's secondary indexes
        # once, after its COPY (lib/bulk.indexes_rebuilt).
        cur.execute("TRUNCATE registry_member, registry_householdincome, registry_household RESTART IDENTITY CASCADE")
        cur.execute("SET LOCAL session_replication_role = replica")
        for table, cols, name in tables:
            # Columns the registry added since (NOT NULL, no database default) get their model default for the load.
            cur.execute(
                """SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s
                   AND is_nullable = 'NO' AND column_default IS NULL""",
                [table],
            )
            given = {c.strip() for c in cols.split(",")} | {"id"}
            blank = {"boolean": "false", "character varying": "''", "text": "''", "jsonb": "'{}'"}
            extra = [(c, blank.get(t, "0")) for c, t in cur.fetchall() if c not in given]
            for column, value in extra:
                cur.execute(f"ALTER TABLE {table} ALTER COLUMN {column} SET DEFAULT {value}")
            with (
                indexes_rebuilt(table, rows=counts[name], existing=0),
                cur.cursor.copy(f"COPY {table} ({cols}) FROM STDIN WITH (FORMAT csv)") as copy,
                (tmp / name).open("rb") as fh,
            ):
                while chunk := fh.read(1 << 22):
                    copy.write(chunk)
            for column, _value in extra:
                cur.execute(f"ALTER TABLE {table} ALTER COLUMN {column} DROP DEFAULT")
            print(f"{table}: loaded")
        cur.execute(
            "SELECT setval(pg_get_serial_sequence('registry_household', 'id'), (SELECT max(id) FROM registry_household))"
        )
    with connection.cursor() as cur:
        cur.execute("ANALYZE registry_household; ANALYZE registry_member; ANALYZE registry_householdincome")
    print(f"COPY into PostgreSQL: {time.monotonic() - t:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path("bench/out/screening"))
    parser.add_argument("--load", action="store_true")
    args = parser.parse_args()
    if args.load:
        load(args.out)
    else:
        generate(args.out, args.households, args.seed)


if __name__ == "__main__":
    main()
