"""The database itself refuses changes to the audit tables, whatever a setting said at migrate
time (tests/conftest.py sets XIETONG_AUDIT_TRIGGERS=False before the test database is migrated)."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from xietong.audit import triggers
from xietong.audit.models import AuditEntry, AuditHead
from xietong.audit.services import audit_checkpoint_issue, audit_record
from xietong.audit.vocabulary import AuditAction, ObjectType
from xietong.cli import cmd_audit_verify


def _write(n=1):
    for i in range(n):
        with transaction.atomic():
            audit_record(
                actor=None,
                action=AuditAction.DEMO_LOAD,
                object_type=ObjectType.DEMO,
                object_id=i,
                after={"a": i},
            )


def _refused(sql, params=(), match="append-only|audit head"):
    with pytest.raises(DatabaseError, match=match):
        with transaction.atomic():
            with connection.cursor() as cur:
                cur.execute(sql, params)


def test_triggers_are_there_after_migrate(db):
    assert settings.XIETONG_AUDIT_TRIGGERS is False  # the setting no longer leaves them out
    assert triggers.missing(connection) == []
    assert set(triggers.expected(connection)) == triggers.present(connection)


def test_database_refuses_update_and_delete(db):
    _write()
    for sql in ("UPDATE audit_auditentry SET action = 'x'", "DELETE FROM audit_auditentry"):
        _refused(sql)
    assert AuditEntry.objects.order_by("-seq").first().action == AuditAction.DEMO_LOAD


def test_head_cannot_be_rewound_moved_or_deleted(db):
    _write(3)
    head = AuditHead.objects.get(id=1)
    _refused("UPDATE audit_audithead SET seq = seq - 1, entry_hash = %s", [head.entry_hash])
    previous = AuditEntry.objects.get(seq=head.seq - 1).entry_hash
    _refused("UPDATE audit_audithead SET seq = seq - 1, entry_hash = %s", [previous])
    _refused("UPDATE audit_audithead SET entry_hash = %s", ["f" * 64])
    _refused("UPDATE audit_audithead SET seq = seq + 1")  # onto an entry that does not exist
    _refused("DELETE FROM audit_audithead")
    assert AuditHead.objects.get(id=1).seq == head.seq
    _write()  # the writer itself still moves it forward
    assert AuditHead.objects.get(id=1).seq == head.seq + 1


def test_checkpoints_are_append_only(db):
    _write()
    with transaction.atomic():
        cp = audit_checkpoint_issue(actor=None)
    _refused("UPDATE audit_auditcheckpoint SET size = size + 1 WHERE id = %s", [cp.pk])
    _refused("DELETE FROM audit_auditcheckpoint")
    with pytest.raises(RuntimeError):
        cp.delete()


def test_truncate_is_refused_on_postgresql(db):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    # (no entry written first: TRUNCATE is refused anyway after inserts with pending FK checks)
    for table in ("audit_auditentry", "audit_audithead", "audit_auditcheckpoint"):
        _refused(f"TRUNCATE {table} CASCADE")


def test_verify_reports_missing_triggers_and_migrate_restores_them(db, capsys):
    _write()
    assert cmd_audit_verify(None) == 0
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("DROP TRIGGER audit_head_forward_only")
        else:
            cur.execute("ALTER TABLE audit_audithead DISABLE TRIGGER audit_head_guard")
    assert cmd_audit_verify(None) == 1
    err = capsys.readouterr().err
    assert "AUDIT TRIGGERS MISSING" in err
    assert (
        "audit_head_forward_only" if connection.vendor == "sqlite" else "audit_head_guard"
    ) in err
    call_command("migrate", verbosity=0)
    assert triggers.missing(connection) == []
    assert cmd_audit_verify(None) == 0


@pytest.mark.django_db(transaction=True)
def test_transactional_tests_keep_the_triggers():
    """The flush at the end of this test lifts the triggers only for itself (tests/conftest.py);
    the next test finds them again."""
    _write()
    assert triggers.missing(connection) == []


@pytest.mark.django_db(transaction=True)
def test_triggers_are_back_after_a_flush():
    assert triggers.missing(connection) == []
