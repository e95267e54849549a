"""The composed Answerer: the server's language model writes the answer; only verified sentences are shown.

The same abstention policy runs first, the reader's verdict included (no request is made when the
archive does not hold the answer). The model gets the best passages numbered [1]..[n] and is asked
to put [n] after each sentence, but the bot cites, not the model: each sentence, as soon as it is
complete, is checked against the passages it cites (support.check), and when they do not bear it
out (or it cites none) against each other passage given; it is kept with the passage that
supports it, or dropped. Sources are the passages actually cited, renumbered in order of first use,
each built from its retrieved hit. When the model fails (unreachable, slow, garbled) or less than
half of what it wrote survives, the extractive answer is given instead, with the reason; a model
that says the passages do not answer is believed only when the reader agrees.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from bot.answering import prompt, support
from bot.answering.caveats import period_caveat
from bot.answering.drafts import DraftSentence, SentenceStream
from bot.answering.extractive import ExtractiveAnswerer
from bot.answering.policy import AbstentionConfig
from bot.answering.prompt import NumberedPassage
from bot.answering.support import Passage, SupportConfig, Verdict, check
from bot.answering.types import Answer, Citation, Dropped, abstention
from bot.llm import ChatClient, LLMError
from bot.reader import Reader
from embeddings.retrieval import RetrievalResult

log = logging.getLogger("archivist.composed")


@dataclass(frozen=True)
class ComposedConfig:
    """How much the model is given and how much of its answer is read."""

    max_passages: int = 5        # passages the model sees, numbered [1]..[n]
    max_tokens: int = 350        # asked of the model for one answer
    max_chars: int = 4000        # read at most this much of its answer (a 10,000-word reply is cut here)
    min_kept_share: float = 0.5  # fewer of its sentences than this surviving the check: the extractive answer


@dataclass
class _Kept:
    sentence: DraftSentence
    cites: list[int]      # the passage numbers it cites, as given to the model
    grounds: tuple[str, ...]


class ComposedAnswerer:
    """Answers in the model's words, every shown sentence checked against the passages it cites."""

    def __init__(self, client: ChatClient, fallback: ExtractiveAnswerer, reader: Reader,
                 config: ComposedConfig = ComposedConfig(), policy: AbstentionConfig = AbstentionConfig(),
                 support: SupportConfig = SupportConfig()) -> None:
        self.client = client
        self.fallback = fallback
        self.reader = reader
        self.config = config
        self.policy = policy
        self.support = support

    def answer(self, question: str, result: RetrievalResult, *, context=None,
               on_progress: Callable[[str], None] | None = None) -> Answer:
        started = time.monotonic()
        judged = self.fallback.judge(question, result)
        if judged.refused:  # the archive does not hold the answer: no request is made
            refused = judged.refused
            return abstention(question, result, refused.rule, refused.reason, self.policy.closest_articles, "composed")
        passages = prompt.number_passages(result.hits, self.config.max_passages)
        chat = prompt.messages(question, passages, context.earlier if context is not None else None)
        draft = _Draft(passages, self, on_progress, started)
        try:
            self._read(chat, draft, started)
        except LLMError as exc:
            log.warning("composed answer fell back: %s", exc)
            return self._fall_back(question, result, str(exc), draft, context)
        if draft.declined and not draft.kept:
            # The policy let the question through: the reader found a sentence that answers it.
            return self._fall_back(question, result, "the model found no answer in the passages, but the reader "
                                   "found a sentence that answers", draft, context)
        reason = self._shortfall(draft)
        if reason:
            return self._fall_back(question, result, reason, draft, context)
        return draft.answer(question, result)

    def _read(self, chat: list[dict], draft: _Draft, started: float) -> None:
        deadline = started + self.client.config.timeout_seconds
        stream = SentenceStream()
        # The passages are analysed for the check while the model reads them (socket waits free the GIL).
        # Never a daemon, and joined however the stream ends: a thread still in native code when the
        # interpreter exits aborts the process ("FATAL: exception not rethrown", exit -6).
        warming = threading.Thread(target=support.prepare, args=(list(draft.checked.values()),))
        warming.start()
        pieces = self.client.stream(chat, max_tokens=self.config.max_tokens, deadline=deadline)
        try:
            for piece in pieces:
                draft.first_token = draft.first_token or time.monotonic()
                for sentence in stream.feed(piece):
                    warming.join()
                    draft.take(sentence)
                if len(stream.text) >= self.config.max_chars:
                    draft.cut = True
                    break
        finally:
            pieces.close()
            warming.join()
        draft.declined = stream.text.strip().upper().startswith(prompt.DECLINE)
        if not draft.declined:
            for sentence in stream.close():
                if not draft.cut:  # a cut answer's last sentence is unfinished
                    draft.take(sentence)

    def _shortfall(self, draft: _Draft) -> str:
        """Why the composed answer is not good enough to show, or ""."""
        if not draft.written:
            return "the model wrote nothing"
        if not draft.kept:
            return "nothing supported: none of the model's sentences is borne out by the passages it cites"
        if len(draft.kept) < self.config.min_kept_share * draft.written:
            return f"too little supported: {len(draft.kept)} of {draft.written} sentences borne out by their passages"
        return ""

    def _fall_back(self, question: str, result: RetrievalResult, reason: str, draft: _Draft, context) -> Answer:
        answer = self.fallback.answer(question, result, context=context)
        return replace(answer, answerer="extractive", fallback_reason=reason, dropped=tuple(draft.dropped),
                       model_sentences=draft.written, timings=draft.timings())

    def verify(self, sentence: DraftSentence, passages: Mapping[int, Passage]) -> tuple[list[int], Verdict]:
        """(the passage numbers that support one written sentence, the verdict).

        The passages it cites are tried first; when they do not bear it out, or it cites none that
        was given, each given passage is tried alone and the one the reader finds most supporting
        is cited instead. Dropped (with the first reason) only when none supports it.
        """
        cited = [n for n in sentence.cites if n in passages]
        first: Verdict | None = None
        if cited:
            first = check(sentence.text, [passages[n] for n in cited], self.reader, self.support)
            if first.supported:
                return cited, first
        best: tuple[list[int], Verdict] | None = None
        for n, passage in passages.items():
            if [n] == cited:
                continue
            verdict = check(sentence.text, [passage], self.reader, self.support)
            if verdict.supported and (best is None or verdict.score > best[1].score):
                best = ([n], verdict)
        if best is not None:
            return best
        if first is None:
            reason = (f"cites {', '.join(f'[{n}]' for n in sentence.cites)}, which no passage given is, and no "
                      "passage given supports it" if sentence.cites else "cites no passage, and none supports it")
            first = Verdict(False, reason)
        return cited, first


