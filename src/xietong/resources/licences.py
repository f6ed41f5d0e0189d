"""Licences as SPDX expressions, and what a remix may carry.

A licence is an SPDX licence expression (SPDX Specification 2.3, Annex D: identifiers joined by
AND, OR and WITH), checked with ``license-expression`` against the SPDX licence list. Terms
agreed only within a region (say, "use inside the cooperation area's schools") are written as
``LicenseRef-<idstring>`` (Annex D, "LicenseRef-" user-defined references), which the SPDX list
does not know and Xietong accepts as such.

Remix rules (``remix_problems``), from the Creative Commons 4.0 legal code:

* ND licences (CC BY-ND 4.0 and CC BY-NC-ND 4.0, Section 2(a)(1)(B)) grant the right to
  produce Adapted Material but not to share it: a remix of an ND resource is refused;
* SA licences (CC BY-SA 4.0 and CC BY-NC-SA 4.0, Section 3(b)(1)) require Adapted Material to be
  shared under the same licence (or a later version, or one on the BY-SA compatibility list):
  the remix's licence must contain that licence;
* NC licences (Section 1(i) and 2(a)(1)) allow no commercial use of Adapted Material: the remix
  must carry an NC licence;
* BY and permissive licences (CC BY 4.0 Section 3(a); MIT; Apache-2.0) need attribution only,
  which Xietong generates (``attribution``); public-domain dedications (CC0-1.0) ask nothing;
* a ``LicenseRef-*`` term is not known to Xietong: the remix must carry the same reference;
* an expression with OR lets the remixer choose: the remix is allowed when one alternative
  allows it; with AND, every part must.
"""

from __future__ import annotations

import re
from functools import lru_cache

from django.utils.translation import gettext as _

LICENSE_REF = re.compile(r"^LicenseRef-[A-Za-z0-9.\-]+$")
REF_TOKEN = re.compile(r"LicenseRef-[A-Za-z0-9.\-]+")
MAX_LENGTH = 300


@lru_cache(maxsize=1)
def _spdx():
    from license_expression import get_spdx_licensing

    return get_spdx_licensing()


@lru_cache(maxsize=64)
def _licensing_with(refs: tuple[str, ...]):
    from license_expression import LicenseSymbol, Licensing

    base = _spdx()
    symbols = list(base.known_symbols.values()) + [LicenseSymbol(r) for r in refs]
    return Licensing(symbols)


def normalise(expression: str) -> str:
    """The canonical form of an SPDX expression (identifiers in the SPDX list's case), or a
    ValueError naming what is wrong."""
    text = (expression or "").strip()
    if not text:
        raise ValueError(_("A licence is required (an SPDX identifier such as CC-BY-4.0)."))
    if len(text) > MAX_LENGTH:
        raise ValueError(
            _("A licence expression has at most %(n)d characters.") % {"n": MAX_LENGTH}
        )
    refs = tuple(sorted(set(REF_TOKEN.findall(text))))
    licensing = _licensing_with(refs) if refs else _spdx()
    try:
        info = licensing.validate(text)
        errors, unknown_symbols = info.errors, info.invalid_symbols
        canonical = info.normalized_expression
    except Exception:  # license-expression 30.4 fails on some syntax errors ("MIT OR")
        errors, unknown_symbols, canonical = ["syntax"], [], None
    if errors or not canonical:
        unknown = ", ".join(unknown_symbols) or text
        raise ValueError(
            _(
                "“%(value)s” is not a valid SPDX licence expression (unknown or misspelt: "
                "%(unknown)s). Use an identifier of the SPDX list such as CC-BY-4.0, or "
                "LicenseRef-… for terms agreed within a region."
            )
            % {"value": text, "unknown": unknown}
        )
    return canonical


def _alternatives(expression: str) -> list[set[str]]:
    """The expression in disjunctive form: each alternative is the set of licence keys a user of
    it must honour together."""
    refs = tuple(sorted(set(REF_TOKEN.findall(expression))))
    licensing = _licensing_with(refs) if refs else _spdx()
    parsed = licensing.parse(expression)
    dnf = licensing.dnf(parsed)
    terms = dnf.args if type(dnf).__name__ == "OR" else (dnf,)
    return [{s.key for s in licensing.license_symbols(t)} for t in terms]


def _is_nd(key: str) -> bool:
    return key.startswith("CC-") and "-ND" in key


def _is_nc(key: str) -> bool:
    return key.startswith("CC-") and "-NC" in key


def _is_sa(key: str) -> bool:
    return key.startswith("CC-") and "-SA" in key


def _alternative_problems(source: set[str], target: set[str]) -> list[str]:
    codes = []
    for key in sorted(source):
        if _is_nd(key):
            codes.append(f"no_derivatives:{key}")
        elif _is_sa(key) and key not in target:
            codes.append(f"share_alike:{key}")
        elif LICENSE_REF.match(key) and key not in target:
            codes.append(f"licence_ref:{key}")
        if _is_nc(key) and not any(_is_nc(t) for t in target):
            codes.append(f"non_commercial:{key}")
    return codes


def remix_problems(source: str, target: str) -> list[str]:
    """Codes of why a remix of a resource under ``source`` may not carry ``target`` (empty: it
    may). Codes are ``rule:licence`` (no_derivatives, share_alike, non_commercial, licence_ref).

    >>> remix_problems("CC-BY-4.0", "CC-BY-NC-4.0")
    []
    >>> remix_problems("CC-BY-SA-4.0", "CC-BY-4.0")
    ['share_alike:CC-BY-SA-4.0']
    >>> remix_problems("CC-BY-ND-4.0 OR CC-BY-4.0", "MIT")
    []
    """
    best: list[str] | None = None
    targets = _alternatives(target)
    for alt in _alternatives(source):
        # the remix must honour the chosen alternative under every one of its own alternatives
        codes = sorted({c for t in targets for c in _alternative_problems(alt, t)})
        if best is None or len(codes) < len(best):
            best = codes
        if not codes:
            return []
    return best or []


def remix_problem_text(code: str) -> str:
    rule, _sep, key = code.partition(":")
    texts = {
        "no_derivatives": _("%(l)s allows no shared adaptations: it cannot be remixed."),
        "share_alike": _("%(l)s is share-alike: the remix must carry %(l)s too."),
        "non_commercial": _("%(l)s is non-commercial: the remix must carry an NC licence."),
        "licence_ref": _("%(l)s is a regional term: the remix must carry %(l)s too."),
    }
    return texts.get(rule, code) % {"l": key}
