"""The `xietong` command."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def _settings():
    """Django's settings, or a plain message and exit status 2 when they refuse to load (no
    SECRET_KEY in production)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xietong.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        settings.INSTALLED_APPS  # noqa: B018 - loads the settings module
    except ImproperlyConfigured as exc:
        print(f"xietong: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    return settings


def _setup() -> None:
    import django

    settings = _settings()
    django.setup()
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        Path(db["NAME"]).parent.mkdir(parents=True, exist_ok=True)


def _migrate(verbosity: int = 0) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)


def _bar(total: int | None, desc: str):
    from tqdm import tqdm

    return tqdm(
        total=total, desc=desc, unit=" values", unit_scale=True, disable=None, file=sys.stderr
    )


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
    _setup()
    from django.conf import settings

    from xietong.demo import full_demo_load
    from xietong.schools.demo import DEMO_PASSWORD

    db = settings.DATABASES["default"]
    print(f"Database: {db['ENGINE'].rsplit('.', 1)[-1]} {db['NAME']}")
    _migrate()
    bar = _bar(None, "demo statistics")
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

    _setup()
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
    _migrate()
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

    _setup()
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


def _follow(job) -> int:
    """A progress bar of a job until it ends; the exit status says how it ended."""
    import time

    from tqdm import tqdm

    from xietong.jobs import words
    from xietong.jobs.models import Job

    bar = tqdm(desc=job.kind, unit=" teachers", disable=None, file=sys.stderr)
    while True:
        job = Job.objects.get(pk=job.pk)
        bar.set_description(words.stage_label(job))
        if job.total is not None and bar.total != job.total:
            bar.reset(total=job.total)
        bar.n = job.done
        bar.refresh()
        if not job.active:
            break
        time.sleep(0.5)
    bar.close()
    if job.status == "failed":
        print(f"Job #{job.pk} failed: {words.error_message(job)}", file=sys.stderr)
        return 1
    print(f"Job #{job.pk} succeeded: {job.result}")
    return 0


def cmd_match(args) -> int:
    """Queue the matching of a round and follow it (a worker runs it)."""
    _setup()
    from django.utils import translation

    from xietong.talent.job_kinds import match_submit
    from xietong.talent.models import ExchangeRound

    with translation.override("en"):
        rnd = ExchangeRound.objects.filter(pk=args.round).first()
        if rnd is None:
            print(f"xietong: no exchange round {args.round}", file=sys.stderr)
            return 2
        try:
            job, created = match_submit(rnd=rnd, actor=_actor(args.as_user))
        except ValueError as exc:
            print(f"xietong: {exc}", file=sys.stderr)
            return 1
        print(
            f"Job #{job.pk} {'queued' if created else 'already ' + job.status}; "
            "a worker (`xietong worker`) runs it.",
            file=sys.stderr,
        )
        return 0 if args.no_wait else _follow(job)


def cmd_migrate(args) -> int:
    _setup()
    _migrate(verbosity=1)
    return 0


def _actor(username: str | None):
    if not username:
        return None
    from xietong.accounts.models import User

    user = User.objects.filter(username=username).first()
    if user is None:
        raise SystemExit(f"xietong: no user named {username!r}")
    return user


def cmd_import(args) -> int:
    _setup()
    from django.utils import translation

    with translation.override("en"):  # the command speaks English, its problems too
        return _import_statistics(args)


