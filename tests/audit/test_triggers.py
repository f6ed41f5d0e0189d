import pytest
from django.db import DatabaseError, connection, transaction

from xietong.audit import triggers
from xietong.audit.services import audit_record


@pytest.fixture
def with_triggers(db):
    triggers.install(connection)
    yield
    triggers.uninstall(connection)


def test_database_refuses_update_and_delete(with_triggers):
    with transaction.atomic():
        audit_record(actor=None, action="t", object_type="t", object_id=1, after={"a": 1})
    for sql in ("UPDATE audit_auditentry SET action = 'x'", "DELETE FROM audit_auditentry"):
        with pytest.raises(DatabaseError, match="append-only"):
            with transaction.atomic():
                with connection.cursor() as cur:
                    cur.execute(sql)
    from xietong.audit.models import AuditEntry

    assert AuditEntry.objects.order_by("-seq").first().action == "t"
