"""Detail-page HTML sanitiser: an allow-list of tags and attributes, safe URLs, no scripts or event handlers.

Detail pages are pasted from editors and other malls, so layout markup (tables, font, center, inline style)
is kept; anything that can run code is dropped with its content.
"""

import re

from bs4 import BeautifulSoup, Comment, Doctype, ProcessingInstruction

ALLOWED_TAGS = frozenset(
    [
        "a",
        "abbr",
        "address",
        "b",
        "big",
        "blockquote",
        "br",
        "caption",
        "center",
        "cite",
        "code",
        "col",
        "colgroup",
        "dd",
        "del",
        "div",
        "dl",
        "dt",
        "em",
        "figcaption",
        "figure",
        "font",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "ins",
        "kbd",
        "li",
        "mark",
        "ol",
        "p",
        "pre",
        "q",
        "s",
        "small",
        "span",
        "strike",
        "strong",
        "sub",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "tt",
        "u",
        "ul",
    ]
)
# Removed together with everything inside them.
DROPPED_TAGS = frozenset(
    [
        "script",
        "style",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "noscript",
        "template",
        "svg",
        "math",
        "form",
        "input",
        "button",
        "select",
        "option",
        "textarea",
        "link",
        "meta",
        "base",
        "title",
        "head",
        "audio",
        "video",
        "source",
        "track",
        "canvas",
        "dialog",
        "portal",
    ]
)
GLOBAL_ATTRS = frozenset(
    [
        "align",
        "alt",
        "bgcolor",
        "border",
        "cellpadding",
        "cellspacing",
        "class",
        "color",
        "colspan",
        "dir",
        "face",
        "height",
        "hspace",
        "lang",
        "rowspan",
        "size",
        "style",
        "title",
        "valign",
        "vspace",
        "width",
    ]
)
TAG_ATTRS = {
    "a": frozenset({"href", "target", "rel", "name"}),
    "img": frozenset({"src"}),
    "td": frozenset({"scope", "headers", "nowrap"}),
    "th": frozenset({"scope", "headers", "nowrap"}),
    "ol": frozenset({"start", "type"}),
    "col": frozenset({"span"}),
    "colgroup": frozenset({"span"}),
}
_URL_ATTRS = {"href", "src"}
_SAFE_HREF = re.compile(r"^(https?:|mailto:|tel:|//|/|#|\?)|^[^:]*$", re.IGNORECASE)
_SAFE_SRC = re.compile(r"^(https?:|//|/)|^data:image/(png|jpe?g|gif|webp);base64,|^[^:]*$", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")
_BAD_CSS = re.compile(r"expression|javascript|vbscript|behavior|-moz-binding|@import|</", re.IGNORECASE)
_CSS_URL = re.compile(r"url\s*\(\s*['\"]?\s*([^'\")\s]*)", re.IGNORECASE)


def _safe_url(value: str, *, src: bool) -> bool:
    compact = _CONTROL.sub("", value or "")
    return bool((_SAFE_SRC if src else _SAFE_HREF).match(compact))


def _safe_style(value: str) -> str:
    kept = []
    for declaration in (value or "").split(";"):
        if not declaration.strip() or _BAD_CSS.search(_CONTROL.sub("", declaration)):
            continue
        urls = _CSS_URL.findall(declaration)
        if any(not _safe_url(url, src=True) or url.lower().startswith("data:") for url in urls):
            continue
        kept.append(declaration.strip())
    return "; ".join(kept)


def sanitize_html(html: str) -> str:
    if not html or not html.strip():
        return ""
    soup = BeautifulSoup(html, "html.parser")
    for node in soup.find_all(string=lambda s: isinstance(s, Comment | Doctype | ProcessingInstruction)):
        node.extract()
    for tag in soup.find_all(True):
        if tag.decomposed:
            continue
        name = tag.name.lower()
        if name in DROPPED_TAGS:
            tag.decompose()
            continue
        if name not in ALLOWED_TAGS:
            tag.unwrap()
            continue
        allowed = GLOBAL_ATTRS | TAG_ATTRS.get(name, frozenset())
        for attr in list(tag.attrs):
            key = attr.lower()
            value = tag.attrs[attr]
            if isinstance(value, list):
                value = " ".join(value)
            if key not in allowed or key in _URL_ATTRS and not _safe_url(value, src=key == "src"):
                del tag.attrs[attr]
            elif key == "style":
                style = _safe_style(value)
                if style:
                    tag.attrs[attr] = style
                else:
                    del tag.attrs[attr]
        if name == "a" and tag.get("target"):
            tag["target"] = "_blank"
            tag["rel"] = "noopener noreferrer"
    return str(soup).strip()
