"""Discord's size limits, and cutting text to fit them on paragraph, then sentence, then word boundaries."""

from __future__ import annotations

import re

MESSAGE_CHARS = 2000
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER_TEXT = 2048
EMBED_TOTAL = 6000      # title + description + fields + footer + author, summed over a message's embeds
EMBEDS_PER_MESSAGE = 10
CHOICES = 25            # autocomplete suggestions
CHOICE_CHARS = 100      # an autocomplete choice's name and value
THREAD_NAME = 100

ELLIPSIS = "…"
# A citation marker, possibly escaped (\[3\]), possibly preceded by spaces: never separated from its sentence.
_MARKER_AHEAD = re.compile(r"\s*\\?\[\d+\\?\]")
_BOUNDARIES = (
    re.compile(r"\n\n+"),                          # paragraphs
    re.compile(r"\n"),                             # lines
    re.compile(r"(?<=[.!?…\]”\"')])[ \t]+"),      # sentences (a marker ends its sentence)
    re.compile(r"[ \t]+"),                         # words
)


def split_text(text: str, limit: int) -> list[str]:
    """Pieces of at most `limit` characters whose concatenation (less cut whitespace) is the text.

    Cuts at the last paragraph break that fits, else a line break, else a sentence end, else a
    space; never between a sentence and its [n] marker, never after an escaping backslash.
    """
    if limit < 2:
        raise ValueError("limit must be at least 2")
    pieces, rest = [], text.strip()
    while len(rest) > limit:
        cut, resume = _cut_point(rest, limit)
        pieces.append(rest[:cut].rstrip())
        rest = rest[resume:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


def truncate(text: str, limit: int) -> str:
    """The text cut to at most `limit` characters at a word boundary, with an ellipsis when cut.

    Total for any limit: below 3 characters there is no room for a word and its ellipsis, so the text
    is cut by characters (never after an escaping backslash).
    """
    if len(text) <= limit:
        return text
    if limit < 2 + len(ELLIPSIS):
        cut = max(0, limit)
        while cut > 0 and text[cut - 1] == "\\":
            cut -= 1
        return text[:cut]
    pieces = split_text(text, limit - len(ELLIPSIS))
    return pieces[0] + ELLIPSIS if pieces else ""  # nothing but whitespace: nothing to show


def _cut_point(text: str, limit: int) -> tuple[int, int]:
    """(end of this piece, start of the next) for text longer than limit."""
    for boundary in _BOUNDARIES:
        best = None
        for match in boundary.finditer(text, 0, limit + 1):
            if 0 < match.start() <= limit and not _MARKER_AHEAD.match(text, match.start()):
                best = match
        if best is not None and (boundary is not _BOUNDARIES[-1] or best.start() >= limit // 2):
            return best.start(), best.end()
    # No boundary fits, or the last space comes early before one enormous "word" (which a word cut
    # would leave nearly empty): cut by characters, but never inside or just before a
    # marker (the marker would lose its sentence) and never right after an escaping backslash.
    cut = limit
    while cut > 1 and (text[cut - 1] == "\\" or _splits_a_citation(text, cut)):
        cut -= 1
    if cut <= 1:  # nothing but markers: keep only the escape rule
        cut = limit
        while cut > 1 and text[cut - 1] == "\\":
            cut -= 1
    return cut, cut


def _splits_a_citation(text: str, cut: int) -> bool:
    if _MARKER_AHEAD.match(text, cut):
        return True
    return any(m.start() < cut < m.end() for m in _MARKER_AHEAD.finditer(text, max(0, cut - 16), cut + 16))
