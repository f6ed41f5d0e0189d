"""``xietong resources ...``: the teaching-resource catalogue's commands (xietong.resources.cli)."""

from __future__ import annotations

from .common import django_setup, migrate


def add_parsers(sub) -> None:
    from xietong.resources.cli import register, register_harvest

    register(sub, setup=lambda: (django_setup(), migrate()))
    register_harvest(sub, setup=lambda: (django_setup(), migrate()))
