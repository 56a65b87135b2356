"""Find one-time codes and links in a message, so tests never scrape email bodies themselves.

A code is a run of 4 to 8 digits standing alone (not part of a longer number, a date, a time, a URL or
a CSS colour). Candidates are ranked: a code next to a word like "code" or "verification" first, then
codes found in the subject, then six-digit ones (Logto's length), then by first appearance.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_CANDIDATE = re.compile(r"(?<![\w#./:@+-])(\d{4,8})(?![\w/:@-]|\.\d)")
_KEYWORD = re.compile(
    r"\b(code|codes|otp|passcode|pin|verification|verify|one[- ]time|token)\b", re.IGNORECASE
)
_URL = re.compile(r"https?://[^\s<>\"')\]]+")
_YEAR = re.compile(r"^(19|20)\d\d$")


class _Text(HTMLParser):
    """Visible text and hrefs of an HTML part (scripts and styles dropped)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.hrefs: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "head", "title"):
            self._skip += 1
        if tag == "a":
            self.hrefs.extend(v for k, v in attrs if k == "href" and v)
        if tag in ("br", "p", "div", "tr", "li", "h1", "h2", "h3", "table"):
            self.chunks.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head", "title") and self._skip:
            self._skip -= 1
        if tag in ("p", "div", "td", "li", "h1", "h2", "h3"):
            self.chunks.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.chunks.append(data)


def html_to_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.chunks).splitlines())
    return "\n".join(line for line in lines if line)


def _html_hrefs(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return parser.hrefs


def extract_codes(subject: str, text: str, html: str) -> list[str]:
    """Every plausible one-time code, most likely first, without duplicates."""
    scored: dict[str, tuple[int, int]] = {}
    order = 0
    for part, bonus in ((subject, 2), (text, 0), (html_to_text(html) if html else "", 0)):
        for match in _CANDIDATE.finditer(_URL.sub(" ", part)):
            code = match.group(1)
            window = part[max(0, match.start() - 60) : match.end() + 20]
            score = bonus
            score += 4 if _KEYWORD.search(window) else 0
            score += 1 if len(code) == 6 else 0
            score -= 3 if _YEAR.match(code) else 0
            best, first = scored.get(code, (-100, order))
            scored[code] = (max(best, score), min(first, order))
            order += 1
    return [code for code, _ in sorted(scored.items(), key=lambda item: (-item[1][0], item[1][1]))]


def extract_links(text: str, html: str) -> list[str]:
    """Every http(s) link, from html hrefs and from the text, in order of appearance, deduplicated."""
    found: list[str] = []
    if html:
        found.extend(h for h in _html_hrefs(html) if h.startswith(("http://", "https://")))
    found.extend(m.group(0).rstrip(".,;") for m in _URL.finditer(text))
    return list(dict.fromkeys(found))
