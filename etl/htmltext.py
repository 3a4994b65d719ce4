"""HTML -> article text with paragraph breaks: whole pages through trafilatura, feed fragments through lxml."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import trafilatura
from lxml import etree
from lxml import html as lxml_html

from etl.errors import InputError

log = logging.getLogger(__name__)

# Fewer words than this after boilerplate removal is a page without an article (a bare
# navigation shell, an error page, a consent wall).
MIN_ARTICLE_WORDS = 15

# Consent and cookie notices: trafilatura keeps them when they are the only text on a page.
_CONSENT = re.compile(r"(^|[\s_-])(cookie|cookies|consent|gdpr)([\s_-]|$)", re.IGNORECASE)
_BLOCK_TAGS = frozenset({
    "p", "div", "section", "article", "blockquote", "li", "ul", "ol", "dl", "dt", "dd", "pre",
    "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "figure", "figcaption", "header", "footer",
    "address", "hr",
})
_SKIP_TAGS = frozenset({"script", "style", "noscript", "iframe", "object", "embed", "template", "svg"})
_DATE_PARAMS = {"extensive_search": False, "original_date": True}
# lxml refuses str input that carries one ("Unicode strings with encoding declaration"), as XHTML pages do.
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_PARA = "\x00P"  # sentinels that survive whitespace collapsing
_LINE = "\x00L"


@dataclass(frozen=True)
class PageText:
    """What trafilatura found on a page: main text and metadata."""

    text: str
    title: str | None
    date: str | None
    url: str | None
    sitename: str | None


def page_text(page: str, origin: str, *, url: str | None = None) -> PageText:
    """Main text of an HTML page (navigation, banners, asides, footers removed); InputError if there is none."""
    try:
        tree = parse_page(page)
    except (etree.ParserError, ValueError) as exc:
        raise InputError(origin, f"cannot parse HTML: {exc}") from exc
    for node in list(tree.iter()):
        if isinstance(node.tag, str) and node.getparent() is not None and _is_consent(node):
            node.drop_tree()
    # No extensive date search: it takes dates from the article body ("talks began on 3 March").
    xml = trafilatura.extract(tree, url=url, output_format="xml", with_metadata=True, include_comments=False,
                              include_tables=False, include_images=False, deduplicate=False,
                              date_extraction_params=_DATE_PARAMS)
    if not xml:
        raise InputError(origin, "no article text found")
    doc = etree.fromstring(xml.encode("utf-8"))
    blocks = _xml_blocks(doc.find("main"))
    title = doc.get("title") or None
    if blocks and title and _squash(blocks[0]) == _squash(title):
        blocks = blocks[1:]  # the headline is kept as the title, not repeated in the text
    text = "\n\n".join(blocks)
    if len(text.split()) < MIN_ARTICLE_WORDS:
        raise InputError(origin, "no article text found")
    return PageText(text=text, title=title, date=doc.get("date") or None,
                    url=doc.get("url") or None, sitename=doc.get("sitename") or None)


def parse_page(page: str):
    """An lxml tree of a decoded HTML or XHTML page (an XML declaration at the top is dropped)."""
    return lxml_html.document_fromstring(_XML_DECLARATION.sub("", page, count=1))


def fragment_text(fragment: str) -> str:
    """Text of an HTML fragment (a feed item's content), one paragraph per block, "\n\n" between them."""
    if "<" not in fragment:
        return fragment
    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return re.sub(r"<[^>]+>", " ", fragment)
    parts: list[str] = []
    _flatten(root, parts)
    text = re.sub(r"\s+", " ", "".join(parts))
    text = re.sub(rf"\s*(?:{_PARA}\s*)+", "\n\n", text)
    text = re.sub(rf" *{_LINE} *", "\n", text)
    return text.strip()


def _flatten(node, parts: list[str]) -> None:
    for child in node:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in _SKIP_TAGS or not tag:
            if child.tail:
                parts.append(child.tail)
            continue
        if tag == "br":
            parts.append(_LINE)
        elif tag in _BLOCK_TAGS:
            parts.append(_PARA)
        if child.text and tag != "br":
            parts.append(child.text)
        _flatten(child, parts)
        if tag in _BLOCK_TAGS:
            parts.append(_PARA)
        if child.tail:
            parts.append(child.tail)


def _is_consent(node) -> bool:
    marker = f"{node.get('class') or ''} {node.get('id') or ''}"
    return bool(marker.strip()) and bool(_CONSENT.search(marker)) and node.tag not in ("html", "body", "main", "article")


def _xml_blocks(main) -> list[str]:
    """Paragraph texts from trafilatura's XML: one per <p>/<head>/list item/quote paragraph."""
    if main is None:
        return []
    for lb in main.iter("lb"):
        lb.text = _LINE
    blocks: list[str] = []
    for child in main:
        if child.tag == "list":
            items = [_inline(item) for item in child.iter("item")]
            blocks.extend(i for i in items if i)
        elif child.tag == "quote" and child.find("p") is not None:
            blocks.extend(b for b in (_inline(p) for p in child.iter("p")) if b)
        else:
            text = _inline(child)
            if text:
                blocks.append(text)
    return blocks


def _inline(node) -> str:
    text = re.sub(r"\s+", " ", "".join(node.itertext()))
    return re.sub(rf" *{_LINE} *", "\n", text).strip()


def _squash(text: str) -> str:
    return re.sub(r"\W+", "", text).lower()
