"""Database triggers that make the audit table append-only.

The only way past them is ``purge_allowed()``, used by the test database's flush (see
core/management/commands/flush.py, which refuses unless settings.ALLOW_FLUSH is set).
"""

from __future__ import annotations

from contextlib import contextmanager

PG = """
CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
BEGIN
    IF current_setting('zhenxing.audit_purge', true) = 'on' AND TG_OP <> 'UPDATE' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '审计日志只能追加，不能修改或删除';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_entry_no_update ON audit_auditentry;
DROP TRIGGER IF EXISTS audit_entry_no_truncate ON audit_auditentry;
CREATE TRIGGER audit_entry_no_update BEFORE UPDATE OR DELETE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only();
CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only();
"""
SQLITE = [
    "CREATE TABLE IF NOT EXISTS zx_audit_purge (flag INTEGER)",
    "DROP TRIGGER IF EXISTS audit_entry_no_update",
    "DROP TRIGGER IF EXISTS audit_entry_no_delete",
    """CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_auditentry
       BEGIN SELECT RAISE(ABORT, '审计日志只能追加，不能修改'); END""",
    """CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_auditentry
       WHEN NOT EXISTS (SELECT 1 FROM zx_audit_purge)
       BEGIN SELECT RAISE(ABORT, '审计日志只能追加，不能删除'); END""",
]


def install_triggers(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(PG)
        elif connection.vendor == "sqlite":
            for sql in SQLITE:
                cursor.execute(sql)


@contextmanager
def purge_allowed(connection):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET zhenxing.audit_purge = 'on'")
        elif connection.vendor == "sqlite":
            cursor.execute("INSERT INTO zx_audit_purge (flag) VALUES (1)")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("RESET zhenxing.audit_purge")
            elif connection.vendor == "sqlite":
                cursor.execute("DELETE FROM zx_audit_purge")
