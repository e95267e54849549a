"""BM25 in the SQLite index stays within its row budget by leaving out the commonest terms."""

from __future__ import annotations

from embeddings.models import SearchFilters
from embeddings.store import SQLiteStore
from embeddings.store.sqlite_text import affordable_terms, ranked_rowids
from tests.test_store_conformance import MODEL, article, put


def test_common_terms_are_left_out_only_past_the_budget(tmp_path):
    store = SQLiteStore(tmp_path / "index.sqlite3")
    with store.writer(MODEL, 64) as writer:
        for i in range(60):
            put(writer, article(f"common{i}", f"The council met again about the budget, meeting {i}."))
        put(writer, article("rare", "The council finally approved the lighthouse restoration."))
    with store.snapshot() as snap:
        conn = snap._conn
        terms = ["council", "lighthouse", "budget"]
        assert affordable_terms(conn, terms, budget=1_000) == terms
        assert affordable_terms(conn, terms, budget=30) == ["lighthouse"]
        assert affordable_terms(conn, ["council", "budget"], budget=100) == ["budget"]  # 60 rows; with council 121
        assert affordable_terms(conn, ["council", "lighthouse"], budget=5) == ["lighthouse"]  # the rarest always stays
        assert affordable_terms(conn, ["zeppelin", "lighthouse"], budget=10) == ["lighthouse"]
        best = ranked_rowids(conn, terms, 5, budget=30)
        assert len(best) == 1
        assert [c.chunk_id for c in snap.text_search(terms, 5, SearchFilters())][0] == "rare#0"
    store.close()
