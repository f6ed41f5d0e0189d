"""Database triggers that refuse UPDATE and DELETE on audit entries.

The hash chain detects tampering; the triggers make it take a deliberate act (dropping a trigger)
rather than a stray query. Installed by migration unless settings.XIETONG_AUDIT_TRIGGERS is False
(the test suite installs them itself in the tests that need them).
"""

from __future__ import annotations

SQLITE = [
    """CREATE TRIGGER IF NOT EXISTS audit_entry_no_update BEFORE UPDATE ON audit_auditentry
       BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;""",
    """CREATE TRIGGER IF NOT EXISTS audit_entry_no_delete BEFORE DELETE ON audit_auditentry
       BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_entry_no_update;",
    "DROP TRIGGER IF EXISTS audit_entry_no_delete;",
]
POSTGRES = [
    """CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit entries are append-only'; END; $$ LANGUAGE plpgsql;""",
    "DROP TRIGGER IF EXISTS audit_entry_no_change ON audit_auditentry;",
    """CREATE TRIGGER audit_entry_no_change BEFORE UPDATE OR DELETE ON audit_auditentry
       FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only();""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS audit_entry_no_change ON audit_auditentry;",
]


def install(connection) -> None:
    statements = {"sqlite": SQLITE, "postgresql": POSTGRES}.get(connection.vendor, [])
    with connection.cursor() as cur:
        for sql in statements:
            cur.execute(sql)


def uninstall(connection) -> None:
    statements = {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}.get(connection.vendor, [])
    with connection.cursor() as cur:
        for sql in statements:
            cur.execute(sql)
