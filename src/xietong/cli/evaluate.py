"""`xietong evaluate`: a school table file against a balance standard, without the web app or
the database."""

from __future__ import annotations

import sys
from pathlib import Path

SAMPLE_SCHOOLS = Path(__file__).parents[1] / "evaluation" / "data" / "sample_schools.csv"


class _Stop(Exception):
    """A step refused: print the message and leave with the status."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def cmd_evaluate(args) -> int:
    """Evaluate a school table file against a standard, without the web app or database."""
    path = Path(args.file) if args.file else SAMPLE_SCHOOLS
    try:
        std = _standard(path, args.standard)
        table = _read_table(path, args)
        results = _evaluate_stages(std, table, path, args)
    except _Stop as stop:
        print(f"xietong: {stop}", file=sys.stderr)
        return stop.status
    if args.json:
        _print_json(std, table, path, results)
    else:
        _print_tables(std, results, args)
    if args.html:
        _write_html(std, path, results, args.html)
    return 0


def _standard(path: Path, standard: str):
    from xietong.algorithms import standards

    if not path.is_file():
        raise _Stop(f"{path}: no such file", 2)
    try:
        return standards.load_standard(standard)
    except ValueError as exc:
        raise _Stop(str(exc), 2) from None


def _read_table(path: Path, args) -> dict:
    from tqdm import tqdm

    from xietong.evaluation.filetable import TableError, read_school_table

    bar = tqdm(desc="reading rows", unit=" rows", unit_scale=True, disable=None, file=sys.stderr)
    try:
        table = read_school_table(path, by=args.by, progress=bar.update, year=args.year)
    except TableError as exc:
        raise _Stop(str(exc), 1) from None
    finally:
        bar.close()
    year = table.pop("_year", None)
    if year is not None:
        print(f"{path.name}: evaluating the rows of {year}", file=sys.stderr)
    return table


def _evaluate_stages(std, table: dict, path: Path, args) -> dict:
    from xietong.algorithms import standards

    results = {}
    for stage in [args.stage] if args.stage else list(std.stages):
        try:
            results[stage] = standards.evaluate(
                std, table, stage=stage, split_rule=args.split_rule, missing="incomplete"
            )
        except ValueError as exc:
            raise _Stop(f"{path.name}: {exc}", 1) from None
    return results


def _print_json(std, table: dict, path: Path, results: dict) -> None:
    import json

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


def _print_tables(std, results: dict, args) -> None:
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
        _print_missing(r, args)


def _print_missing(r, args) -> None:
    if not r.missing:
        return
    print(
        f"{len(r.missing)} school(s) lack data the standard needs, so their "
        f"{args.by} is 'incomplete':"
    )
    for m in r.missing[: args.limit]:
        p = m.params
        print(f"  {p['school_id']} ({p['county']}): {', '.join(p['columns'])}")


_REPORT_COLUMNS = ("county", "status", "schools", "composite CV", "school pass rate", "reasons")


def _write_html(std, path: Path, results: dict, out: str) -> None:
    from xietong.evaluation.filetable import report_html

    sections = [_html_section(std, stage, r) for stage, r in results.items()]
    Path(out).write_text(
        report_html(f"{std.document.number} {std.title_en} - {path.name}", sections),
        encoding="utf-8",
    )
    print(f"Report written to {out}", file=sys.stderr)


def _html_section(std, stage: str, r) -> tuple[str, str]:
    import html as _html

    import plotly.graph_objects as go

    rows = r.to_rows()
    status = [row["status"] for row in rows]
    fig = go.Figure()
    for ind in std.indicator_codes:
        fig.add_trace(go.Box(y=[row[f"{ind}_cv"] for row in rows], name=ind))
    fig.update_layout(title=f"County CVs by indicator ({stage})", height=420, showlegend=False)
    counts = go.Figure(
        go.Bar(
            x=["pass", "fail", "no_schools"],
            y=[status.count("pass"), status.count("fail"), status.count("no_schools")],
            marker_color=["#2e8540", "#b4232a", "#9aa6b2"],
        )
    )
    counts.update_layout(title=f"Counties by status ({stage})", height=320)
    head = "".join(f"<th>{_html.escape(h)}</th>" for h in _REPORT_COLUMNS)
    body = "".join(_report_row(row) for row in rows)
    return (
        f"{stage}: {r.n_passing} of {len(r.counties)} pass",
        counts.to_html(full_html=False, include_plotlyjs=False)
        + fig.to_html(full_html=False, include_plotlyjs=False)
        + f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>",
    )


def _fmt(value, spec: str) -> str:
    return "" if value is None or value != value else format(value, spec)


def _report_row(row: dict) -> str:
    import html as _html

    return (
        f"<tr><td>{_html.escape(str(row['county']))}</td><td class='{row['status']}'>{row['status']}</td>"
        f"<td>{row['n_schools']}</td><td>{_fmt(row['composite_cv'], '.3f')}</td>"
        f"<td>{_fmt(row['school_pass_rate'], '.2f')}</td><td>{_html.escape(row['reason_codes'])}</td></tr>"
    )


def add_parsers(sub) -> None:
    """`evaluate`."""
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
