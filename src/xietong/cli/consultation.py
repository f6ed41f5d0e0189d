"""``xietong consultation tick``: move every open consultation on its dates and send the
reminders due, as the worker's scheduler does every minute (docs/consultation.md)."""

from __future__ import annotations

from .common import django_setup, migrate


def cmd_consultation_tick(args) -> int:
    django_setup()
    migrate()
    from xietong.consultation.services import consultations_advance_due

    out = consultations_advance_due()
    print(f"proposals moved on: {out['advanced']}, reminders sent: {out['reminders']}")
    return 0


def add_parsers(sub) -> None:
    c = sub.add_parser("consultation", help="the negotiation body's consultations")
    c_sub = c.add_subparsers(dest="what", required=True)
    t = c_sub.add_parser(
        "tick", help="open and close the windows whose dates have come, compute outcomes"
    )
    t.set_defaults(func=cmd_consultation_tick)
