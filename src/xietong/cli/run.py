"""Running Xietong: the demo, the production server, job workers, migrations and Django's
management commands."""

from __future__ import annotations

import argparse
import os
import sys

from .common import django_setup, load_settings, migrate, progress_bar


def _serve(host: str, port: int) -> None:
    """The demo's server: Django's own (a thread per request; XIETONG_DEMO closes each thread's
    database connection after its request). `xietong serve` is the production server."""
    from django.core.management import call_command

    print(f"Serving Xietong on http://{host}:{port}/  (Ctrl-C to stop)", flush=True)
    call_command("runserver", f"{host}:{port}", use_reloader=False, use_threading=True)


def _job_workers(n: int) -> list:
    """Start ``n`` `xietong worker` processes beside the web server (they stop with it)."""
    import subprocess

    return [
        subprocess.Popen([sys.executable, "-m", "xietong", "worker"], env=os.environ.copy())
        for _ in range(max(n, 0))
    ]


def _stop_workers(procs: list, timeout: float = 30) -> None:
    """SIGTERM: a worker finishes its running job and stops; one that does not in ``timeout``
    seconds is killed (its job is then re-queued by the reaper, never left running)."""
    import signal
    import subprocess

    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in procs:
        try:
            p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def cmd_demo(args) -> int:
    # the demo keeps a random SECRET_KEY in XIETONG_DATA_DIR, and its server's thread per request
    # must not keep a database connection each
    os.environ["XIETONG_DEMO"] = "1"
    os.environ["XIETONG_DB_CONN_MAX_AGE"] = "0"
    django_setup()
    from django.conf import settings

    from xietong.demo import full_demo_load
    from xietong.schools.demo import DEMO_PASSWORD

    db = settings.DATABASES["default"]
    print(f"Database: {db['ENGINE'].rsplit('.', 1)[-1]} {db['NAME']}")
    migrate()
    bar = progress_bar(None, "demo statistics")
    full = full_demo_load(
        seed=args.seed,
        scale=args.scale,
        progress=bar.update,
        say=lambda m: print(m, file=sys.stderr, flush=True),
        options={"talent": {"teachers": args.talent_teachers}},
    )
    bar.close()
    summary = full.registry
    print(
        f"Demo region: {summary.jurisdictions} jurisdictions, {summary.areas} cooperation areas, "
        f"{summary.schools} schools (synthetic), {summary.values} statistic values"
        + ("" if summary.created_schools else " (already loaded; kept)")
    )
    for name, result in full.modules.items():
        if isinstance(result, dict):
            shown = ", ".join(
                f"{k} {v}" for k, v in result.items() if not isinstance(v, dict | list)
            )
        else:
            shown = str(result)
        print(f"  {name}: {shown}")
    print(f"\nDemo users (password for all: {DEMO_PASSWORD}):")
    for u in summary.users:
        print(f"  {u.username:18} {u.role:12} {u.scope}")
    if args.no_serve:
        return 0
    workers = _job_workers(args.job_workers)
    try:
        _serve(args.host, args.port)
    finally:
        _stop_workers(workers)
    return 0


def cmd_serve(args) -> int:
    from xietong.server import gunicorn_options, run_gunicorn, serving_problem

    django_setup()
    from django.conf import settings

    problem = serving_problem(settings)
    if problem:
        print(f"xietong: {problem}", file=sys.stderr)
        return 2
    try:
        options = gunicorn_options(
            host=args.host, port=args.port, workers=args.workers, threads=args.threads
        )
    except ValueError as exc:
        print(f"xietong: {exc}", file=sys.stderr)
        return 2
    migrate()
    print(
        f"Serving Xietong on http://{args.host}:{args.port}/ with gunicorn: {args.workers} "
        f"worker(s) x {args.threads} threads (Ctrl-C to stop)",
        flush=True,
    )
    workers = _job_workers(args.job_workers)
    try:
        run_gunicorn(options)
    finally:
        _stop_workers(workers)
    return 0


