"""Reference data and files: divisions, their changes and outlines, statistics imports,
exports and templates."""

from __future__ import annotations

import sys
from pathlib import Path

from .common import (
    actor_named,
    django_setup,
    follow_job,
    import_file,
    import_refused,
    in_english,
    job_outcome,
    migrate,
    progress_bar,
)


def cmd_load_divisions(args) -> int:
    django_setup()
    migrate()
    from xietong.regions.services import jurisdictions_load, standard_areas_ensure

    r = jurisdictions_load()
    standard_areas_ensure()
    print(
        f"Divisions: {r['divisions']} ({r['created']} new, {r['updated']} updated); cooperation areas ensured."
    )
    return _division_changes(args)


def cmd_load_boundaries(args) -> int:
    """Division outlines from a GeoJSON file, all or nothing (see docs/maps.md)."""
    django_setup()
    migrate()
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


@in_english
def cmd_import(args) -> int:
    from xietong.schools.services import statistics_import
    from xietong.schools.tabular import ImportFailed

    given = import_file(args.file)
    if isinstance(given, int):
        return given
    path, data = given
    if not args.inline:
        from xietong.jobs.imports import runs_as_job

        if runs_as_job(data):  # past XIETONG_IMPORT_JOB_BYTES: a job, as on the page
            return _import_as_job(args, data, path)
    parse_bar = progress_bar(None, "checking rows")
    write_bar = progress_bar(None, "writing")
    try:
        result = statistics_import(
            data=data,
            filename=path.name,
            actor=actor_named(args.as_user),
            progress=write_bar.update,
            parse_progress=lambda n: parse_bar.update(n),
        )
    except ImportFailed as exc:
        return import_refused(exc, path, parse_bar, write_bar)
    parse_bar.close()
    write_bar.close()
    print(
        f"Imported {result.values} values ({result.rows} rows, {result.schools} schools, "
        f"years {', '.join(map(str, result.years))}): {result.created} new, {result.updated} updated."
        + (f" Read as {result.encoding} text." if result.encoding else "")
    )
    return 0


def _import_as_job(args, data: bytes, path: Path) -> int:
    """Queue the import as a job and follow it with a bar while a worker runs it; when no
    worker takes it within ``--worker-wait`` seconds, run the job here (the same job, audited
    the same way, its bar fed by its own progress)."""
    from xietong.schools.job_kinds import statistics_import_submit
    from xietong.tabular import ImportFailed

    try:
        job, created = statistics_import_submit(
            data=data, filename=path.name, actor=actor_named(args.as_user)
        )
    except ImportFailed as exc:  # unreadable at all: refused before it is queued
        print(f"xietong: {exc}", file=sys.stderr)
        return 1
    print(
        f"Job #{job.pk} {'queued' if created else 'already ' + job.status}: "
        f"{path.name} ({len(data)} bytes) is imported by a worker (`xietong worker`).",
        file=sys.stderr,
    )
    if args.no_wait:
        return 0
    if _claimed_within(job, args.worker_wait):
        return follow_job(job)
    print(
        f"No worker took job #{job.pk} in {args.worker_wait:g} s; running it here.", file=sys.stderr
    )
    return _run_here(job)


def _claimed_within(job, seconds: float) -> bool:
    import time

    from xietong.jobs.models import Job, JobStatus

    deadline = time.monotonic() + max(seconds, 0)
    while True:
        if Job.objects.filter(pk=job.pk).exclude(status=JobStatus.QUEUED).exists():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.25)


def _run_here(job) -> int:
    """The queued job, run in this process (a worker that takes its task later finds it no
    longer queued and does nothing)."""
    from xietong.jobs import runner, words
    from xietong.jobs.models import Job

    bar = progress_bar(None, "checking rows")

    def observe(state: dict) -> None:
        if state.get("stage"):
            bar.set_description(words.stage_label(Job(stage=state["stage"], status="running")))
        bar.n = state.get("done") or 0
        bar.refresh()

    runner.execute(job.pk, thread=False, observer=observe)
    bar.close()
    return job_outcome(Job.objects.get(pk=job.pk))


def cmd_export(args) -> int:
    django_setup()
    from xietong.accounts.scope import scope_for
    from xietong.schools.selectors import export_rows
    from xietong.schools.tabular import write_csv, write_xlsx

    scope = scope_for(actor_named(args.as_user))
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


def add_parsers(sub) -> None:
    """`load-divisions`, `load-boundaries`, `import`, `export` and `template`."""
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
    _add_load_boundaries(sub)
    _add_files(sub)


def _add_load_boundaries(sub) -> None:
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


def _add_files(sub) -> None:
    imp = sub.add_parser("import", help="import data files")
    imp_sub = imp.add_subparsers(dest="what", required=True)
    st = imp_sub.add_parser(
        "statistics", help="school statistics from CSV or XLSX (all or nothing)"
    )
    st.add_argument("file")
    st.add_argument("--as", dest="as_user", help="act with this user's scope (default: operator)")
    how = st.add_mutually_exclusive_group()
    how.add_argument(
        "--inline",
        action="store_true",
        help="import here and now with a progress bar, whatever the file's size",
    )
    how.add_argument(
        "--no-wait",
        action="store_true",
        help="a large file: queue its import job and exit (follow it on /jobs/ID/)",
    )
    st.add_argument(
        "--worker-wait",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="a large file: run its job here when no worker takes it in this time (default 10)",
    )
    st.set_defaults(func=cmd_import)
    from . import partnerships

    partnerships.add_import(imp_sub)

    exp = sub.add_parser("export", help="export data files")
    exp_sub = exp.add_subparsers(dest="what", required=True)
    ex = exp_sub.add_parser("statistics", help="school statistics to CSV or XLSX (template layout)")
    ex.add_argument("file")
    ex.add_argument("--within", help="12-digit jurisdiction code")
    ex.add_argument("--year", type=int, action="append")
    ex.add_argument("--as", dest="as_user")
    ex.set_defaults(func=cmd_export)
    partnerships.add_export(exp_sub)

    from xietong.resources.cli import register_files

    register_files(
        imp_sub,
        exp_sub,
        setup=lambda: (django_setup(), migrate()),
        actor=lambda name: actor_named(name),
    )

    tp = sub.add_parser("template", help="write an empty import template")
    tp_sub = tp.add_subparsers(dest="what", required=True)
    tps = tp_sub.add_parser("statistics")
    tps.add_argument("file")
    tps.set_defaults(func=cmd_template)
