"""A round's stored results in the reader's language: the rotation targets (the stored policy
is structured) and the certificate's mechanism (stored as a code)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

#: mechanism code -> (name of the mechanism, the stability its certificate checks)
MECHANISMS = {
    "da": (
        gettext_lazy("teacher-proposing deferred acceptance"),
        gettext_lazy("no blocking pair (Gale-Shapley stability)"),
    ),
    "da_regions": (
        gettext_lazy("flexible deferred acceptance (Kamada-Kojima)"),
        gettext_lazy(
            "Kamada-Kojima stability: no blocking contract under the flexible deferred acceptance "
            "choice of each area and school"
        ),
    ),
    "ir_da": (
        gettext_lazy("deferred acceptance with incumbent protection"),
        gettext_lazy(
            "no blocking pair under incumbent-protected priorities, and individual rationality"
        ),
    ),
    "tobe": (
        gettext_lazy("teacher-optimal block exchange (TO-BE)"),
        gettext_lazy(
            "two-sided individual rationality and no improving block exchange (cycles, or "
            "chains from an unplaced newcomer to a vacancy)"
        ),
    ),
}


def mechanism_words(certificate: dict) -> tuple[str, str]:
    """The mechanism and the stability checked, from a stored certificate summary."""
    code = certificate.get("mechanism") or certificate.get("mode") or ""
    name, notion = MECHANISMS.get(code, (code, ""))
    return str(name), str(notion)


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