def _import_statistics(args) -> int:
    from xietong.schools.services import statistics_import
    from xietong.schools.tabular import ImportFailed
    from xietong.tabular import Limits

    path = Path(args.file)
    if not path.is_file():
        print(f"xietong: {path}: no such file", file=sys.stderr)
        return 2
    limit = Limits.from_settings().max_bytes
    if path.stat().st_size > limit:
        print(
            f"xietong: {path}: the file is {path.stat().st_size} bytes; files up to {limit} bytes "
            "can be imported (XIETONG_UPLOAD_MAX_BYTES); split it into smaller files",
            file=sys.stderr,
        )
        return 1
    data = path.read_bytes()
    parse_bar = _bar(None, "checking rows")
    write_bar = _bar(None, "writing")
    try:
        result = statistics_import(
            data=data,
            filename=path.name,
            actor=_actor(args.as_user),
            progress=write_bar.update,
            parse_progress=lambda n: parse_bar.update(n),
        )
    except ImportFailed as exc:
        parse_bar.close()
        write_bar.close()
        print(f"{exc.total} problem(s) in {path}; nothing was imported.", file=sys.stderr)
        for p in exc.problems:
            print(f"  {p}", file=sys.stderr)
        if exc.total > len(exc.problems):
            print(f"  ... and {exc.total - len(exc.problems)} more", file=sys.stderr)
        return 1
    parse_bar.close()
    write_bar.close()
    print(
        f"Imported {result.values} values ({result.rows} rows, {result.schools} schools, "
        f"years {', '.join(map(str, result.years))}): {result.created} new, {result.updated} updated."
        + (f" Read as {result.encoding} text." if result.encoding else "")
    )
    return 0


def cmd_export(args) -> int:
    _setup()
    from xietong.accounts.scope import scope_for
    from xietong.schools.selectors import export_rows
    from xietong.schools.tabular import write_csv, write_xlsx

    scope = scope_for(_actor(args.as_user))
    header, rows = export_rows(scope=scope, within=args.within, years=args.year or None)
    path = Path(args.file)
    data = write_xlsx(rows, header) if path.suffix.lower() == ".xlsx" else write_csv(rows, header)
    path.write_bytes(data)
    print(f"Wrote {len(rows)} school-year rows to {path}")
    return 0


def cmd_template(args) -> int:
    from xietong.schools.tabular import template_header, write_csv, write_xlsx

    path = Path(args.file)
    header = template_header()
    path.write_bytes(
        write_xlsx([], header) if path.suffix.lower() == ".xlsx" else write_csv([], header)
    )
    print(f"Wrote the statistics template to {path}")
    return 0


def cmd_audit_verify(args) -> int:
    _setup()
    from django.db import connection

    from xietong.audit import triggers
    from xietong.audit.services import checkpoint_file_read, verify_chain
    from xietong.audit.signing import load_public_key

    try:
        keys = [load_public_key(Path(f).read_bytes(), f) for f in getattr(args, "public_key", [])]
        held = [
            checkpoint_file_read(data=Path(f).read_bytes(), source=f)
            for f in getattr(args, "checkpoint", [])
        ]
    except (OSError, ValueError) as exc:
        print(f"xietong: {exc}", file=sys.stderr)
        return 2
    report = verify_chain(checkpoints=held, trusted_keys=keys)
    missing = triggers.missing(connection)
    if missing:
        print(
            f"AUDIT TRIGGERS MISSING: {', '.join(missing)}. The database no longer refuses "
            "changes to the audit tables; `xietong migrate` puts the triggers back.",
            file=sys.stderr,
        )
    if not report.ok:
        where = f" at entry #{report.first_bad_seq}" if report.first_bad_seq else ""
        row = f" (row id {report.first_bad_id})" if report.first_bad_id else ""
        print(
            f"AUDIT CHAIN BROKEN{where}{row}: {report.problem}. "
            f"{report.checked} entries before it verified.",
            file=sys.stderr,
        )
        return 1
    extends = "".join(
        f"; it extends {c.label} (entry #{c.checkpoint.size}, {c.checkpoint.issued_at})"
        for c in held
    )
    print(f"Audit chain intact: {report.checked} entries verified{extends}.")
    return 1 if missing else 0


