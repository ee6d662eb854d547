"""Reader for .html/.htm: the article's text, one paragraph per line, page furniture dropped.

lxml's HTML parser does the parsing (fast, tolerant of broken markup, no network,
no entity expansion, bounded depth). Scripts, styles, forms, navigation, page
headers and footers go; block elements and <br> become line breaks; the rest is
walked iteratively (no recursion, so deep nesting cannot overflow the stack).
What is left goes through the same portal-boilerplate rules as scraped text files.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import lxml.etree as etree
import lxml.html

from huibian.chars import CJK_TEXT
from huibian.models import Document, ReadError
from huibian.read.boilerplate import cues, strip_boilerplate
from huibian.read.decode import decode
from huibian.read.text import finish, normalize_newlines

BLOCK_TAGS = frozenset(
    "p div h1 h2 h3 h4 h5 h6 li ul ol dl dt dd table tr thead tbody tfoot caption blockquote pre "
    "section article main header footer aside nav figure figcaption address hr center fieldset legend "
    "details summary body html title option".split()
)
_CELL_TAGS = frozenset(("td", "th"))
_NL = "\x1e"  # stand-ins for structural breaks while HTML whitespace is collapsed
_TAB = "\x1f"
_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,40})""", re.I)
_XML_DECL = re.compile(r"\A\s*<\?xml[^>]{0,200}\?>")
_CJK_BREAK = re.compile(f"(?<=[{CJK_TEXT}])[ \\t\\r\\f]*\\n[ \\t\\n\\r\\f]*(?=[{CJK_TEXT}])")
_SPACES = re.compile(r"[ \t\n\r\f]+")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_WORD_SPLIT = re.compile(r"[\s_\-]+|(?<=[a-z])(?=[A-Z])")
# <meta name=...> fields that Chinese government CMSs (TRS and others) fill in.
_META_NAMES = {
    "articletitle": "title",
    "pubdate": "published",
    "contentsource": "source",
    "author": "author",
    "og:title": "title",
    "og:url": "source_url",
}


def read_html(data: bytes, path: str) -> Document:
    """Turn the bytes of an HTML page into a Document (raises ReadError)."""
    m = _CHARSET.search(data[:4096])
    declared = m.group(1).decode("ascii", "replace") if m else None
    decoded = decode(data, path, declared)
    encoding = decoded.encoding
    root = _parse(decoded.text, path)
    meta = _page_meta(root)
    _drop_furniture(root)
    body = _article(root)
    extracted = normalize_newlines(_to_text(body))
    extracted, dropped, meta_bp = strip_boilerplate(extracted)
    for key, value in meta_bp.items():
        meta.setdefault(key, value)
    if not extracted.strip():
        raise ReadError(path, "no article text in HTML page")
    if decoded.replaced:
        meta["invalid_bytes_replaced"] = decoded.replaced
    return Document(
        path=path, text=finish(extracted, path), format="html", encoding=encoding, meta=meta, dropped=dropped
    )


def _parse(text: str, path: str) -> Any:
    text = _XML_DECL.sub("", text, count=1)
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True, recover=True)
    try:
        root = lxml.html.document_fromstring(text, parser=parser)
    except etree.ParserError:
        raise ReadError(path, "no article text in HTML page (empty document)") from None
    except (etree.LxmlError, ValueError) as e:
        raise ReadError(path, f"unreadable HTML ({e})") from None
    if any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log):
        raise ReadError(
            path,
            "HTML exceeds parser limits (nested over 256 levels deep or a huge tag); not read, text would be lost",
        )
    return root


def _page_meta(root: Any) -> dict[str, Any]:
    """<title>, CMS <meta> fields and the canonical URL → meta."""
    meta: dict[str, Any] = {}
    for el in root.iter("meta"):
        name = (el.get("name") or el.get("property") or "").strip().lower()
        key = _META_NAMES.get(name)
        content = " ".join((el.get("content") or "").split())
        if key and content and key not in meta:
            meta[key] = content[:500]
    title_el = next(root.iter("title"), None)
    if title_el is not None:
        title = " ".join(title_el.text_content().split())
        if title:
            meta.setdefault("title", title[:500])
            meta["page_title"] = title[:500]
    for el in root.iter("link"):
        if (el.get("rel") or "").lower() == "canonical" and (el.get("href") or "").startswith("http"):
            meta.setdefault("source_url", el.get("href"))
    return meta


