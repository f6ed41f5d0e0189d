import pytest
from django.db import connection, transaction

from xietong.audit import triggers
from xietong.audit.models import AuditEntry
from xietong.audit.services import audit_record, verify_chain
from xietong.audit.vocabulary import AuditAction, ObjectType
from xietong.cli import cmd_audit_verify


@pytest.fixture(autouse=True)
def attacker_dropped_the_triggers(db):
    """These tests play someone with database access who first drops the append-only triggers
    (inside the test's transaction, so they are back afterwards)."""
    triggers.uninstall(connection)


def _write(n):
    """Append n entries after whatever the session set-up wrote; returns the seq of the first."""
    base = AuditEntry.objects.count()
    for i in range(n):
        with transaction.atomic():
            audit_record(
                actor=None,
                action=AuditAction.DEMO_LOAD,
                object_type=ObjectType.DEMO,
                object_id=i,
                before={"v": i},
                after={"v": i + 1, "note": "数值", "d": "1.50"},
            )
    return base + 1


def _raw(sql, params=()):
    with connection.cursor() as cur:
        cur.execute(sql, params)


def test_intact_chain_verifies(db):
    first = _write(5)
    report = verify_chain()
    assert report.ok and report.checked == first + 4
    seqs = list(AuditEntry.objects.values_list("seq", flat=True))
    assert seqs == list(range(1, first + 5))
    entries = list(AuditEntry.objects.all())
    assert entries[0].prev_hash == "0" * 64
    assert all(b.prev_hash == a.entry_hash for a, b in zip(entries, entries[1:], strict=False))


def test_record_outside_transaction_is_refused(db):
    # pytest-django wraps the test in a transaction, so simulate autocommit by checking the guard
    from xietong.audit import services

    class NoTx:
        in_atomic_block = False

    original = services.transaction.get_connection
    services.transaction.get_connection = lambda *a, **k: NoTx()
    try:
        with pytest.raises(RuntimeError):
            audit_record(
                actor=None, action=AuditAction.DEMO_LOAD, object_type=ObjectType.DEMO, object_id=1
            )
    finally:
        services.transaction.get_connection = original


def test_edited_entry_is_found(db, capsys):
    s = _write(5) + 2
    _raw("UPDATE audit_auditentry SET after = %s WHERE seq = %s", ['{"v": 999}', s])
    report = verify_chain()
    assert not report.ok
    assert report.first_bad_seq == s
    assert "altered" in report.problem
    assert cmd_audit_verify(None) == 1
    assert f"#{s}" in capsys.readouterr().err


def test_edited_actor_label_is_found(db):
    s = _write(3) + 1
    _raw("UPDATE audit_auditentry SET actor_label = 'someone-else' WHERE seq = %s", [s])
    report = verify_chain()
    assert not report.ok and report.first_bad_seq == s


def test_deleted_entry_is_found(db, capsys):
    s = _write(5) + 1
    _raw("DELETE FROM audit_auditentry WHERE seq = %s", [s])
    report = verify_chain()
    assert not report.ok and report.first_bad_seq == s
    assert "missing" in report.problem
    assert cmd_audit_verify(None) == 1
    assert f"#{s}" in capsys.readouterr().err


def test_deleted_last_entry_is_found(db):
    s = _write(4) + 3
    _raw("DELETE FROM audit_auditentry WHERE seq = %s", [s])
    report = verify_chain()
    assert not report.ok
    assert report.first_bad_seq == s


def test_reordered_entries_are_found(db):
    a = _write(5) + 1
    b = a + 2
    # swap the sequence numbers of two entries
    _raw("UPDATE audit_auditentry SET seq = 100000 WHERE seq = %s", [a])
    _raw("UPDATE audit_auditentry SET seq = %s WHERE seq = %s", [a, b])
    _raw("UPDATE audit_auditentry SET seq = %s WHERE seq = 100000", [b])
    report = verify_chain()
    assert not report.ok and report.first_bad_seq == a


def test_renumbered_after_deletion_is_found(db):
    """An attacker deletes entry 3 and renumbers the rest to close the gap."""
    s = _write(5) + 2
    _raw("DELETE FROM audit_auditentry WHERE seq = %s", [s])
    rest = list(AuditEntry.objects.filter(seq__gt=s).order_by("seq").values_list("id", flat=True))
    for pk in rest:  # one by one, keeping seq unique at every step
        _raw("UPDATE audit_auditentry SET seq = seq - 1 WHERE id = %s", [pk])
    _raw("UPDATE audit_audithead SET seq = seq - 1")
    report = verify_chain()
    assert not report.ok and report.first_bad_seq == s


def test_model_refuses_update_and_delete(db):
    _write(1)
    entry = AuditEntry.objects.order_by("-seq").first()
    entry.action = "changed"
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()