def cmd_audit_checkpoint(args) -> int:
    _setup()
    import json

    from xietong.audit.models import AuditCheckpoint
    from xietong.audit.services import (
        ChainBroken,
        audit_checkpoint_due,
        audit_checkpoint_issue,
        checkpoint_of,
    )

    if args.if_changed and not audit_checkpoint_due():
        row = AuditCheckpoint.objects.order_by("-id").first()
        note = "nothing new since the latest checkpoint; kept"
    else:
        try:
            row = audit_checkpoint_issue(actor=None)
        except ChainBroken as exc:
            print(f"AUDIT CHAIN BROKEN: {exc}. No checkpoint was issued.", file=sys.stderr)
            return 1
        note = "issued"
    document = json.dumps(checkpoint_of(row).document(), indent=2) + "\n"
    if not args.out:
        sys.stdout.write(document)
        return 0
    Path(args.out).write_text(document, encoding="utf-8")
    print(
        f"Checkpoint #{row.pk} {note}: {row.size} entries, head {row.head_hash}, "
        f"key {row.key_id}; written to {args.out}"
    )
    return 0


def cmd_audit_public_key(args) -> int:
    _setup()
    from xietong.audit.signing import key_id, public_key, public_key_pem

    key = public_key()
    if args.out:
        Path(args.out).write_text(public_key_pem(key), encoding="ascii")
        print(f"Public key {key_id(key)} written to {args.out}")
    else:
        sys.stdout.write(public_key_pem(key))
    return 0


def cmd_load_divisions(args) -> int:
    _setup()
    _migrate()
    from xietong.regions.services import jurisdictions_load, standard_areas_ensure

    r = jurisdictions_load()
    standard_areas_ensure()
    print(
        f"Divisions: {r['divisions']} ({r['created']} new, {r['updated']} updated); cooperation areas ensured."
    )
    return _division_changes(args)


def cmd_load_boundaries(args) -> int:
    """Division outlines from a GeoJSON file, all or nothing (see docs/maps.md)."""
    _setup()
    _migrate()
    from django.utils import translation

    from xietong.regions.boundaries import BoundaryFileError, BoundaryLimits
    from xietong.regions.services import boundaries_load

    path = Path(args.file)
    if not path.is_file():
        print(f"xietong: {path}: no such file", file=sys.stderr)
        return 2
    limits = BoundaryLimits.from_settings()
    size = path.stat().st_size
    if size > limits.max_bytes:  # refused unread
        print(
            f"xietong: {path}: the file is {size} bytes; files up to {limits.max_bytes} bytes "
            "can be loaded (XIETONG_BOUNDARY_MAX_BYTES); simplify it first or raise the bound",
            file=sys.stderr,
        )
        return 1
    from tqdm import tqdm

    bar = tqdm(desc="checking features", unit=" features", disable=None, file=sys.stderr)
    with translation.override("en"):  # the command speaks English, its problems too
        try:
            r = boundaries_load(
                data=path.read_bytes(),
                filename=path.name,
                code_property=args.code_property,
                source=args.source or "",
                licence=args.licence or "",
                approval_number=args.approval_number or "",
                simplify=args.simplify,
                limits=limits,
                progress=bar.update,
            )
        except (BoundaryFileError, ValueError) as exc:
            bar.close()
            print(f"xietong: {exc}", file=sys.stderr)
            return 1
    bar.close()
    levels = ", ".join(f"{n} {level}" for level, n in sorted(r.by_level.items()))
    print(
        f"Boundaries: {r.features} loaded ({levels}; {r.created} new, {r.replaced} replaced"
        + (f", {r.repaired} repaired" if r.repaired else "")
        + f"); {r.points_read} positions read, {r.points_kept} kept after simplification."
    )
    if not args.approval_number:
        print(
            "Note: no --approval-number given. Maps published in China must show the "
            "审图号 of the standard map data they use.",
            file=sys.stderr,
        )
    return 0


def _division_changes(args) -> int:
    """Schools of abolished counties follow the official changes; the undecided are listed."""
    from django.utils import translation

    from xietong.schools.division_changes import division_change_apply, read_assignments

    with translation.override("en"):
        try:
            assignments = (
                read_assignments(Path(args.assign).read_bytes(), args.assign) if args.assign else {}
            )
            report = division_change_apply(actor=None, assignments=assignments)
        except (OSError, ValueError) as exc:
            print(f"Division changes: {exc}", file=sys.stderr)
            return 1
    print(
        f"Division changes: {len(report.moved)} schools moved to their county's successor; "
        f"{len(report.to_assign)} in divisions split between several wait for a county; "
        f"{len(report.to_review)} in divisions that lost part of their territory to a new one "
        "may belong there."
    )
    if report.to_assign:
        import csv

        print("Choose one county per school and pass the file with --assign FILE.csv:")
        out = csv.writer(sys.stdout, lineterminator="\n")
        out.writerow(
            ["school_code", "county_code", "name", "registered_in", "choose_from", "change"]
        )
        for s in report.to_assign:
            out.writerow([s.school, "", s.name, s.county, " ".join(s.candidates), s.change])
    return 0


