"""Full-text ranking in the SQLite index (FTS5 BM25), kept fast on large archives.

FTS5 computes bm25() for every row that matches any term, so a question with one common word
costs time in proportion to how common it is (tens of microseconds a row: a second and more at a
million passages). Terms are therefore taken rarest first until the rows they match would pass a
budget; the common ones left out carry the least weight in BM25 (lowest IDF), and the dense search
still sees the whole question. On archives where every term fits the budget, nothing changes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from embeddings.text_query import fts5_match_expression

MATCH_BUDGET = 5_000  # rows bm25() may be computed for, per query (a few microseconds each)
_TITLE_WEIGHT = 2.0  # bm25 column weights: a headline word says more than a body word


def ranked_rowids(conn: sqlite3.Connection, terms: Sequence[str], k: int, filter_sql: Sequence[str] = (),
                  params: Sequence = (), budget: int = MATCH_BUDGET) -> list[tuple[int, float]]:
    """(chunk rowid, BM25 score, higher is better) of the k best chunks for any of the terms."""
    kept = affordable_terms(conn, terms, budget)
    if not kept:
        return []
    expression = fts5_match_expression(kept)
    if not filter_sql:
        # Without filters the ranking runs on the full-text table alone, joined to nothing per row.
        rows = conn.execute(
            f"SELECT rowid, bm25(chunks_fts, {_TITLE_WEIGHT}, 1.0) AS rank FROM chunks_fts "
            "WHERE chunks_fts MATCH ? ORDER BY rank LIMIT ?", (expression, int(k))).fetchall()
    else:
        extra = "".join(f" AND {w}" for w in filter_sql)
        rows = conn.execute(
            f"SELECT c.rowid, bm25(chunks_fts, {_TITLE_WEIGHT}, 1.0) AS rank "
            "FROM chunks_fts JOIN chunks c ON c.rowid = chunks_fts.rowid JOIN articles a ON a.id = c.article_id "
            f"WHERE chunks_fts MATCH ?{extra} ORDER BY rank LIMIT ?", (expression, *params, int(k))).fetchall()
    return [(r[0], -float(r[1])) for r in rows]


def affordable_terms(conn: sqlite3.Connection, terms: Sequence[str], budget: int) -> list[str]:
    """The rarest terms whose matches add up to at most `budget` rows (always at least the rarest one)."""
    if len(terms) <= 1:
        return list(terms)
    counts = {term: _count_up_to(conn, term, budget + 1) for term in terms}
    kept: list[str] = []
    total = 0
    for term in sorted(terms, key=lambda t: counts[t]):
        if counts[term] == 0:
            continue
        if kept and total + counts[term] > budget:
            break
        kept.append(term)
        total += counts[term]
    return sorted(kept, key=list(terms).index)


def _count_up_to(conn: sqlite3.Connection, term: str, limit: int) -> int:
    """How many chunks match the term, counting no further than limit (cheap: no ranking)."""
    return conn.execute("SELECT COUNT(*) FROM (SELECT 1 FROM chunks_fts WHERE chunks_fts MATCH ? LIMIT ?)",
                        (fts5_match_expression([term]), limit)).fetchone()[0]
