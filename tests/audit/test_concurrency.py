"""Concurrent writers extend the audit chain one at a time (PostgreSQL; SQLite serialises writes
by design)."""

import threading

import pytest
from django.db import connection, connections, transaction

from xietong.audit.models import AuditEntry
from xietong.audit.services import audit_record, verify_chain
from xietong.audit.vocabulary import AuditAction, ObjectType


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_one_chain():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency of appends is tested on PostgreSQL")
    before = AuditEntry.objects.count()
    errors = []
    start = threading.Barrier(6)

    def writer(k):
        try:
            start.wait()
            for i in range(15):
                with transaction.atomic():
                    audit_record(
                        actor=None,
                        action=AuditAction.DEMO_LOAD,
                        object_type=ObjectType.DEMO,
                        object_id=f"{k}-{i}",
                        after={"k": k, "i": i},
                    )
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert AuditEntry.objects.count() == before + 90
    assert sorted(AuditEntry.objects.values_list("seq", flat=True)) == list(range(1, before + 91))
    report = verify_chain()
    assert report.ok, report.problem
