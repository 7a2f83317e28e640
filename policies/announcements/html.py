"""Announcement text is HTML written by staff: cleaned with nh3 (a binding over the Rust
ammonia sanitiser) to a small set of tags, on save and again on display, so a text saved
before a rule changed, or written around the form (the shell, an import), is safe too."""

import re
from html import unescape

import nh3
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe

TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "blockquote",
    "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td", "hr",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def clean(html: str) -> str:
    """The text with only the allowed tags, attributes and link schemes; links open safely."""
    return nh3.clean(
        html or "",
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


def safe(html: str) -> SafeString:
    return mark_safe(clean(html))


LINK = re.compile(r'(?is)<a\s[^>]*?href="([^"]*)"[^>]*>(.*?)</a>')


def _link(found: re.Match) -> str:
    url, label = found.group(1), found.group(2)
    shown = unescape(strip_tags(label)).strip()
    target = unescape(url)
    if not target or shown in (target, target.removeprefix("mailto:")):
        return label
    return f"{label} ({url})"


def text(html: str) -> str:
    """The text alone, a line per paragraph, for the e-mail (no markup); a link keeps its
    address after its words, "报名表 (https://…)", or the reader could not follow it."""
    lines = LINK.sub(_link, clean(html))
    lines = re.sub(r"(?i)<br\s*/?>|</(p|h[2-4]|li|tr|blockquote)>", "\n", lines)
    return unescape(strip_tags(lines)).strip()