@cache
def _furniture() -> dict[str, Any]:
    spec = cues()["html"]
    return {
        "code_tags": frozenset(spec["code_tags"]),
        "drop_tags": frozenset(spec["drop_tags"]),
        "drop_words": frozenset(spec["drop_words"]),
        "keep_words": frozenset(spec["keep_words"]),
        "drop_roles": frozenset(spec["drop_roles"]),
        "keep_share": float(spec["keep_share"]),
    }


def _drop_furniture(root: Any) -> None:
    """Remove elements that are never article text; keep any that hold most of the page's text."""
    f = _furniture()
    for el in [el for el in root.iter(*f["code_tags"])]:
        if el.getparent() is not None:
            el.drop_tree()
    total = max(1, len(root.text_content()))
    doomed = [el for el in root.iter() if isinstance(el.tag, str) and _is_furniture(el, f)]
    dropped: set[int] = set()  # ids; `doomed` keeps the elements alive, so ids stay unique
    for el in doomed:  # document order: an element comes before its descendants
        if el.getparent() is None or any(id(a) in dropped for a in el.iterancestors()):
            continue  # the root, or already gone with an ancestor
        if len(el.text_content()) > f["keep_share"] * total:
            continue  # a "furniture" element holding most of the text is the article: keep it
        el.drop_tree()
        dropped.add(id(el))


def _is_furniture(el: Any, f: dict[str, Any]) -> bool:
    if el.tag in f["drop_tags"]:
        return not (el.tag in ("header", "footer") and _inside_article(el, f["keep_words"]))
    if el.get("hidden") is not None or _HIDDEN_STYLE.search(el.get("style") or ""):
        return True
    if (el.get("role") or "").lower() in f["drop_roles"]:
        return True
    words = _words(el)
    return bool(words & f["drop_words"]) and not words & f["keep_words"]


def _words(el: Any) -> set[str]:
    ident = f"{el.get('class') or ''} {el.get('id') or ''}".strip()
    if not ident:
        return set()
    return {w.lower() for w in _WORD_SPLIT.split(ident) if w}


def _inside_article(el: Any, keep_words: frozenset[str]) -> bool:
    """Inside <article>/<main> or a container named like article content (class="content")."""
    return any(a.tag in ("article", "main") or _words(a) & keep_words for a in el.iterancestors())


def _article(root: Any) -> Any:
    """<article>/<main>/role=main when one holds most of the text, else <body>."""
    body = root.find("body")
    if body is None:
        body = root
    total = len(body.text_content())
    best, best_len = None, 0
    for el in root.iter():
        if el.tag in ("article", "main") or (el.get("role") or "").lower() == "main":
            n = len(el.text_content())
            if n > best_len:
                best, best_len = el, n
    if best is not None and best_len >= 0.5 * total:
        return best
    return body


def _to_text(top: Any) -> str:
    """Text of `top`: blocks on their own lines, <br> a line break, cells tab-separated."""
    parts: list[str] = []
    for event, el in etree.iterwalk(top, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            if tag in BLOCK_TAGS:
                parts.append(_NL)
            elif tag == "br":
                parts.append(_NL)
            elif tag in _CELL_TAGS:
                parts.append(_TAB)
            if el.text and tag:
                parts.append(_clean(el.text))
        else:
            if tag in BLOCK_TAGS:
                parts.append(_NL)
            if el.tail and el is not top:
                parts.append(_clean(el.tail))
    text = "".join(parts)
    text = _CJK_BREAK.sub("", text)  # a source line break between two CJK characters is no space
    text = _SPACES.sub(" ", text)  # HTML whitespace (source line breaks included) is one space
    lines = (ln.replace(_TAB, "\t").strip(" \t\u00a0\u3000") for ln in text.split(_NL))
    return "\n".join(ln for ln in lines if ln)


def _clean(s: str) -> str:
    if _NL in s or _TAB in s:
        s = s.replace(_NL, " ").replace(_TAB, " ")
    return s
