"""The `xietong` command: one module per group of subcommands, each adding its own parsers.

``run`` (demo, serve, worker, migrate, manage), ``match``, ``data`` (load-divisions,
load-boundaries, import, export, template), ``audit``, ``evaluate``, ``resources``
(load-vocabulary) and ``consultation`` (tick); ``common`` holds what they share.
"""

from __future__ import annotations

import argparse

from . import audit, consultation, data, evaluate, match, resources, run
from .audit import cmd_audit_checkpoint, cmd_audit_public_key, cmd_audit_verify
from .data import cmd_export, cmd_import, cmd_load_boundaries, cmd_load_divisions, cmd_template
from .evaluate import SAMPLE_SCHOOLS, cmd_evaluate
from .match import cmd_match
from .run import cmd_demo, cmd_manage, cmd_migrate, cmd_serve, cmd_worker

__all__ = [
    "SAMPLE_SCHOOLS",
    "build_parser",
    "cmd_audit_checkpoint",
    "cmd_audit_public_key",
    "cmd_audit_verify",
    "cmd_demo",
    "cmd_evaluate",
    "cmd_export",
    "cmd_import",
    "cmd_load_boundaries",
    "cmd_load_divisions",
    "cmd_manage",
    "cmd_match",
    "cmd_migrate",
    "cmd_serve",
    "cmd_template",
    "cmd_worker",
    "main",
]

#: The groups in the order their subcommands are listed by ``xietong --help``.
GROUPS = (run, match, data, audit, evaluate, resources, consultation)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="xietong", description="Xietong regional education coordination platform."
    )
    sub = p.add_subparsers(dest="command", required=True)
    for group in GROUPS:
        group.add_parsers(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)
