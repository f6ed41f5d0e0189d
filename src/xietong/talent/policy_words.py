"""The rotation targets' results in the reader's language (the stored policy is structured)."""

from __future__ import annotations

from django.utils.translation import gettext as _


def missed_sentence(item: dict, names: dict[str, str]) -> str:
    county = names.get(item["county"], item["county"])
    if item["target"] == "rotation":
        return _(
            "%(county)s: %(have)s teachers rotate towards rural or weaker schools; the 10%% rule "
            "needs %(need)s"
        ) % {"county": county, "have": item["have"], "need": item["need"]}
    return _("%(county)s: %(have)s backbone teachers among them; the 20%% rule needs %(need)s") % {
        "county": county,
        "have": item["have"],
        "need": item["need"],
    }


def missed_summary(policy: dict, names: dict[str, str] | None = None, limit: int = 5) -> str:
    items = policy.get("missed") or []
    words = [missed_sentence(m, names or {}) for m in items[:limit] if isinstance(m, dict)]
    more = len(items) - len(words)
    if more > 0:
        words.append(_("and %(n)s more") % {"n": more})
    return "; ".join(words)
