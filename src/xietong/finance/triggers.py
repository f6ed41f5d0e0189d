"""Database guards for the ledger.

* Append-only: UPDATE and DELETE on journal entries and lines are refused, so a posted entry can
  only be corrected by a reversing entry. Installed by migration unless
  settings.XIETONG_AUDIT_TRIGGERS is False (the test suite flushes tables between transactional
  tests and installs the triggers itself where it checks them), like the audit log's triggers.
* Balance (PostgreSQL only): a deferred constraint trigger checks at commit that the lines of every
  touched entry add up, debit and credit, to the entry's totals; with the CHECK constraint
  ``total_debit = total_credit`` on the entry, no committed entry can be unbalanced. SQLite has no
  deferred triggers; there the service checks the balance before it writes.
"""

from __future__ import annotations

APPEND_ONLY_SQLITE = [
    f"""CREATE TRIGGER IF NOT EXISTS finance_{t}_no_{op.lower()} BEFORE {op} ON finance_{t}
       BEGIN SELECT RAISE(ABORT, 'posted ledger entries are append-only'); END;"""
    for t in ("journalentry", "journalline")
    for op in ("UPDATE", "DELETE")
]
APPEND_ONLY_SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS finance_{t}_no_{op};"
    for t in ("journalentry", "journalline")
    for op in ("update", "delete")
]
APPEND_ONLY_POSTGRES = [
    """CREATE OR REPLACE FUNCTION finance_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'posted ledger entries are append-only'; END; $$ LANGUAGE plpgsql;""",
] + [
    s
    for t in ("journalentry", "journalline")
    for s in (
        f"DROP TRIGGER IF EXISTS finance_{t}_no_change ON finance_{t};",
        f"""CREATE TRIGGER finance_{t}_no_change BEFORE UPDATE OR DELETE ON finance_{t}
            FOR EACH ROW EXECUTE FUNCTION finance_append_only();""",
    )
]
APPEND_ONLY_POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS finance_{t}_no_change ON finance_{t};"
    for t in ("journalentry", "journalline")
]

BALANCE_POSTGRES = [
    """CREATE OR REPLACE FUNCTION finance_entry_balance_check() RETURNS trigger AS $$
       DECLARE eid bigint; d numeric; c numeric; td numeric; tc numeric;
       BEGIN
         IF TG_OP = 'DELETE' THEN eid := OLD.entry_id; ELSE eid := NEW.entry_id; END IF;
         SELECT total_debit, total_credit INTO td, tc FROM finance_journalentry WHERE id = eid;
         IF NOT FOUND THEN RETURN NULL; END IF;
         SELECT COALESCE(SUM(debit), 0), COALESCE(SUM(credit), 0) INTO d, c
           FROM finance_journalline WHERE entry_id = eid;
         IF d <> c OR d <> td OR c <> tc THEN
           RAISE EXCEPTION 'journal entry % does not balance (debit %, credit %)', eid, d, c;
         END IF;
         RETURN NULL;
       END; $$ LANGUAGE plpgsql;""",
    "DROP TRIGGER IF EXISTS finance_line_balance ON finance_journalline;",
    """CREATE CONSTRAINT TRIGGER finance_line_balance
       AFTER INSERT OR UPDATE OR DELETE ON finance_journalline
       DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
       EXECUTE FUNCTION finance_entry_balance_check();""",
]
BALANCE_POSTGRES_DROP = ["DROP TRIGGER IF EXISTS finance_line_balance ON finance_journalline;"]


def _run(connection, statements) -> None:
    with connection.cursor() as cur:
        for sql in statements:
            cur.execute(sql)


def install_append_only(connection) -> None:
    _run(
        connection,
        {"sqlite": APPEND_ONLY_SQLITE, "postgresql": APPEND_ONLY_POSTGRES}.get(
            connection.vendor, []
        ),
    )


def uninstall_append_only(connection) -> None:
    _run(
        connection,
        {"sqlite": APPEND_ONLY_SQLITE_DROP, "postgresql": APPEND_ONLY_POSTGRES_DROP}.get(
            connection.vendor, []
        ),
    )


def install_balance_check(connection) -> None:
    if connection.vendor == "postgresql":
        _run(connection, BALANCE_POSTGRES)


def uninstall_balance_check(connection) -> None:
    if connection.vendor == "postgresql":
        _run(connection, BALANCE_POSTGRES_DROP)
