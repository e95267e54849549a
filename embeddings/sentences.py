"""Sentence boundaries with exact character offsets, tuned for news prose."""

from __future__ import annotations

import re

# Words that end in a period without ending the sentence.
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sr jr st mt ft inc ltd co corp plc llc bros dept univ assn est approx
    vs etc al e.g i.e cf fig no nos vol pp gov sen rep gen lt col capt cmdr sgt adm maj rev hon
    pres supt jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun
    u.s u.k u.n e.u u.s.a a.m p.m""".split()
)
_CANDIDATE = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s)|\n+")
_NEXT_START = re.compile(r"\s*[\"'“‘(\[]*[A-Z0-9]")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)\.$")

Span = tuple[int, int]  # (start, end) character offsets, end exclusive


def sentence_spans(text: str, offset: int = 0) -> list[Span]:
    """Return (start, end) spans of the sentences in text, shifted by offset.

    Each span is trimmed of surrounding whitespace, so text[start-offset:end-offset] is a
    sentence exactly as written. Newlines always end a sentence.
    """
    spans: list[Span] = []
    start = 0
    for match in _CANDIDATE.finditer(text):
        end = match.end()
        if match.group().startswith("\n"):
            _append(spans, text, start, match.start(), offset)
            start = end
            continue
        if not _NEXT_START.match(text, end) or _is_abbreviation(text, match.start(), match.group()):
            continue
        _append(spans, text, start, end, offset)
        start = end
    _append(spans, text, start, len(text), offset)
    return spans


def _is_abbreviation(text: str, punct_start: int, punct: str) -> bool:
    if not punct.startswith(".") or punct.startswith(".."):
        return False
    # Only the word just before the period matters; searching a short window keeps this linear.
    word = _WORD_BEFORE.search(text, max(0, punct_start - 40), punct_start + 1)
    if not word:
        return False
    token = word.group(1).lower()
    if token in _ABBREVIATIONS:
        return True
    # A lone capital ("J. K. Rowling") or dotted initials ("U.S.") are not sentence ends,
    # unless the dotted form closes a sentence, which news style makes rare enough to accept.
    return len(token) == 1 or (len(token) <= 4 and "." in token)


def _append(spans: list[Span], text: str, start: int, end: int, offset: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start + offset, end + offset))
