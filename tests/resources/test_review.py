"""The review workflow, one action at a time: the happy path, the wrong user, bad input."""

import pytest

from tests.resources.conftest import make, pdf, publish
from xietong.accounts.scope import OutOfScope
from xietong.audit.models import AuditEntry
from xietong.resources.models import ReviewEvent, Status
from xietong.resources.services import (
    resource_approve,
    resource_reject,
    resource_submit,
    resource_withdraw,
)


def _actions(resource):
    return list(
        AuditEntry.objects.filter(object_id=str(resource.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


def test_submit_runs_the_machine_checks(resworld):
    r = make(resworld)
    r, codes = resource_submit(resource=r, actor=resworld["users"]["school-a"], pledge=True)
    assert codes == [] and r.status == Status.PENDING
    steps = list(ReviewEvent.objects.filter(resource=r).values_list("step", "passed"))
    assert steps == [("submit", True), ("check", True)]
    assert _actions(r) == ["resources.create", "resources.submit", "resources.check"]


def test_submit_needs_the_pledge(resworld):
    r = make(resworld)
    with pytest.raises(ValueError, match="pledge"):
        resource_submit(resource=r, actor=resworld["users"]["school-a"], pledge=False)
    r.refresh_from_db()
    assert r.status == Status.DRAFT and not ReviewEvent.objects.exists()


def test_submit_by_someone_else_is_refused(resworld):
    r = make(resworld)
    for who in ("teacher-a", "tongzhou", "jjj-sec"):
        with pytest.raises(OutOfScope):
            resource_submit(resource=r, actor=resworld["users"][who], pledge=True)
    assert _actions(r) == ["resources.create"]


def test_sensitive_word_fails_the_check(resworld, tmp_path, settings):
    words = tmp_path / "words.txt"
    words.write_text("# list\n禁用词\nBADWORD\n", encoding="utf-8")
    settings.XIETONG_RESOURCES_SENSITIVE_WORDS = str(words)
    r = make(resworld, description_zh="其中有一个禁用词", title_en="a ｂａｄword here")
    r, codes = resource_submit(resource=r, actor=None, pledge=True)
    assert r.status == Status.DRAFT
    assert codes == ["sensitive_word:禁用词", "sensitive_word:badword"]  # NFKC, any case
    check = ReviewEvent.objects.get(resource=r, step="check")
    assert check.passed is False and check.codes == codes
    entry = AuditEntry.objects.get(action="resources.check", object_id=str(r.pk))
    assert entry.after["codes"] == codes


def test_checks_refuse_a_file_past_a_lowered_limit(resworld, settings):
    r = make(resworld, upload=pdf(extra=b"x" * 100))
    settings.XIETONG_RESOURCE_MAX_BYTES = 50
    _r, codes = resource_submit(resource=r, actor=None, pledge=True)
    assert codes == ["file_size"]


def test_approve_by_the_owning_bureau(resworld):
    r = make(resworld)
    r, _ = resource_submit(resource=r, actor=None, pledge=True)
    for who in ("tongzhou", "jiangsu", "school-a", "jjj-sec", "shijiazhuang"):
        with pytest.raises(OutOfScope):
            resource_approve(resource=r, actor=resworld["users"][who])
    r = resource_approve(resource=r, actor=resworld["users"]["langfang"])
    assert (r.status, r.published_version) == (Status.PUBLISHED, 1) and r.published_at
    assert _actions(r)[-1] == "resources.approve"
    with pytest.raises(ValueError, match="awaiting review"):
        resource_approve(resource=r, actor=resworld["users"]["langfang"])


def test_reject_with_a_reason_code(resworld):
    r, _ = resource_submit(resource=make(resworld), actor=None, pledge=True)
    with pytest.raises(ValueError, match="reason"):
        resource_reject(resource=r, actor=resworld["users"]["langfang"], reason="because")
    with pytest.raises(OutOfScope):
        resource_reject(resource=r, actor=resworld["users"]["tongzhou"], reason="other")
    r = resource_reject(resource=r, actor=resworld["users"]["langfang"], reason="content_error")
    assert r.status == Status.REJECTED
    assert ReviewEvent.objects.get(resource=r, step="reject").codes == ["content_error"]
    r, codes = resource_submit(resource=r, actor=resworld["users"]["school-a"], pledge=True)
    assert r.status == Status.PENDING  # a returned resource may be submitted again


def test_withdraw_with_a_reason(resworld):
    r = publish(resworld, make(resworld, visibility="public"))
    with pytest.raises(OutOfScope):
        resource_withdraw(resource=r, actor=resworld["users"]["teacher-a"], reason="other")
    with pytest.raises(ValueError, match="reason"):
        resource_withdraw(resource=r, actor=resworld["users"]["langfang"], reason="")
    r = resource_withdraw(resource=r, actor=resworld["users"]["langfang"], reason="copyright")
    assert (r.status, r.withdraw_reason) == (Status.WITHDRAWN, "copyright")
    entry = AuditEntry.objects.filter(action="resources.withdraw").get()
    assert entry.after == {"status": "withdrawn", "reason": "copyright"}
    with pytest.raises(ValueError, match="published"):
        resource_withdraw(resource=r, actor=resworld["users"]["langfang"], reason="copyright")
