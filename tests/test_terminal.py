"""Terminal rendering of answers: quoted passages, sources, notes."""

from __future__ import annotations

import datetime as dt

from bot.answering.types import Answer, Citation
from bot.terminal import render_answer
from embeddings.models import Article, Chunk, Hit

BODY = "“We will have employees from all over the world,” he said. Zhang also explained the plan."
ARTICLE = Article("a1", "Alibaba to push global expansion", BODY, dt.date(2015, 5, 14), "https://example.org/a1")


def test_a_passage_that_opens_with_a_quotation_mark_is_not_quoted_twice():
    hit = Hit(Chunk("a1#0", "a1", 0, BODY, 0, len(BODY)), ARTICLE, 0.5, 0.5)
    answer = Answer("What did he say?", "“We will have employees from all over the world,” he said. [1]",
                    [Citation(1, hit, 0, BODY.index(" Zhang"))], abstained=False, articles_searched=1)
    text = render_answer(answer)
    assert "““" not in text and "””" not in text
    assert "      > “We will have employees from all over the world,” he said." in text
    assert "  [1] Alibaba to push global expansion · 14 May 2015 · https://example.org/a1" in text
