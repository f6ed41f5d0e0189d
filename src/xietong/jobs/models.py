"""A job as people see it: what it is for, how far it got, and how it ended.

Nothing here is prose: the stage is a code, the error a code and its parameters, both rendered in
the reader's language (:mod:`xietong.jobs.words`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    SUCCEEDED = "succeeded", _("succeeded")
    FAILED = "failed", _("failed")


ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)


class Job(models.Model):
    kind = models.CharField(max_length=40)
    # the same (kind, key) while one is queued or running is the same job (see job_submit)
    dedupe_key = models.CharField(max_length=200)
    params = models.JSONField(default=dict)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # who the job acts as: its owner; its owner through the API token it was started with
    # ("token": with that token's role limits only); the system (the command line, another job
    # of the system); or the public (an anonymous reader whose read needed a computation). A job
    # whose owner's account or token is gone acts as nobody: it fails, it never becomes the
    # system or its owner's full roles.
    acts_as = models.CharField(max_length=8, default="user")
    token = models.ForeignKey(
        "accounts.ApiToken", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # the object the job works on, for scoping and for finding a page's running job
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    language = models.CharField(max_length=10, default="zh-hans")
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    done = models.BigIntegerField(default=0)
    total = models.BigIntegerField(null=True, blank=True)
    stage = models.CharField(max_length=40, blank=True)
    # the stages of the current attempt in the order it entered them: [[stage code, ISO time]]
    steps = models.JSONField(default=list, blank=True)
    result = models.JSONField(null=True, blank=True)
    error_code = models.CharField(max_length=40, blank=True)
    error_params = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # names (jobs.files storage) of the files the job owns: its input until it ends, its output
    # until the retention period is over
    files = models.JSONField(default=list, blank=True)
    # the task that carries the current attempt, and a token only the worker running it knows
    task_id = models.CharField(max_length=64, blank=True)
    run_token = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "dedupe_key"],
                condition=Q(status__in=["queued", "running"]),
                name="job_one_active_per_key",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "succeeded", "failed"]),
                name="job_status_known",
            ),
            models.CheckConstraint(condition=Q(done__gte=0), name="job_done_not_negative"),
        ]
        indexes = [
            models.Index(fields=["status", "heartbeat_at"], name="job_status_heartbeat"),
            models.Index(fields=["object_type", "object_id"], name="job_object"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    def actor(self):
        """The user the job's services act as (None: the system)."""
        from django.contrib.auth.models import AnonymousUser

        from .errors import JobError

        if self.acts_as == "system":
            return None
        if self.acts_as == "public":
            return AnonymousUser()
        if self.owner_id is None or not self.owner.is_active:
            raise JobError("out_of_scope")
        if self.acts_as == "token":
            return self._token_actor()
        return self.owner

    def _token_actor(self):
        """The owner limited as the token was when the job was submitted: a role-bound token's
        one role, never superuser powers; a token revoked meanwhile runs nothing."""
        from xietong.accounts.scope import scope_for

        from .errors import JobError

        token = self.token
        if token is None or not token.is_active or token.user_id != self.owner_id:
            raise JobError("out_of_scope")
        user = self.owner
        user._xietong_scope = (
            scope_for(user, only=token.role_assignment)
            if token.role_assignment_id
            else scope_for(user)
        )
        user._xietong_token = token  # a job this job submits carries the same limits
        return user
