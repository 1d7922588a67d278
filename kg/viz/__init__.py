"""The static page (graph.html): kg/viz/static/page.html, page.css and page.js, filled in
with a graph's data and vis-network (inlined, so the page loads nothing from the network).

Values reach the page in two ways only: text for the page's markup (the title, the
heading, a notice), escaped for HTML; and data as JSON in `<script type="application/
json">` blocks with `<`, `>`, `&`, U+2028 and U+2029 written as `\\u` escapes, which the
page's script reads and puts into the DOM with `textContent`, never as markup. Code
(vis-network's and the page's) is inlined with any `</script` or `</style` inside it
broken up, and allowed by its hash in the page's Content-Security-Policy. Importing this
module is cheap: no rdflib, no pyvis.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from functools import cache
from importlib import resources
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

__all__ = ["fill_page", "script_json"]

_SLOT = re.compile(r"\{\{(\w+)\}\}")
# written as \u escapes in the page's JSON, one str.replace per character (translate
# looks each character of a long non-ASCII text up in its table: about 7x slower)
_UNSAFE = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
           ("\u2029", "\\u2029"))


def script_json(value: Any) -> Markup:
    """JSON that is inert inside an HTML <script> element: `<`, `>`, `&`, U+2028 and
    U+2029 are written as \\u escapes, so no text can close the element or start markup.
    Keys sorted, no spaces: the same value gives the same bytes."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, escaped in _UNSAFE:
        text = text.replace(char, escaped)
    return Markup(text)


def _raw(text: str, element: str) -> Markup:
    """Code for a <script>/<style> element, with any `</script` or `</style` inside it
    written as `<\\/...` (equivalent in JS strings, regexes and CSS)."""
    return Markup(re.sub(rf"</(?={element})", r"<\\/", text, flags=re.IGNORECASE))


def _static(name: str) -> str:
    return resources.files("kg.viz").joinpath("static").joinpath(name).read_text(encoding="utf-8")


@cache
def _vis() -> tuple[Markup, Markup]:
    """vis-network's JS and CSS, as pyvis ships them (found without importing pyvis,
    which imports IPython)."""
    spec = find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("pyvis is not installed (graph pages inline its vis-network)")
    lib = Path(next(iter(spec.submodule_search_locations))) / "templates" / "lib" / "vis-9.1.2"
    return (_raw((lib / "vis-network.min.js").read_text(encoding="utf-8"), "script"),
            _raw((lib / "vis-network.css").read_text(encoding="utf-8"), "style"))


@cache
def _assets() -> dict[str, Markup]:
    """The code and styles every page inlines, and the CSP that allows its scripts."""
    vis_js, vis_css = _vis()
    page_js = _raw(_static("page.js"), "script")
    hashes = sorted({_csp_hash(vis_js), _csp_hash(page_js)})
    return {"vis_js": vis_js, "vis_css": vis_css, "page_js": page_js,
            "page_css": _raw(_static("page.css"), "style"), "csp_scripts": Markup(" ".join(hashes))}


def _csp_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode() + "'"


def fill_page(*, title: str, stats: str, notice: str, blocks: dict[str, Any]) -> str:
    """page.html with its slots filled: `title` (also the heading), `stats` and `notice`
    as text; each of `blocks` (data, nodes, edges, posts, options) as a JSON data block.
    Slots are filled in one pass, so no value is ever read as a slot."""
    values: dict[str, Markup] = {"title": escape(title), "stats": escape(stats),
                                 "notice": escape(notice), **_assets()}
    values.update({name: script_json(value) for name, value in blocks.items()})
    template = _static("page.html")
    wanted = set(_SLOT.findall(template))
    if wanted != set(values):
        raise ValueError(f"page slots {sorted(wanted ^ set(values))} not matched")
    return _SLOT.sub(lambda m: values[m.group(1)], template)
