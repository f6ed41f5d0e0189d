"""Minutes of a decided consultation as a DOCX document, in zh-Hans or English: the text voted on,
the rule applied, every member's position in every ballot (reservations and objections verbatim),
the outcome with its explanation, and the comments with their disposition."""

from __future__ import annotations

import io

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import selectors, words
from .models import Proposal


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "—"


def docx(p: Proposal, *, lang: str = "zh-hans") -> bytes:
    import docx as python_docx

    lang = "en" if str(lang).lower().startswith("en") else "zh-hans"
    with translation.override(lang):
        doc = python_docx.Document()
        doc.add_heading(_("Minutes of consultation #%(n)s") % {"n": p.number}, level=0)
        doc.add_paragraph(f"{p.body.name} · {p.forum.name}")
        doc.add_heading(p.title, level=1)
        table = doc.add_table(rows=0, cols=2)
        for label, value in (
            (_("Status"), p.get_status_display()),
            (_("Major decision"), _("yes") if p.major else _("no")),
            (_("Subject"), p.get_subject_display()),
            (_("Circulated"), _when(p.circulated_at)),
            (_("Decided"), _when(p.decided_at)),
            (_("Decision rule"), words.rule_text(p.rule)),
        ):
            row = table.add_row().cells
            row[0].text, row[1].text = str(label), str(value)
        for ballot, rows in selectors.ballot_rows(proposal=p):
            doc.add_heading(
                _("Ballot %(n)s: %(level)s")
                % {"n": ballot.number, "level": ballot.get_level_display()},
                level=2,
            )
            doc.add_paragraph(
                _("Rule applied: %(r)s. Window %(a)s – %(b)s (Asia/Shanghai). Text: version %(v)s.")
                % {
                    "r": words.rule_text(ballot.rule),
                    "a": _when(ballot.opens_at),
                    "b": _when(ballot.closes_at),
                    "v": ballot.version.number,
                }
            )
            t = doc.add_table(rows=1, cols=3)
            t.rows[0].cells[0].text = _("Member")
            t.rows[0].cells[1].text = _("Position")
            t.rows[0].cells[2].text = _("Text (verbatim)")
            for member, label, text in words.positions_summary(ballot, rows):
                cells = t.add_row().cells
                cells[0].text, cells[1].text, cells[2].text = str(member), str(label), text
            doc.add_paragraph(_("Outcome: %(o)s") % {"o": ballot.get_outcome_display()})
            for line in words.explanation_lines(ballot.explanation):
                doc.add_paragraph(line, style="List Bullet")
        doc.add_heading(_("Text (version %(v)s)") % {"v": p.current_version.number}, level=2)
        for i, para in enumerate(p.current_version.paragraphs, start=1):
            doc.add_paragraph(f"{i}. {para}")
        comments = selectors.comment_rows(proposal=p)
        if comments:
            doc.add_heading(_("Comments and their disposition"), level=2)
            t = doc.add_table(rows=1, cols=4)
            for cell, head in zip(
                t.rows[0].cells,
                (_("Member"), _("Paragraph"), _("Comment"), _("Answer")),
                strict=True,
            ):
                cell.text = str(head)
            for c in comments:
                cells = t.add_row().cells
                d = getattr(c, "disposition", None)
                cells[0].text = c.delegation.member.display_name
                cells[1].text = str(c.paragraph)
                cells[2].text = c.text + (f"\n→ {c.proposed_text}" if c.proposed_text else "")
                cells[3].text = (
                    f"{d.get_decision_display()}: {d.reason}" if d else _("not answered")
                )
        out = io.BytesIO()
        doc.save(out)
        return out.getvalue()
