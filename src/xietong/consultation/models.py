"""The negotiation body of a cooperation area and the consultations it runs before major decisions.

The Yangtze River Delta mechanism has three levels (decision: the leaders' meeting; coordination:
the joint office and liaison meeting; execution: working groups per topic). Each member
jurisdiction sends a delegation; only its delegates cast the member's position; the secretariat
convenes and drafts but never casts one.

A proposal's text is kept as numbered paragraphs in immutable versions (each with a content
hash). Positions are appended, never edited: the latest position of a member in a ballot is the
one that counts, and the earlier ones stay on the record. The decision rule is frozen on the
ballot when it opens; the outcome is computed by :func:`xietong.algorithms.decision_rules.tally`
and stored with its explanation (codes and numbers, rendered in the reader's language).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    """The three levels of the body, lowest first (escalation goes up this list)."""

    EXECUTION = "execution", _("Execution level (working group)")
    COORDINATION = "coordination", _("Coordination level (joint office, liaison meeting)")
    DECISION = "decision", _("Decision level (leaders' meeting)")


LEVEL_ORDER = [Level.EXECUTION, Level.COORDINATION, Level.DECISION]


class Body(models.Model):
    """The negotiation body of one cooperation area."""

    area = models.OneToOneField(
        "regions.CooperationArea",
        on_delete=models.PROTECT,
        related_name="negotiation_body",
        verbose_name=_("cooperation area"),
    )
    name_zh = models.CharField(_("Chinese name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("negotiation body")
        verbose_name_plural = _("negotiation bodies")

    def __str__(self) -> str:
        return self.name_zh

    @property
    def name(self) -> str:
        from django.utils.translation import get_language

        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name_zh


class Forum(models.Model):
    """One organ of a body at one level: the leaders' meeting, the joint office, a working group."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="forums")
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    name_zh = models.CharField(_("Chinese name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    # a working group's topic, as a code (e.g. "teachers", "funding", "resources")
    topic = models.CharField(_("topic"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("forum")
        verbose_name_plural = _("forums")
        constraints = [
            models.UniqueConstraint(fields=["body", "name_zh"], name="consultation_forum_name"),
        ]
        ordering = ["body", "level", "name_zh"]

    def __str__(self) -> str:
        return self.name_zh

    @property
    def name(self) -> str:
        from django.utils.translation import get_language

        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name_zh

    @property
    def rank(self) -> int:
        return LEVEL_ORDER.index(self.level)


class Delegation(models.Model):
    """A member jurisdiction's delegation to the body."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="delegations")
    member = models.ForeignKey(
        "regions.Jurisdiction", on_delete=models.PROTECT, verbose_name=_("member")
    )

    class Meta:
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        constraints = [
            models.UniqueConstraint(
                fields=["body", "member"], name="consultation_delegation_member"
            ),
        ]
        ordering = ["body", "member"]

    def __str__(self) -> str:
        return f"{self.body} / {self.member_id}"


class DelegateRole(models.TextChoices):
    DELEGATE = "delegate", _("Delegate (casts the member's position)")
    ALTERNATE = "alternate", _("Alternate (casts when the delegate does not)")
    OBSERVER = "observer", _("Observer")


class Delegate(models.Model):
    delegation = models.ForeignKey(Delegation, on_delete=models.CASCADE, related_name="people")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    role = models.CharField(_("role"), max_length=12, choices=DelegateRole.choices)
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("delegate")
        verbose_name_plural = _("delegates")
        constraints = [
            models.UniqueConstraint(
                fields=["delegation", "user"],
                condition=Q(until__isnull=True),
                name="consultation_delegate_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"


class Meeting(models.Model):
    forum = models.ForeignKey(Forum, on_delete=models.PROTECT, related_name="meetings")
    starts_at = models.DateTimeField(_("starts at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    minutes_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return f"{self.forum} {self.starts_at:%Y-%m-%d}"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(_("title"), max_length=300)
    proposal = models.ForeignKey(
        "Proposal", on_delete=models.PROTECT, null=True, blank=True, related_name="agenda_items"
    )

    class Meta:
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="consultation_agenda_no"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    delegation = models.ForeignKey(Delegation, on_delete=models.PROTECT)
    present = models.BooleanField(_("present"))
    persons = models.PositiveSmallIntegerField(_("persons"), default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "delegation"], name="consultation_attend"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} / {self.delegation.member_id}"


class Subject(models.TextChoices):
    """What a consultation decides. The major ones gate a publication in their own app."""

    CONTRIBUTION_ROUND = "finance.contribution_round", _("A fund contribution round (cost sharing)")
    JOINT_PROJECT = "finance.joint_project", _("A joint project's cost sharing")
    FUND_BUDGET = "finance.fund_budget", _("A fund's annual budget")
    ROUND_POLICY = "talent.round_policy", _("An exchange round's policy")
    JOINT_PLAN = "planning.plan", _("A joint plan")
    OTHER = "other", _("Another matter")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CIRCULATED = "circulated", _("Circulated")
    COMMENTS = "comments", _("Comment window open")
    POSITIONS = "positions", _("Positions window open")
    ESCALATED = "escalated", _("Escalated to a higher level")
    ADOPTED = "adopted", _("Adopted")
    FAILED = "failed", _("Failed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_STATUSES = [Status.CIRCULATED, Status.COMMENTS, Status.POSITIONS, Status.ESCALATED]
FINAL_STATUSES = [Status.ADOPTED, Status.FAILED, Status.WITHDRAWN]


class Proposal(models.Model):
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="proposals")
    forum = models.ForeignKey(
        Forum, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("forum")
    )
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    major = models.BooleanField(_("major decision"), default=False)
    subject = models.CharField(
        _("subject"), max_length=40, choices=Subject.choices, default=Subject.OTHER
    )
    # the object the decision is about in its own app (a round's or project's primary key)
    subject_id = models.CharField(_("object"), max_length=64, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    # the rule as proposed; frozen on the first ballot when the proposal is circulated
    rule = models.JSONField(_("decision rule"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    circulated_at = models.DateTimeField(null=True, blank=True)
    comments_open_at = models.DateTimeField(null=True, blank=True)
    comments_close_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        constraints = [
            models.UniqueConstraint(fields=["body", "number"], name="consultation_proposal_no"),
        ]
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"#{self.number} {self.title}"

    @property
    def current_version(self) -> ProposalVersion | None:
        return self.versions.order_by("-number").first()


class ProposalVersion(models.Model):
    """One immutable version of the text, as numbered paragraphs."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    paragraphs = models.JSONField()
    content_hash = models.CharField(max_length=64)
    # why this version exists, as a code: "draft", "amendments" (after the comment window)
    reason = models.CharField(max_length=20, default="draft")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["proposal", "number"], name="consultation_version_no"),
        ]
        ordering = ["proposal", "number"]

    def __str__(self) -> str:
        return f"{self.proposal} v{self.number}"


class CommentKind(models.TextChoices):
    COMMENT = "comment", _("Comment")
    AMENDMENT = "amendment", _("Amendment (proposed wording)")


class Comment(models.Model):
    """A member's comment or amendment, anchored to one paragraph of one version."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    version = models.ForeignKey(ProposalVersion, on_delete=models.PROTECT, related_name="+")
    paragraph = models.PositiveSmallIntegerField(_("paragraph"))
    delegation = models.ForeignKey(Delegation, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=CommentKind.choices)
    text = models.TextField(_("text"))
    proposed_text = models.TextField(_("proposed wording"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["proposal", "paragraph", "created_at"]

    def __str__(self) -> str:
        return f"{self.proposal} ¶{self.paragraph} ({self.delegation.member_id})"


class DispositionDecision(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    PARTLY = "partly", _("Partly accepted")
    REJECTED = "rejected", _("Rejected")


class Disposition(models.Model):
    """The secretariat's answer to one comment (every member is answered)."""

    comment = models.OneToOneField(Comment, on_delete=models.CASCADE, related_name="disposition")
    decision = models.CharField(_("decision"), max_length=10, choices=DispositionDecision.choices)
    reason = models.TextField(_("reason"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.comment}: {self.decision}"


class BallotOutcome(models.TextChoices):
    OPEN = "open", _("Open")
    ADOPTED = "adopted", _("Adopted")
    FAILED = "failed", _("Failed")
    ESCALATED = "escalated", _("Escalated")


class Ballot(models.Model):
    """The positions window at one level, under a rule frozen when it opens."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="ballots")
    number = models.PositiveSmallIntegerField()
    level = models.CharField(max_length=16, choices=Level.choices)
    version = models.ForeignKey(ProposalVersion, on_delete=models.PROTECT, related_name="+")
    rule = models.JSONField()
    # member code -> weight (population, students ...) when the rule needs one; frozen too
    population = models.JSONField(null=True, blank=True)
    members = models.JSONField()  # the member codes entitled to a position, frozen
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    outcome = models.CharField(
        max_length=10, choices=BallotOutcome.choices, default=BallotOutcome.OPEN
    )
    explanation = models.JSONField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["proposal", "number"], name="consultation_ballot_no"),
        ]
        ordering = ["proposal", "number"]

    def __str__(self) -> str:
        return f"{self.proposal} ballot {self.number} ({self.level})"


class PositionKind(models.TextChoices):
    SUPPORT = "support", _("Support")
    OPPOSE = "oppose", _("Oppose")
    ABSTAIN = "abstain", _("Abstain")
    CONSTRUCTIVE_ABSTENTION = "constructive_abstention", _("Constructive abstention")
    OBJECT = "object", _("Formal objection")
    RESERVATION = "reservation", _("Support with a reservation")


class Position(models.Model):
    """A member's position in a ballot. Appended, never edited: the latest one counts."""

    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="positions")
    delegation = models.ForeignKey(Delegation, on_delete=models.PROTECT, related_name="+")
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("position"), max_length=24, choices=PositionKind.choices)
    text = models.TextField(_("text (reservation or objection, verbatim)"), blank=True)
    cast_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["ballot", "cast_at", "id"]

    def __str__(self) -> str:
        return f"{self.delegation.member_id}: {self.kind}"


class Extension(models.Model):
    """A deadline moved: itself a recorded decision with its reason."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="extensions")
    window = models.CharField(max_length=12)  # "comments" or "positions"
    old_deadline = models.DateTimeField()
    new_deadline = models.DateTimeField()
    reason = models.TextField(_("reason"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.proposal} {self.window} -> {self.new_deadline:%Y-%m-%d}"


class Reminder(models.Model):
    """A reminder to a delegation before a deadline; sent once by the scheduler."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="reminders")
    delegation = models.ForeignKey(Delegation, on_delete=models.CASCADE, related_name="reminders")
    window = models.CharField(max_length=12)
    deadline = models.DateTimeField()
    due_at = models.DateTimeField(db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "delegation", "window", "deadline", "due_at"],
                name="consultation_reminder_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal} {self.window} reminder {self.due_at:%Y-%m-%d %H:%M}"


class CalendarNotice(models.Model):
    """The State Council's holiday arrangement for a year the packaged calendar does not know yet
    (its notice appears each November for the next year), entered by the administrator from the
    published notice: days off and make-up working days. Deadlines running into a year without
    an arrangement are refused, never guessed."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    rest_days = models.JSONField(_("days off (ISO dates)"))
    workdays = models.JSONField(_("make-up working days (ISO dates)"), default=list, blank=True)
    source = models.CharField(
        _("notice"), max_length=200, help_text=_("The notice's number, e.g. 国办发明电〔2025〕7号.")
    )

    class Meta:
        verbose_name = _("holiday notice")
        verbose_name_plural = _("holiday notices")
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year} {self.source}"

    def clean(self):
        import datetime as dt

        from django.core.exceptions import ValidationError

        from xietong.algorithms.deadlines import Notice

        try:
            Notice(
                year=self.year,
                rest_days=frozenset(dt.date.fromisoformat(str(d)) for d in self.rest_days or []),
                workdays=frozenset(dt.date.fromisoformat(str(d)) for d in self.workdays or []),
                source=self.source,
            )
        except (TypeError, ValueError) as exc:
            raise ValidationError(str(exc)) from exc
