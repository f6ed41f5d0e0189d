"""The flows table as an export: source member x consumer member counts of resource use
(``flows.flow_matrix``, read as the requester, with the public's small cells suppressed). A
page answers it at once up to XIETONG_EXPORT_JOB_ROWS rows and hands a longer one to an export
job (``web.downloads.download_or_job``)."""

from __future__ import annotations

from xietong.jobs.exports import ExportTable, register_export

from . import flows

FLOWS = "resources.flows"
FLOWS_HEADER = ["source_member", "consumer_member", "events"]


def flows_table_of(cells: list[dict]) -> ExportTable:
    return ExportTable(
        filename="resource-flows",
        header=FLOWS_HEADER,
        rows=[[c["source"], c["consumer"], c["count"]] for c in cells],
    )


def flows_table(*, actor, period_from: str = "", period_to: str = "", kinds=()) -> ExportTable:
    cells = flows.flow_matrix(
        actor=actor, period_from=period_from, period_to=period_to, kinds=list(kinds)
    )
    return flows_table_of(cells)


register_export(FLOWS, flows_table)
