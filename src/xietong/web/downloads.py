"""The one way a page or an API endpoint hands over a file: tables as CSV or XLSX through the
formula-safe writer (``xietong.tabular.writing``), other files as they are, always as an
attachment with its name."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.http import Http404, HttpResponse

from xietong.tabular.writing import XLSX_CONTENT_TYPE, write_csv, xlsx_bytes

CSV_CONTENT_TYPE = "text/csv"  # UTF-8, as the writer makes it


def file_download(data: bytes, *, filename: str, content_type: str) -> HttpResponse:
    resp = HttpResponse(data, content_type=content_type)
    resp["Content-Disposition"] = f'attachment; filename="{filename}"'
    return resp


def table_download(
    rows: Iterable[Sequence[object]],
    header: Sequence[object],
    *,
    filename: str,
    fmt: str = "csv",
    sheets: Sequence[tuple[str, Sequence[object], Iterable[Sequence[object]]]] = (),
) -> HttpResponse:
    """``rows`` under ``header`` as ``filename.csv`` or ``filename.xlsx`` (``sheets``: further
    XLSX sheets after the first). Another format is a 404."""
    if fmt == "csv":
        return file_download(
            write_csv(rows, header), filename=f"{filename}.csv", content_type=CSV_CONTENT_TYPE
        )
    if fmt == "xlsx":
        data = xlsx_bytes([(filename[:31], header, rows), *sheets])
        return file_download(data, filename=f"{filename}.xlsx", content_type=XLSX_CONTENT_TYPE)
    raise Http404


def records_download(rows: list[dict], *, filename: str, fmt: str = "csv") -> HttpResponse:
    """Dictionaries as a table, the keys of the first row as the header."""
    header = list(rows[0]) if rows else ["empty"]
    return table_download(
        [[r.get(h) for h in header] for r in rows], header, filename=filename, fmt=fmt
    )


def download_or_job(
    request, *, export: str, params: dict, fmt: str, rows: int, build
) -> HttpResponse:
    """Answer a table download at once, or, past XIETONG_EXPORT_JOB_ROWS rows, queue it as a job
    (``export``, registered with ``jobs.exports.register_export``) and send the requester to the
    job's page, where the file waits for them. ``build()`` gives the table for the answer at once.
    A reader who is not signed in is always answered at once: the job's file would be nobody's
    to download (only its requester fetches it, from a page behind the login)."""
    from django.shortcuts import redirect

    from xietong.jobs.exports import export_job_rows, export_submit, render

    if fmt not in ("csv", "xlsx"):
        raise Http404
    if rows > export_job_rows() and getattr(request.user, "is_authenticated", False):
        job, _created = export_submit(name=export, params=params, fmt=fmt, actor=request.user)
        return redirect("job_page", pk=job.pk)
    data, filename, content_type = render(build(), fmt)
    return file_download(data, filename=filename, content_type=content_type)
