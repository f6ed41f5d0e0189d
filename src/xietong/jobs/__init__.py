"""Background jobs: long work (a round's matching, an evaluation run, a large import or export, a
round's predicted effect) runs in a worker, not in the web request.

The queue is Django's tasks API (the ``django-tasks`` backport of what Django 6 ships): the
database backend by default, a Redis (RQ) backend for deployments of several machines. What a
person sees of a job (status, progress, result, error) is our own :class:`~.models.Job` row, so
that it is the same whichever backend carries the work, and so that a job whose worker died is
found (its heartbeat stops) and re-queued or failed instead of being left "running".
"""