class _Draft:
    """The answer being written: kept and dropped sentences, and the citations in order of first use."""

    def __init__(self, passages: Sequence[NumberedPassage], owner: ComposedAnswerer,
                 on_progress: Callable[[str], None] | None, started: float) -> None:
        self.passages, self.owner, self.on_progress, self.started = passages, owner, on_progress, started
        # Each passage as the check reads it: its text, headline and date.
        self.checked = {p.n: Passage(p.hit.chunk.text, p.hit.article.title, p.hit.article.date) for p in passages}
        self.kept: list[_Kept] = []
        self.dropped: list[Dropped] = []
        self.written = 0
        self.declined = self.cut = False
        self.first_token: float | None = None
        self.first_sentence: float | None = None
        self.order: list[int] = []  # passage numbers in order of first use among kept sentences

    def take(self, sentence: DraftSentence) -> None:
        if sentence.text.strip().upper().startswith(prompt.DECLINE):
            return
        self.written += 1
        cites, verdict = self.owner.verify(sentence, self.checked)
        if not verdict.supported:
            self.dropped.append(Dropped(sentence.text, verdict.reason))
            return
        self.kept.append(_Kept(sentence, cites, verdict.grounds))
        self.order.extend(n for n in cites if n not in self.order)
        self.first_sentence = self.first_sentence or time.monotonic()
        if self.on_progress is not None:
            self.on_progress(self.text())

    def text(self) -> str:
        number = {n: i for i, n in enumerate(self.order, start=1)}
        return " ".join(f"{k.sentence.text} " + "".join(f"[{number[n]}]" for n in k.cites) for k in self.kept)

    def answer(self, question: str, result: RetrievalResult) -> Answer:
        given = {p.n: p for p in self.passages}
        citations = []
        for new, old in enumerate(self.order, start=1):
            hit = given[old].hit
            grounds = [g for k in self.kept if old in k.cites for g in k.grounds]
            start, end = _quote_span(hit, grounds)
            citations.append(Citation(new, hit, start, end))
        return Answer(question, self.text(), citations, abstained=False, articles_searched=result.articles_searched,
                      retrieved=list(result.hits), caveat=period_caveat(result.period, citations),
                      answerer="composed", dropped=tuple(self.dropped), model_sentences=self.written,
                      timings=self.timings())

    def timings(self) -> dict[str, float]:
        now = time.monotonic()
        found = {"total": now}
        if self.first_token:
            found["first_token"] = self.first_token
        if self.first_sentence:
            found["first_sentence"] = self.first_sentence
        return {k: round((v - self.started) * 1000, 1) for k, v in found.items()}


def _quote_span(hit, grounds: Sequence[str]) -> tuple[int, int]:
    """Offsets in the article of the passage sentences the answer stands on (else the passage's start)."""
    text = hit.chunk.text
    found = [(text.find(g), len(g)) for g in grounds if g and text.find(g) >= 0]
    if not found:
        first = text.split("\n")[0]
        return hit.chunk.start, hit.chunk.start + min(len(first), 400)
    start = min(i for i, _ in found)
    end = max(i + n for i, n in found)
    return hit.chunk.start + start, hit.chunk.start + end