SAMPLE_SCHOOLS = Path(__file__).with_name("evaluation") / "data" / "sample_schools.csv"


def cmd_evaluate(args) -> int:
    """Evaluate a school table file against a standard, without the web app or database."""
    import html as _html
    import json

    import plotly.graph_objects as go

    from xietong.algorithms import standards
    from xietong.evaluation.filetable import TableError, read_school_table, report_html

    path = Path(args.file) if args.file else SAMPLE_SCHOOLS
    if not path.is_file():
        print(f"xietong: {path}: no such file", file=sys.stderr)
        return 2
    try:
        std = standards.load_standard(args.standard)
    except ValueError as exc:
        print(f"xietong: {exc}", file=sys.stderr)
        return 2
    from tqdm import tqdm

    bar = tqdm(desc="reading rows", unit=" rows", unit_scale=True, disable=None, file=sys.stderr)
    try:
        table = read_school_table(path, by=args.by, progress=bar.update, year=args.year)
    except TableError as exc:
        bar.close()
        print(f"xietong: {exc}", file=sys.stderr)
        return 1
    bar.close()
    year = table.pop("_year", None)
    if year is not None:
        print(f"{path.name}: evaluating the rows of {year}", file=sys.stderr)
    stages = [args.stage] if args.stage else list(std.stages)
    results = {}
    for stage in stages:
        try:
            results[stage] = standards.evaluate(
                std, table, stage=stage, split_rule=args.split_rule, missing="incomplete"
            )
        except ValueError as exc:
            print(f"xietong: {path.name}: {exc}", file=sys.stderr)
            return 1
    if args.json:
        out = {
            "standard": std.id,
            "version": std.version,
            "file": path.name,
            "rows": int(len(table["school_id"])),
            "stages": {
                s: {
                    "counties": r.to_rows(),
                    "passing": r.n_passing,
                    "shortfalls": len(r.shortfall_rows()),
                    "excluded": len(r.excluded),
                    "missing": [m.as_dict() for m in r.missing],
                    "notes": [n.as_dict() for n in r.notes],
                }
                for s, r in results.items()
            },
        }
        print(json.dumps(out, ensure_ascii=False, default=lambda o: None if o != o else str(o)))
    else:
        for stage, r in results.items():
            print(
                f"\n{std.document.number} {std.title_en} - stage {stage}: "
                f"{r.n_passing} of {len(r.counties)} {args.by} groups pass"
            )
            print(f"{args.by:14} {'status':10} {'schools':>7} {'CV/rate':>8}  reasons")
            for c in r.counties[: args.limit]:
                key = c.composite_cv if c.composite_cv is not None else c.school_pass_rate
                keytxt = f"{key:8.3f}" if key is not None else f"{'-':>8}"
                reasons = ",".join(sorted({x.code for x in c.reasons}))
                print(f"{c.county:14} {c.status:10} {c.n_schools:7d} {keytxt}  {reasons}")
            if len(r.counties) > args.limit:
                print(f"... {len(r.counties) - args.limit} more (use --json or --html for all)")
            if r.missing:
                print(
                    f"{len(r.missing)} school(s) lack data the standard needs, so their "
                    f"{args.by} is 'incomplete':"
                )
                for m in r.missing[: args.limit]:
                    p = m.params
                    print(f"  {p['school_id']} ({p['county']}): {', '.join(p['columns'])}")
    if args.html:
        sections = []
        for stage, r in results.items():
            rows = r.to_rows()
            status = [row["status"] for row in rows]
            fig = go.Figure()
            for ind in std.indicator_codes:
                fig.add_trace(go.Box(y=[row[f"{ind}_cv"] for row in rows], name=ind))
            fig.update_layout(
                title=f"County CVs by indicator ({stage})", height=420, showlegend=False
            )
            counts = go.Figure(
                go.Bar(
                    x=["pass", "fail", "no_schools"],
                    y=[status.count("pass"), status.count("fail"), status.count("no_schools")],
                    marker_color=["#2e8540", "#b4232a", "#9aa6b2"],
                )
            )
            counts.update_layout(title=f"Counties by status ({stage})", height=320)
            head = "".join(
                f"<th>{_html.escape(h)}</th>"
                for h in (
                    "county",
                    "status",
                    "schools",
                    "composite CV",
                    "school pass rate",
                    "reasons",
                )
            )
            body = "".join(_report_row(row) for row in rows)
            sections.append(
                (
                    f"{stage}: {r.n_passing} of {len(r.counties)} pass",
                    counts.to_html(full_html=False, include_plotlyjs=False)
                    + fig.to_html(full_html=False, include_plotlyjs=False)
                    + f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>",
                )
            )
        Path(args.html).write_text(
            report_html(f"{std.document.number} {std.title_en} - {path.name}", sections),
            encoding="utf-8",
        )
        print(f"Report written to {args.html}", file=sys.stderr)
    return 0


