"""The inline styles plotly.js makes, as CSP hash sources, so style-src needs no 'unsafe-inline'.

plotly.js puts its own CSS into two kinds of <style> element at run time: one per page it creates
empty and fills through the CSSOM (``insertRule``, which CSP does not govern), and one with the map
(MapLibre) stylesheet as text. A hash source allows exactly that text and nothing else, so an
injected <style> stays blocked. The map stylesheet's hash is read from the bundle we serve, which
keeps it right when plotly is upgraded. Plain Python (no Django): settings import it.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import re
from functools import cache
from pathlib import Path

# document.createElement("style"); e.id="..."; e.textContent='...css...'
_STYLE_TEXT = re.compile(
    r'createElement\("style"\);?\w+\.id="[^"]*",\w+\.textContent=\'((?:[^\'\\]|\\.)*)\''
)


def csp_hash(text: str) -> str:
    """The CSP hash source of an inline element's text: ``'sha256-<base64>'``."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def plotly_bundle() -> Path | None:
    """plotly.min.js as shipped in the plotly package (found without importing plotly)."""
    spec = importlib.util.find_spec("plotly")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "package_data" / "plotly.min.js"
    return path if path.is_file() else None


@cache
def plotly_style_hashes() -> tuple[str, ...]:
    """Hash sources for the empty <style> and each stylesheet text in the plotly.js bundle."""
    hashes = [csp_hash("")]
    bundle = plotly_bundle()
    if bundle is not None:
        source = bundle.read_text(encoding="utf-8")
        hashes += [csp_hash(m.group(1)) for m in _STYLE_TEXT.finditer(source)]
    return tuple(dict.fromkeys(hashes))
