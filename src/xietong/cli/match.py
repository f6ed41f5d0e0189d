"""`xietong match`: queue the matching of an exchange round and follow its job."""

from __future__ import annotations

import sys

from .common import actor_named, django_setup, follow_job


def cmd_match(args) -> int:
    """Queue the matching of a round and follow it (a worker runs it)."""
    django_setup()
    from django.utils import translation

    from xietong.talent.job_kinds import match_submit
    from xietong.talent.models import ExchangeRound

    with translation.override("en"):
        rnd = ExchangeRound.objects.filter(pk=args.round).first()
        if rnd is None:
            print(f"xietong: no exchange round {args.round}", file=sys.stderr)
            return 2
        try:
            job, created = match_submit(rnd=rnd, actor=actor_named(args.as_user))
        except ValueError as exc:
            print(f"xietong: {exc}", file=sys.stderr)
            return 1
        print(
            f"Job #{job.pk} {'queued' if created else 'already ' + job.status}; "
            "a worker (`xietong worker`) runs it.",
            file=sys.stderr,
        )
        return 0 if args.no_wait else follow_job(job, unit=" teachers")


def add_parsers(sub) -> None:
    """`match`."""
    mt = sub.add_parser("match", help="queue the matching of an exchange round and follow it")
    mt.add_argument("round", type=int, help="the round's id")
    mt.add_argument("--as", dest="as_user", help="act with this user's scope (default: operator)")
    mt.add_argument("--no-wait", action="store_true", help="queue it and exit")
    mt.set_defaults(func=cmd_match)
