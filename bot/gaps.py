"""What the archive lacks: the questions it could not answer (abstained, or marked 👎), grouped by topic.

Questions are grouped by their vectors: each joins the group whose centre it is closest to when
that is at least GROUP_SIMILARITY, else starts one (a greedy pass, largest groups first in the
report). The threshold is measured on labelled questions (tests/fixtures/gap_questions*.jsonl, one set
sealed; the README's "Coverage gaps"). A group is labelled by its most telling words: frequent in it, rare
in the other gap questions.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bot.activity import ActivityLog
from bot.answering.text_features import content_stems
from embeddings.encoders import Encoder
from embeddings.text_query import query_terms

# Chosen on gap_questions.jsonl: purity 0.97, 14 groups for 10 topics (0.35: 0.94, 11; 0.5: 0.97, 19);
# on the sealed gap_questions_sealed.jsonl, scored once: 0.97, 14 groups for 10 topics.
GROUP_SIMILARITY = 0.4
LABEL_WORDS = 3
EXAMPLES = 3


@dataclass(frozen=True)
class GapGroup:
    """Questions about one topic the archive could not answer."""

    label: str
    questions: list[str]  # as asked, newest first
    closest: dict | None  # {"article_id", "title"} the archive offered most often instead, if any

    @property
    def count(self) -> int:
        return len(self.questions)

    @property
    def examples(self) -> list[str]:
        return self.questions[:EXAMPLES]


def find_gaps(activity: ActivityLog, encoder: Encoder, days: int = 30, now: dt.datetime | None = None,
              similarity: float = GROUP_SIMILARITY) -> list[GapGroup]:
    """The gap questions of the last `days` days, grouped by topic, largest group first."""
    now = now or dt.datetime.now(dt.timezone.utc)
    rows = activity.answers.gaps(now - dt.timedelta(days=days))
    if not rows:
        return []
    questions = [question for question, _ in rows]
    vectors = np.asarray(encoder.encode_documents(questions), dtype=np.float32)
    groups = group_by_similarity(vectors, similarity)
    stems = [set(content_stems(q)) for q in questions]
    found = []
    for members in groups:
        sources = Counter((s["article_id"], s["title"]) for i in members for s in rows[i][1])
        best = sources.most_common(1)[0][0] if sources else None
        found.append(GapGroup(label(members, questions, stems), [questions[i] for i in members],
                              {"article_id": best[0], "title": best[1]} if best else None))
    return sorted(found, key=lambda g: -g.count)


def group_by_similarity(vectors: np.ndarray, similarity: float) -> list[list[int]]:
    """Greedy grouping of unit vectors: each joins the closest group centre within `similarity`."""
    groups: list[list[int]] = []
    centres: list[np.ndarray] = []
    for index, vector in enumerate(vectors):
        scores = [float(centre @ vector) / max(float(np.linalg.norm(centre)), 1e-12) for centre in centres]
        best = int(np.argmax(scores)) if scores else -1
        if best >= 0 and scores[best] >= similarity:
            groups[best].append(index)
            centres[best] = centres[best] + vector
        else:
            groups.append([index])
            centres.append(vector.copy())
    return groups


def label(members: Sequence[int], questions: Sequence[str], stems: Sequence[set[str]]) -> str:
    """The group's most telling words: frequent among its questions, rare among all gap questions."""
    total = len(questions)
    frequency = Counter(s for group in stems for s in group)
    inside = Counter(s for i in members for s in stems[i])
    surface: dict[str, str] = {}
    for i in members:
        for word in query_terms(questions[i]):
            surface.setdefault(next(iter(content_stems(word)), word), word)
    scored = sorted(inside, key=lambda s: (-inside[s] * math.log(1 + total / frequency[s]), s))
    return " ".join(surface.get(s, s) for s in scored[:LABEL_WORDS])
