"""Database triggers that keep the audit tables append-only.

The hash chain and the signed checkpoints detect tampering; the triggers make it take a deliberate
act (dropping a trigger, which ``xietong audit verify`` reports) rather than a stray query:

* entries and checkpoints: no UPDATE, no DELETE (and no TRUNCATE on PostgreSQL);
* the head: created empty, then moved only one step forward, onto the entry just appended, so the
  tail cannot be cut and the head rewound; never deleted.

They are installed by migration and again after every ``migrate`` (post_migrate), whatever any
setting says. The test suite lifts them only around its table flushes (tests/conftest.py).
"""

from __future__ import annotations

_ENTRY = "audit entries are append-only"
_CHECKPOINT = "audit checkpoints are append-only"
_HEAD = "the audit head only moves forward, onto the entry just appended"
_HEAD_DELETE = "the audit head cannot be deleted"


def _sqlite_refuse(name: str, when: str, table: str, message: str, condition: str = "") -> str:
    return (
        f"CREATE TRIGGER {name} BEFORE {when} ON {table} {condition}\n"
        f"       BEGIN SELECT RAISE(ABORT, '{message}'); END;"
    )


SQLITE_TRIGGERS = {
    "audit_entry_no_update": _sqlite_refuse(
        "audit_entry_no_update", "UPDATE", "audit_auditentry", _ENTRY
    ),
    "audit_entry_no_delete": _sqlite_refuse(
        "audit_entry_no_delete", "DELETE", "audit_auditentry", _ENTRY
    ),
    "audit_head_forward_only": _sqlite_refuse(
        "audit_head_forward_only",
        "UPDATE",
        "audit_audithead",
        _HEAD,
        "WHEN NEW.id <> OLD.id OR NEW.seq <> OLD.seq + 1 OR NEW.entry_hash IS NOT "
        "(SELECT entry_hash FROM audit_auditentry WHERE seq = NEW.seq)",
    ),
    "audit_head_starts_empty": _sqlite_refuse(
        "audit_head_starts_empty", "INSERT", "audit_audithead", _HEAD, "WHEN NEW.seq <> 0"
    ),
    "audit_head_no_delete": _sqlite_refuse(
        "audit_head_no_delete", "DELETE", "audit_audithead", _HEAD_DELETE
    ),
    "audit_checkpoint_no_update": _sqlite_refuse(
        "audit_checkpoint_no_update", "UPDATE", "audit_auditcheckpoint", _CHECKPOINT
    ),
    "audit_checkpoint_no_delete": _sqlite_refuse(
        "audit_checkpoint_no_delete", "DELETE", "audit_auditcheckpoint", _CHECKPOINT
    ),
}

POSTGRES_FUNCTIONS = [
    """CREATE OR REPLACE FUNCTION audit_refuse() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION '%', TG_ARGV[0]; END; $$ LANGUAGE plpgsql;""",
    f"""CREATE OR REPLACE FUNCTION audit_head_forward_only() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'DELETE' THEN RAISE EXCEPTION '{_HEAD_DELETE}'; END IF;
         IF TG_OP = 'INSERT' THEN
           IF NEW.seq <> 0 THEN RAISE EXCEPTION '{_HEAD}'; END IF;
           RETURN NEW;
         END IF;
         IF NEW.id <> OLD.id OR NEW.seq <> OLD.seq + 1 OR NEW.entry_hash IS DISTINCT FROM
            (SELECT entry_hash FROM audit_auditentry WHERE seq = NEW.seq) THEN
           RAISE EXCEPTION '{_HEAD}';
         END IF;
         RETURN NEW;
       END; $$ LANGUAGE plpgsql;""",
]
# name -> (table, CREATE TRIGGER statement)
POSTGRES_TRIGGERS = {
    "audit_entry_no_change": (
        "audit_auditentry",
        "BEFORE UPDATE OR DELETE ON audit_auditentry FOR EACH ROW "
        f"EXECUTE FUNCTION audit_refuse('{_ENTRY}')",
    ),
    "audit_entry_no_truncate": (
        "audit_auditentry",
        "BEFORE TRUNCATE ON audit_auditentry FOR EACH STATEMENT "
        f"EXECUTE FUNCTION audit_refuse('{_ENTRY}')",
    ),
    "audit_head_guard": (
        "audit_audithead",
        "BEFORE INSERT OR UPDATE OR DELETE ON audit_audithead FOR EACH ROW "
        "EXECUTE FUNCTION audit_head_forward_only()",
    ),
    "audit_head_no_truncate": (
        "audit_audithead",
        "BEFORE TRUNCATE ON audit_audithead FOR EACH STATEMENT "
        f"EXECUTE FUNCTION audit_refuse('{_HEAD_DELETE}')",
    ),
    "audit_checkpoint_no_change": (
        "audit_auditcheckpoint",
        "BEFORE UPDATE OR DELETE ON audit_auditcheckpoint FOR EACH ROW "
        f"EXECUTE FUNCTION audit_refuse('{_CHECKPOINT}')",
    ),
    "audit_checkpoint_no_truncate": (
        "audit_auditcheckpoint",
        "BEFORE TRUNCATE ON audit_auditcheckpoint FOR EACH STATEMENT "
        f"EXECUTE FUNCTION audit_refuse('{_CHECKPOINT}')",
    ),
}


def expected(connection) -> list[str]:
    """Names of the triggers this database should have."""
    return list(
        {"sqlite": SQLITE_TRIGGERS, "postgresql": POSTGRES_TRIGGERS}.get(connection.vendor, {})
    )


def uninstall_sql(connection) -> list[str]:
    if connection.vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {name};" for name in SQLITE_TRIGGERS]
    if connection.vendor == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS {name} ON {table};"
            for name, (table, _sql) in POSTGRES_TRIGGERS.items()
        ]
    return []


def install_sql(connection) -> list[str]:
    """Idempotent: drops each trigger and creates it again, so a changed definition takes effect."""
    if connection.vendor == "sqlite":
        return [*uninstall_sql(connection), *SQLITE_TRIGGERS.values()]
    if connection.vendor == "postgresql":
        return [
            *POSTGRES_FUNCTIONS,
            *uninstall_sql(connection),
            *(f"CREATE TRIGGER {name} {sql};" for name, (_t, sql) in POSTGRES_TRIGGERS.items()),
        ]
    return []


def _run(connection, statements: list[str]) -> None:
    with connection.cursor() as cur:
        for sql in statements:
            cur.execute(sql)


def install(connection) -> None:
    _run(connection, install_sql(connection))


def uninstall(connection) -> None:
    _run(connection, uninstall_sql(connection))


def present(connection) -> set[str]:
    """Names of the audit triggers that exist and are enabled."""
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        elif connection.vendor == "postgresql":
            cur.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'D'")
        else:
            return set()
        return {row[0] for row in cur.fetchall()} & set(expected(connection))


def missing(connection) -> list[str]:
    """Expected triggers that are absent or disabled (empty when the guards are in place)."""
    have = present(connection)
    return [name for name in expected(connection) if name not in have]


def tables_exist(connection) -> bool:
    tables = set(connection.introspection.table_names())
    return {"audit_auditentry", "audit_audithead", "audit_auditcheckpoint"} <= tables
