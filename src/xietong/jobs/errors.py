"""How a job fails: a code and its parameters, never a sentence (rendered by words.py)."""

from __future__ import annotations


class JobError(Exception):
    """Raised by a job's ``run`` to fail it with ``code`` and ``params`` (JSON)."""

    def __init__(self, code: str, **params) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


class Superseded(Exception):
    """This attempt no longer owns its job (its heartbeat stopped, and the job was re-queued or
    failed meanwhile): whatever it was about to commit is rolled back."""
