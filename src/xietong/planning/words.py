"""The status tree (codes and exact fractions, as stored) worded for a page in the reader's
language: labels, titles, members' names and the numbers as decimals beside the fractions."""

from __future__ import annotations

from fractions import Fraction

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xietong.regions.models import Jurisdiction

from .models import bilingual

STATUS = {
    "on_track": _("On track"),
    "at_risk": _("At risk"),
    "off_track": _("Off track"),
    None: _("No status (nothing counted)"),
}
STATE = {
    "counted": _("counted"),
    "no_value": _("no value: does not count"),
    "not_started": _("not started: does not count"),
    "no_target": _("no target for the year: does not count"),
    "done": _("done"),
    "done_late": _("done late"),
    "overdue": _("overdue"),
    "pending": _("not due yet"),
}
PARTS = {
    "indicators": _("indicators"),
    "milestones": _("milestones"),
    "children": pgettext_lazy("plan tree", "items below"),
}
KIND = {"plan": _("Plan"), "goal": _("Goal"), "measure": _("Measure")}


def _num(x: str | None) -> float | None:
    return None if x is None else float(Fraction(x))


def _names(tree: dict) -> dict[str, str]:
    codes: set[str] = set()

    def walk(n):
        codes.update(i["member"] for i in n["indicators"] if i["member"])
        if n.get("lead"):
            codes.add(n["lead"])
        for c in n["children"]:
            walk(c)

    walk(tree["root"])
    return {j.code: j.display_name for j in Jurisdiction.objects.filter(code__in=codes)}


def decorate(tree: dict) -> dict:
    """A copy of the stored tree with what a page shows added to each node."""
    names = _names(tree)

    def node(n: dict, path: str) -> dict:
        out = dict(n)
        out["path"] = f"{path}/{n['code']}" if path else n["code"]
        out["title"] = bilingual(n["title_zh"], n["title_en"])
        out["kind_label"] = KIND[n["kind"]]
        out["status_label"] = STATUS[n["status"]]
        out["score_num"] = _num(n["score"])
        out["lead_name"] = names.get(n.get("lead") or "", "")
        out["parts_rows"] = [
            (PARTS[k], v, _num(v), k == n["decided_by"]) for k, v in n["parts"].items()
        ]
        out["indicators"] = [
            {
                **i,
                "name": bilingual(i["name_zh"], i["name_en"]),
                "member_name": names.get(i["member"] or "", ""),
                "state_label": STATE[i["state"]],
                "attainment_num": _num(i["attainment"]),
                "performance_num": _num(i["performance"]),
            }
            for i in n["indicators"]
        ]
        out["milestones"] = [
            {
                **m,
                "title": bilingual(m["title_zh"], m["title_en"]),
                "state_label": STATE[m["state"]],
            }
            for m in n["milestones"]
        ]
        out["children"] = [node(c, out["path"]) for c in n["children"]]
        return out

    return {**tree, "root": node(tree["root"], "")}


def flat(root: dict) -> list[dict]:
    """The decorated nodes in tree order, each with its depth (for a table)."""
    out = []

    def walk(n, depth):
        out.append({**n, "depth": depth})
        for c in n["children"]:
            walk(c, depth + 1)

    walk(root, 0)
    return out
