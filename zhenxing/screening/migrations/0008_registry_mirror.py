"""The registry's change log for the screening mirror (PostgreSQL only; see screening/mirror.py).

Statement-level triggers on the registry's household, member and income tables write the keys a
statement touched into ``screening_registrychange`` (set-based: one INSERT … SELECT per statement,
from its transition table); a TRUNCATE of those tables, or a change of the region tree, empties
``screening_mirrorstate``, which makes the next run rebuild its mirror whole."""

from django.db import migrations

TABLES = [
    ("registry_household", "h", "id"),
    ("registry_member", "m", "id"),
    ("registry_householdincome", "i", "household_id"),
]

FUNCTION = """
CREATE OR REPLACE FUNCTION zx_screening_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' OR TG_ARGV[0] = 'r' THEN
        DELETE FROM screening_mirrorstate;
        RETURN NULL;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        EXECUTE format('INSERT INTO screening_registrychange (tbl, key) SELECT DISTINCT %L, %I FROM zx_new',
                       TG_ARGV[0], TG_ARGV[1]);
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        EXECUTE format('INSERT INTO screening_registrychange (tbl, key) SELECT DISTINCT %L, %I FROM zx_old',
                       TG_ARGV[0], TG_ARGV[1]);
    END IF;
    RETURN NULL;
END $$;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite (tests, demo): every run reads the registry whole
    sql = [
        "CREATE TABLE screening_registrychange (seq bigserial PRIMARY KEY, tbl char(1) NOT NULL, key bigint NOT NULL)",
        "CREATE TABLE screening_mirrorstate (id integer PRIMARY KEY, token varchar(32) NOT NULL)",
        FUNCTION,
    ]
    for table, tag, key in TABLES:
        args = f"zx_screening_change('{tag}', '{key}')"
        sql += [
            f"CREATE TRIGGER zx_mirror_ins AFTER INSERT ON {table} REFERENCING NEW TABLE AS zx_new "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {args}",
            f"CREATE TRIGGER zx_mirror_upd AFTER UPDATE ON {table} REFERENCING OLD TABLE AS zx_old NEW TABLE AS zx_new "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {args}",
            f"CREATE TRIGGER zx_mirror_del AFTER DELETE ON {table} REFERENCING OLD TABLE AS zx_old "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {args}",
            f"CREATE TRIGGER zx_mirror_trunc AFTER TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {args}",
        ]
    for event in ("UPDATE", "DELETE", "TRUNCATE"):
        sql.append(
            f"CREATE TRIGGER zx_mirror_region_{event.lower()} AFTER {event} ON regions_region "
            f"FOR EACH STATEMENT EXECUTE FUNCTION zx_screening_change('r', 'id')"
        )
    with schema_editor.connection.cursor() as cur:
        for statement in sql:
            cur.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cur:
        for table, _tag, _key in TABLES:
            for name in ("ins", "upd", "del", "trunc"):
                cur.execute(f"DROP TRIGGER IF EXISTS zx_mirror_{name} ON {table}")
        for event in ("update", "delete", "truncate"):
            cur.execute(f"DROP TRIGGER IF EXISTS zx_mirror_region_{event} ON regions_region")
        cur.execute("DROP FUNCTION IF EXISTS zx_screening_change()")
        cur.execute("DROP TABLE IF EXISTS screening_registrychange")
        cur.execute("DROP TABLE IF EXISTS screening_mirrorstate")


class Migration(migrations.Migration):
    dependencies = [
        ("screening", "0007_zh_names"),
        ("registry", "0004_household_income_verified"),
        ("regions", "0003_shipped_tree"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