def _fmt(value, spec: str) -> str:
    return "" if value is None or value != value else format(value, spec)


def _report_row(row: dict) -> str:
    import html as _html

    return (
        f"<tr><td>{_html.escape(str(row['county']))}</td><td class='{row['status']}'>{row['status']}</td>"
        f"<td>{row['n_schools']}</td><td>{_fmt(row['composite_cv'], '.3f')}</td>"
        f"<td>{_fmt(row['school_pass_rate'], '.2f')}</td><td>{_html.escape(row['reason_codes'])}</td></tr>"
    )


def cmd_manage(args) -> int:
    _settings()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["xietong manage", *args.rest])
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="xietong", description="Xietong regional education coordination platform."
    )
    sub = p.add_subparsers(dest="command", required=True)

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

    mt = sub.add_parser("match", help="queue the matching of an exchange round and follow it")
    mt.add_argument("round", type=int, help="the round's id")
    mt.add_argument("--as", dest="as_user", help="act with this user's scope (default: operator)")
    mt.add_argument("--no-wait", action="store_true", help="queue it and exit")
    mt.set_defaults(func=cmd_match)

    sub.add_parser("migrate", help="create or update the database tables").set_defaults(
        func=cmd_migrate
    )
    ld = sub.add_parser(
        "load-divisions",
        help="load the administrative divisions and areas; move schools of abolished counties",
    )
    ld.add_argument(
        "--assign",
        metavar="FILE.csv",
        help="school_code,county_code: counties chosen for schools of split divisions",
    )
    ld.set_defaults(func=cmd_load_divisions)

    lb = sub.add_parser(
        "load-boundaries",
        help="load division outlines (GeoJSON FeatureCollection keyed by division code) for maps",
    )
    lb.add_argument("file", metavar="FILE.geojson")
    lb.add_argument(
        "--code-property",
        metavar="NAME",
        help="the feature property holding the 6- or 12-digit division code (default: code, "
        "then adcode)",
    )
    lb.add_argument("--source", metavar="TEXT", help="where the data comes from (shown on maps)")
    lb.add_argument("--licence", metavar="TEXT", help="the licence the data is used under")
    lb.add_argument(
        "--approval-number",
        metavar="TEXT",
        help="the map approval number (审图号) of the standard map data, shown on every map",
    )
    from xietong.regions.boundaries import DEFAULT_TOLERANCE

    lb.add_argument(
        "--simplify",
        metavar="TOLERANCE",
        type=float,
        default=DEFAULT_TOLERANCE,
        help=f"simplification tolerance in degrees, shared borders kept (default {DEFAULT_TOLERANCE}; 0: none)",
    )
    lb.set_defaults(func=cmd_load_boundaries)

    imp = sub.add_parser("import", help="import data files")
    imp_sub = imp.add_subparsers(dest="what", required=True)
    st = imp_sub.add_parser(
        "statistics", help="school statistics from CSV or XLSX (all or nothing)"
    )
    st.add_argument("file")
    st.add_argument("--as", dest="as_user", help="act with this user's scope (default: operator)")
    st.set_defaults(func=cmd_import)

    exp = sub.add_parser("export", help="export data files")
    exp_sub = exp.add_subparsers(dest="what", required=True)
    ex = exp_sub.add_parser("statistics", help="school statistics to CSV or XLSX (template layout)")
    ex.add_argument("file")
    ex.add_argument("--within", help="12-digit jurisdiction code")
    ex.add_argument("--year", type=int, action="append")
    ex.add_argument("--as", dest="as_user")
    ex.set_defaults(func=cmd_export)

    tp = sub.add_parser("template", help="write an empty import template")
    tp_sub = tp.add_subparsers(dest="what", required=True)
    tps = tp_sub.add_parser("statistics")
    tps.add_argument("file")
    tps.set_defaults(func=cmd_template)

    au = sub.add_parser("audit", help="audit trail")
    au_sub = au.add_subparsers(dest="what", required=True)
    av = au_sub.add_parser(
        "verify", help="check the hash chain; non-zero exit names the first bad entry"
    )
    av.add_argument(
        "--checkpoint",
        action="append",
        default=[],
        metavar="FILE",
        help="a downloaded checkpoint the chain must still extend (repeatable)",
    )
    av.add_argument(
        "--public-key",
        action="append",
        default=[],
        metavar="PEM",
        help="also trust this public key (checkpoints signed before a key change)",
    )
    av.set_defaults(func=cmd_audit_verify)
    ac = au_sub.add_parser("checkpoint", help="sign and record a checkpoint of the chain")
    ac.add_argument("--out", metavar="FILE", help="write the checkpoint JSON here (else stdout)")
    ac.add_argument(
        "--if-changed", action="store_true", help="keep the latest one when nothing was added"
    )
    ac.set_defaults(func=cmd_audit_checkpoint)
    ak = au_sub.add_parser("public-key", help="print the key that verifies checkpoints (PEM)")
    ak.add_argument("--out", metavar="FILE")
    ak.set_defaults(func=cmd_audit_public_key)

    ev = sub.add_parser("evaluate", help="evaluate a school table file against a balance standard")
    ev.add_argument(
        "file",
        nargs="?",
        help="CSV or XLSX: school_id (or school_code), county, stage or school_type, students, "
        "raw indicators; also what `xietong export statistics` writes. Default: the shipped "
        "sample of 27 schools in three Langfang counties",
    )
    ev.add_argument("--year", type=int, help="the year to evaluate in a file of several years")
    ev.add_argument(
        "--standard",
        default="quality-balance-2017",
        help="built-in id (basic-balance-2012, quality-balance-2017) or a JSON file",
    )
    ev.add_argument("--by", default="county", help="column that names the county of each school")
    ev.add_argument(
        "--stage", choices=["primary", "junior"], help="default: every stage of the standard"
    )
    ev.add_argument(
        "--split-rule",
        default=None,
        choices=["physical_weighted", "proportional", "by_stage_columns", "exclude"],
        help="how combined schools are split between stages (default: the standard's own rule)",
    )
    ev.add_argument("--json", action="store_true", help="print the full result as JSON")
    ev.add_argument("--html", help="also write a self-contained HTML report with charts")
    ev.add_argument("--limit", type=int, default=40, help="rows of the printed table")
    ev.set_defaults(func=cmd_evaluate)

    from xietong.resources.cli import register as register_resources

    register_resources(sub, setup=lambda: (_setup(), _migrate()))

    m = sub.add_parser("manage", help="run a Django management command")
    m.add_argument("rest", nargs=argparse.REMAINDER)
    m.set_defaults(func=cmd_manage)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