def cmd_worker(args) -> int:
    """Run background jobs until stopped; --burst: the queued ones; --once: at most one."""
    import logging

    django_setup()
    from xietong.jobs.worker import backend_name, run_worker

    logging.getLogger("xietong.jobs").setLevel(logging.INFO)
    if args.concurrency < 1:
        print("xietong: --concurrency must be at least 1", file=sys.stderr)
        return 2
    extra = []
    if args.concurrency > 1:
        import subprocess

        argv = [sys.executable, "-m", "xietong", "worker", "--queue", args.queue]
        argv += ["--burst"] if args.burst else []
        argv += ["--once"] if args.once else []
        extra = [subprocess.Popen(argv) for _ in range(args.concurrency - 1)]
    print(
        f"Worker on queue {args.queue!r} ({backend_name()} backend)"
        + (", burst" if args.burst else ", once" if args.once else "; Ctrl-C to stop"),
        file=sys.stderr,
        flush=True,
    )
    try:
        run_worker(queue=args.queue, once=args.once, burst=args.burst)
    finally:
        _stop_workers(extra)
    return 0


def cmd_migrate(args) -> int:
    django_setup()
    migrate(verbosity=1)
    return 0


def cmd_manage(args) -> int:
    load_settings()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["xietong manage", *args.rest])
    return 0


def add_parsers(sub) -> None:
    """`demo`, `serve`, `worker`, `migrate` and `manage`."""
    _add_demo(sub)
    _add_serve(sub)
    _add_worker(sub)
    sub.add_parser("migrate", help="create or update the database tables").set_defaults(
        func=cmd_migrate
    )
    m = sub.add_parser("manage", help="run a Django management command")
    m.add_argument("rest", nargs=argparse.REMAINDER)
    m.set_defaults(func=cmd_manage)


def _add_demo(sub) -> None:
    d = sub.add_parser("demo", help="set up the demo region (SQLite by default) and serve it")
    d.add_argument("--no-serve", action="store_true", help="load everything, then exit")
    d.add_argument("--host", default="127.0.0.1")
    d.add_argument("--port", type=int, default=8000)
    d.add_argument("--seed", type=int, default=2024)
    d.add_argument(
        "--scale",
        type=float,
        default=0.25,
        help="fraction of the real number of schools to generate (enrolment totals are kept)",
    )
    d.add_argument(
        "--talent-teachers",
        type=int,
        default=100_000,
        help="synthetic teachers in the demo exchange round (Beijing-Tianjin-Hebei)",
    )
    d.add_argument(
        "--job-workers",
        type=int,
        default=1,
        help="`xietong worker` processes started beside the server (default 1)",
    )
    d.set_defaults(func=cmd_demo)


def _add_serve(sub) -> None:
    s = sub.add_parser(
        "serve", help="serve the web app and API (gunicorn; needs SECRET_KEY unless DEBUG=1)"
    )
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    from xietong.server import DEFAULT_THREADS, DEFAULT_WORKERS

    s.add_argument("--workers", type=int, default=DEFAULT_WORKERS, help="worker processes")
    s.add_argument(
        "--threads",
        type=int,
        default=DEFAULT_THREADS,
        help="threads per worker; the server holds at most workers x threads database connections",
    )
    s.add_argument(
        "--job-workers",
        type=int,
        default=1,
        help="`xietong worker` processes started beside the server (default 1; 0 when workers "
        "run elsewhere, see docs/deployment.md)",
    )
    s.set_defaults(func=cmd_serve)


def _add_worker(sub) -> None:
    w = sub.add_parser(
        "worker",
        help="run background jobs: matchings, evaluation runs, large imports and exports",
    )
    w.add_argument("--queue", default="default", help="the queue to take jobs from")
    w.add_argument("--burst", action="store_true", help="run the queued jobs, then exit")
    w.add_argument("--once", action="store_true", help="run at most one job, then exit")
    w.add_argument(
        "--concurrency", type=int, default=1, help="jobs at a time, one process each (default 1)"
    )
    w.set_defaults(func=cmd_worker)
