"""Run as a script by the worker-process tests: builds, changes and reads a database of its
own (DATABASE_URL), as the command line would, outside the test run's database.

    python tests/jobs/scenario.py setup TEACHERS    # demo region, a round ready to match
    python tests/jobs/scenario.py submit match|evaluation|import
    python tests/jobs/scenario.py state
"""

from __future__ import annotations

import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xietong.settings")

import django  # noqa: E402

django.setup()

from django.utils import translation  # noqa: E402


def setup(teachers: int) -> dict:
    from django.core.management import call_command

    from xietong.regions.services import jurisdictions_load, standard_areas_ensure
    from xietong.schools.demo import demo_load
    from xietong.talent.demo import talent_demo_load

    call_command("migrate", interactive=False, verbosity=0)
    jurisdictions_load()
    standard_areas_ensure()
    demo_load(scale=0.01, years=(2024,))
    r = talent_demo_load(teachers=teachers, choices=10, until="ranking")
    return {"round": r["round"], "status": r["status"], "teachers": r["teachers"]}


def _round():
    from xietong.talent.models import ExchangeRound

    return ExchangeRound.objects.get(is_synthetic=True)


HISTORY_YEARS = range(2018, 2020)


def _history_file() -> bytes:
    """Two past years of every school's raw statistics: a large file, seconds to write."""
    from xietong.schools.catalogue import RAW_CODES
    from xietong.schools.models import School
    from xietong.tabular import write_csv

    rows = [
        [code, year, *[(i * 7 + year + k) % 900 + 1 for k in range(len(RAW_CODES))]]
        for i, code in enumerate(School.objects.order_by("code").values_list("code", flat=True))
        for year in HISTORY_YEARS
    ]
    return write_csv(rows, ["school_code", "year", *RAW_CODES])


def submit_import() -> dict:
    from xietong.schools.job_kinds import statistics_import_submit

    data = _history_file()
    job, created = statistics_import_submit(data=data, filename="history.csv", actor=None)
    return {"job": job.pk, "created": created, "bytes": len(data)}


def submit(kind: str) -> dict:
    if kind == "import":
        return submit_import()
    from xietong.accounts.models import User
    from xietong.evaluation.job_kinds import run_submit
    from xietong.regions.models import CooperationArea
    from xietong.talent.job_kinds import match_submit

    sec = User.objects.get(username="jjj-secretariat")
    if kind == "match":
        job, created = match_submit(rnd=_round(), actor=sec)
    else:
        job, created = run_submit(
            standard="basic-balance-2012",
            stage="primary",
            year=2024,
            area=CooperationArea.objects.get(slug="jjj"),
            actor=sec,
        )
    return {"job": job.pk, "created": created}


def state() -> dict:
    from django_tasks_db.models import DBTaskResult

    from xietong.audit.services import verify_chain
    from xietong.evaluation.models import EvaluationRun
    from xietong.jobs.models import Job
    from xietong.schools.models import SchoolStatistic

    rnd = _round()
    return {
        "jobs": [
            {
                "id": j.pk,
                "kind": j.kind,
                "status": j.status,
                "attempts": j.attempts,
                "error_code": j.error_code,
                "result": j.result,
            }
            for j in Job.objects.order_by("pk")
        ],
        "round": {
            "status": rnd.status,
            "placements": rnd.placements.count(),
            "applications": rnd.applications.count(),
            "effect_state": rnd.effect.get("matched_at"),
            "matched_at": rnd.matched_at.isoformat() if rnd.matched_at else None,
        },
        "evaluation_runs": EvaluationRun.objects.count(),
        "history_values": SchoolStatistic.objects.filter(
            year__gte=HISTORY_YEARS.start, year__lt=HISTORY_YEARS.stop
        ).count(),
        "tasks_running": DBTaskResult.objects.filter(status="RUNNING").count(),
        "audit_ok": verify_chain().ok,
    }


if __name__ == "__main__":
    command, *rest = sys.argv[1:]
    with translation.override("en"):
        if command == "setup":
            out = setup(int(rest[0]))
        elif command == "submit":
            out = submit(rest[0])
        else:
            out = state()
    print(json.dumps(out))
