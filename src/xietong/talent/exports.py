"""Tables of a round that can be long (its placements: one row per teacher who applied, up to
100,000): the page answers a short one at once and hands a long one to an export job
(``web.downloads.download_or_job``), which reads through the same scoped selectors as its
requester when it runs."""

from __future__ import annotations

from xietong.accounts.scope import scope_for
from xietong.jobs.errors import JobError
from xietong.jobs.exports import ExportTable, register_export

from . import selectors

RESULTS = "talent.round_results"


def result_rows(qs) -> list[dict]:
    """A round's placements as the results download's rows (teacher codes, no names)."""
    return [
        {
            "teacher": p.teacher.code,
            "home_school": p.teacher.school.code,
            "post": p.post.code if p.post_id else "",
            "host_school": p.post.host_school.code if p.post_id else "",
            "choice_rank": None if p.choice_rank is None else p.choice_rank + 1,
            "stays_home": int(p.post_id is None),
            "why_not": "; ".join(
                f"{w['post']}:{w['reason']}:{w.get('your_points')}<{w.get('cutoff_points')}"
                for w in p.why_not
            ),
        }
        for p in qs.iterator(chunk_size=5000)
    ]


def records_table(rows: list[dict], filename: str) -> ExportTable:
    """Dictionaries as a table, the keys of the first row as the header (as
    ``web.downloads.records_download`` writes them)."""
    header = list(rows[0]) if rows else ["empty"]
    return ExportTable(
        filename=filename, header=header, rows=[[r.get(h) for h in header] for r in rows]
    )


def _placements(actor, rnd_id: int, q: str):
    scope = scope_for(actor)
    rnd = selectors.round_get(scope=scope, pk=rnd_id)
    if rnd is None:
        raise JobError("not_found")
    return rnd, selectors.placements(scope=scope, rnd=rnd, teacher_prefix=q)


def results_table(*, actor, round: int, q: str = "") -> ExportTable:
    """The round's results the requester may see (``selectors.placements``)."""
    rnd, qs = _placements(actor, round, q)
    return records_table(result_rows(qs), f"round-{rnd.pk}-results")


register_export(RESULTS, results_table)
