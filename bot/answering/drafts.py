"""The model's answer as it streams in: complete sentences, each with the passage numbers it cites."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from embeddings.sentences import sentence_spans

# One or more markers: [1], [2][3], [1, 2], [1][ 2 ]; possibly before the sentence's full stop.
_MARKERS = re.compile(r"\s*(?:\[\s*\d+(?:\s*[,;]\s*\d+)*\s*\])+")
_MARKER_NUMBERS = re.compile(r"\d+")


@dataclass(frozen=True)
class DraftSentence:
    """A sentence the model wrote: its text without markers, and the passage numbers it cites."""

    text: str
    cites: tuple[int, ...]


def parse_sentence(raw: str) -> DraftSentence:
    """A written sentence: its markers taken out (wherever they stand) and read as passage numbers."""
    cites = tuple(dict.fromkeys(int(n) for m in _MARKERS.finditer(raw) for n in _MARKER_NUMBERS.findall(m.group())))
    text = " ".join(_MARKERS.sub("", raw).split())
    text = re.sub(r"\s+([.,;:!?])", r"\1", text)
    return DraftSentence(text, cites)


class SentenceStream:
    """Feeds on the model's text as it comes; gives each sentence once it is complete.

    A sentence is complete when the next one has begun, or when the text ends. Markers right after
    a sentence's full stop ("... hiring. [1] Next ...") belong to the sentence before them.
    """

    def __init__(self) -> None:
        self._text = ""
        self._given = 0  # characters of _text already given out as sentences

    @property
    def text(self) -> str:
        return self._text

    def feed(self, piece: str) -> Iterator[DraftSentence]:
        self._text += piece
        yield from self._complete(final=False)

    def close(self) -> Iterator[DraftSentence]:
        yield from self._complete(final=True)

    def _complete(self, final: bool) -> Iterator[DraftSentence]:
        rest = self._text[self._given:]
        spans = _sentences_with_markers(rest)
        if not final:
            # The last one may still be growing; one that opens with "[" may be the markers of the one
            # before, still arriving ("... hiring. [1" then "]"), so that one waits too.
            hold = 2 if spans and rest[spans[-1][0]:spans[-1][1]].lstrip().startswith("[") else 1
            spans = spans[:-hold]
        for start, end in spans:
            sentence = parse_sentence(rest[start:end])
            if sentence.text:
                yield sentence
        if spans:
            self._given += spans[-1][1]


def _sentences_with_markers(text: str) -> list[tuple[int, int]]:
    """Sentence spans of text, with markers that open a span joined to the span before."""
    spans: list[list[int]] = []
    for start, end in sentence_spans(text):
        opening = _MARKERS.match(text, start)
        if spans and opening and opening.end() > start:
            spans[-1][1] = opening.end()
            start = opening.end()
            while start < end and text[start].isspace():
                start += 1
            if start >= end:
                continue
        spans.append([start, end])
    return [(s, e) for s, e in spans]
