"""Hybrid retrieval: dense and full-text candidates from one snapshot, scored together, capped per article."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from embeddings.capping import cap_per_group
from embeddings.dedupe import unique_stories
from embeddings.encoders import Encoder
from embeddings.errors import ModelMismatchError
from embeddings.models import Article, Chunk, Hit, SearchFilters
from embeddings.names import mentions_name, question_names
from embeddings.query_dates import DateScope, date_scope
from embeddings.query_parts import question_parts
from embeddings.store import Snapshot, Store
from embeddings.text_query import query_terms

MODES = ("hybrid", "dense", "text")


@dataclass(frozen=True)
class RetrievalConfig:
    """Knobs of hybrid retrieval (the README's quality section shows how they were chosen).

    A candidate's score is its cosine to the question, plus a bonus that falls with its full-text
    rank (text_weight / (1 + rank / text_rank_scale)), plus date_weight when its article lies in
    the period the question names. Cosine leads because all-MiniLM-L6-v2 ranks paraphrased
    questions far better than BM25; full text earns a place by lifting exact names and numbers.
    """

    limit: int = 10                 # hits a search returns by default (what an answer is chosen from)
    candidates: int = 50            # passages each search (dense, full text) proposes
    text_weight: float = 0.05
    text_rank_scale: float = 5.0
    date_weight: float = 0.06
    recency_weight: float = 0.05
    recency_days: int = 365         # a candidate this much older than the newest gets no recency bonus
    max_per_article: int = 2
    # Which articles a question's names are looked for in (see NameFinding): the best hits', and
    # how many passages a full-text search for the name may return.
    name_context_hits: int = 4
    name_search_passages: int = 50
    # In a question typed all in lower case, a word at least this long that the archive never uses
    # and the model's vocabulary does not hold whole is reported as a name (0: never).
    # 0, the untuned starting point, is off: the bot's fitted value (bot/learned_weights.json, "retrieval")
    # is applied by bot.tuning, since the embeddings package knows nothing of the bot's fitted values.
    unseen_name_chars: int = 0
    part_hits: int = 5  # hits searched for each part of a question that asks two things (0: none)


@dataclass(frozen=True)
class NameFinding:
    """What the archive says about one name of the question ("Xiaomi", "Twitter").

    in_closest: the articles of the best hits mention it (then nothing more is looked up).
    mentioning: how many articles a full-text search for it finds mentioning it, capitalised.
    retrieved: some retrieved article mentions it.
    """

    name: str
    in_closest: bool
    mentioning: int = 0
    retrieved: bool = False


@dataclass(frozen=True)
class PartResult:
    """One part of a compound question, searched on its own (query_parts.question_parts)."""

    query: str
    vector: np.ndarray
    hits: list[Hit]


@dataclass(frozen=True)
class RetrievalResult:
    """What a search found, and what an answer needs to know about it.

    hits: ranked passages. articles_searched: how many articles the filters let it look at.
    query and query_vector: what was searched (an answerer reuses the vector instead of encoding
    again). period: the dates the query names, which the ranking favoured. names: what the archive
    says about each name of the query (filled for hybrid searches; whether to refuse is the
    answering policy's decision, not retrieval's).
    """

    hits: list[Hit]
    articles_searched: int
    query: str = ""
    query_vector: np.ndarray | None = None
    filters: SearchFilters = SearchFilters()
    period: DateScope | None = None
    names: tuple[NameFinding, ...] = ()
    parts: tuple[PartResult, ...] = ()


@dataclass
class _Candidate:
    chunk: Chunk
    article: Article
    cosine: float
    dense_rank: int | None = None
    text_rank: int | None = None
    score: float = 0.0


class Retriever:
    """Finds the passages of the archive closest to a question."""

    def __init__(self, store: Store, encoder: Encoder, config: RetrievalConfig = RetrievalConfig()) -> None:
        self.store = store
        self.encoder = encoder
        self.config = config

    def search(self, query: str, filters: SearchFilters = SearchFilters(), limit: int | None = None,
               mode: str = "hybrid", *, analyse: bool = True) -> RetrievalResult:
        """Hits for query, best first; mode "dense" or "text" ranks by one signal alone (for evaluation).

        A hybrid search also looks up what an answer needs (`analyse`): the archive's findings on the
        query's names, and each part of a compound question searched alone. A listing (search
        results, a timeline) needs only the hits.
        """
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        limit = self.config.limit if limit is None else limit
        self.store.check_model(self.encoder.model_name)
        vector = self.encoder.encode_query(query)
        with self.store.snapshot() as snap:
            # Checked again inside the snapshot: a rebuild with another model may have committed
            # since the check above, and its vectors cannot be compared with this query's.
            if snap.model is not None and snap.model != self.encoder.model_name:
                raise ModelMismatchError(snap.model, self.encoder.model_name)
            candidates = self._candidates(snap, query, vector, filters, mode)
            searched = snap.article_count(filters)
            period = date_scope(query)
            hits = self._ranked_hits(candidates, period, mode, limit)
            analysed = analyse and mode == "hybrid"
            names = self._find_names(snap, query, hits, filters) if analysed and hits else ()
            parts = self._parts(snap, query, filters) if analysed and self.config.part_hits else ()
        return RetrievalResult(hits, searched, query, vector, filters, period, names, parts)

    def _ranked_hits(self, candidates: list[_Candidate], period: DateScope | None, mode: str, limit: int) -> list[Hit]:
        """The best `limit` hits of the candidates: scored, one copy of a story, a few passages an article."""
        self._score(candidates, period, mode)
        candidates.sort(key=lambda c: -c.score)
        ranked = (Hit(c.chunk, c.article, c.score, c.cosine, _why(c)) for c in candidates)
        capped = cap_per_group(unique_stories(ranked), lambda h: h.article.id, self.config.max_per_article)
        return list(itertools.islice(capped, limit))

    def _parts(self, snap: Snapshot, query: str, filters: SearchFilters) -> tuple[PartResult, ...]:
        """Each part of a question that asks two things, searched alone: the second thing's article is
        often not among the hits of the whole question, where the first one's passages crowd it out."""
        found = []
        for part in question_parts(query):
            vector = self.encoder.encode_query(part)
            candidates = self._candidates(snap, part, vector, filters, "hybrid")
            hits = self._ranked_hits(candidates, date_scope(part), "hybrid", self.config.part_hits)
            found.append(PartResult(part, vector, hits))
        return tuple(found)

    def _candidates(self, snap: Snapshot, query: str, vector: np.ndarray, filters: SearchFilters,
                    mode: str) -> list[_Candidate]:
        n = self.config.candidates
        dense = snap.dense_search(vector, n, filters) if mode != "text" else []
        text = snap.text_search(query_terms(query), n, filters) if mode != "dense" else []
        keys = list(dict.fromkeys([c.chunk_id for c in dense] + [c.chunk_id for c in text]))
        fetched = {chunk.id: (chunk, article) for chunk, article in snap.fetch(keys)}
        keys = [k for k in keys if k in fetched]
        cosines = {c.chunk_id: c.score for c in dense}
        missing = [k for k in keys if k not in cosines]
        if missing:
            cosines.update(zip(missing, (snap.chunk_vectors(missing) @ vector).tolist()))
        dense_rank = {c.chunk_id: i for i, c in enumerate(dense, start=1)}
        text_rank = {c.chunk_id: i for i, c in enumerate(text, start=1)}
        return [
            _Candidate(fetched[k][0], fetched[k][1], float(cosines[k]), dense_rank.get(k), text_rank.get(k))
            for k in keys
        ]

    def _find_names(self, snap: Snapshot, query: str, hits: Sequence[Hit],
                    filters: SearchFilters) -> tuple[NameFinding, ...]:
        """What the archive says about each name of the query: whether the best hits' articles
        mention it, else how many articles do and whether a retrieved one is among them.

        A name counts as mentioned only where it is written capitalised: an archive full of "snap
        elections" never mentions Snap Inc.
        """
        cfg = self.config
        # Each retrieved article's text once (an article holds up to max_per_article hits).
        texts = {h.article.id: f"{h.article.title} {h.article.body}" for h in hits}
        best = dict.fromkeys(h.article.id for h in hits[:cfg.name_context_hits])
        closest = " ".join(texts[article_id] for article_id in best)
        findings = []
        for name in question_names(query):
            if mentions_name(closest, name):
                findings.append(NameFinding(name, in_closest=True))
                continue
            terms = query_terms(name)
            if not terms:
                continue
            matched = [c.chunk_id for c in snap.text_search(terms, cfg.name_search_passages, filters)]
            mentioning = {article.id for chunk, article in snap.fetch(matched)
                          if mentions_name(f"{article.title} {chunk.text}", name)}
            retrieved = bool(mentioning & texts.keys()) or any(mentions_name(text, name) for text in texts.values())
            findings.append(NameFinding(name, False, len(mentioning), retrieved))
        findings += [NameFinding(word, False, 0, False) for word in self._unseen_words(snap, query)]
        return tuple(findings)

    def _unseen_words(self, snap: Snapshot, query: str) -> list[str]:
        """Names a question typed all in lower case gives away: words the archive never uses that are no
        ordinary word either ("what did satyam's chairman admit"), where a capital would have said so.

        An ordinary word is one the model's vocabulary holds whole (or whose singular it does); a
        typo of a word the archive uses is still matched by the full-text search's stemming or
        missed by it, so the length floor keeps short abbreviations ("abt", "ppl") out.
        """
        floor = self.config.unseen_name_chars
        if not floor or any(c.isupper() for c in query):  # a capital anywhere: names would have one too
            return []
        unseen = []
        for word in query_terms(query):
            if len(word) < floor or not word.isalpha():
                continue
            forms = [word] + ([word[:-1]] if word.endswith("s") else [])
            if any(n == 1 for n in self.encoder.count_tokens(forms)):
                continue  # an ordinary English word, which the archive just happens not to use
            if snap.text_search([word], 1, SearchFilters()):
                continue
            unseen.append(word)
        return unseen

    def _score(self, candidates: Sequence[_Candidate], scope: DateScope | None, mode: str) -> None:
        cfg = self.config
        if mode == "text":
            for c in candidates:
                c.score = 1.0 / c.text_rank if c.text_rank else 0.0
            return
        newest = _newest(candidates) if scope and scope.recent else None
        for c in candidates:
            c.score = c.cosine
            if mode == "dense":
                continue
            if c.text_rank:
                c.score += cfg.text_weight / (1 + (c.text_rank - 1) / cfg.text_rank_scale)
            if scope and scope.contains(c.article.date):
                c.score += cfg.date_weight
            if newest and c.article.date:
                # Recency only when asked for: recency_days older than the newest costs the full weight.
                c.score += cfg.recency_weight * max(0.0, 1 - (newest - c.article.date).days / cfg.recency_days)


def _newest(candidates: Sequence[_Candidate]) -> dt.date | None:
    dates = [c.article.date for c in candidates if c.article.date]
    return max(dates) if dates else None


def _why(c: _Candidate) -> str:
    parts = [f"dense #{c.dense_rank}" if c.dense_rank else "dense -",
             f"bm25 #{c.text_rank}" if c.text_rank else "bm25 -"]
    return f"{', '.join(parts)}, cosine {c.cosine:.2f}"
