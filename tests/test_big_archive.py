"""Big archives: memory follows the batch, not the archive (50,000 generated articles, slow)."""

from __future__ import annotations

import pytest

from benchmarks.index_memory import measure


@pytest.mark.slow
def test_peak_memory_at_50000_articles_stays_near_the_peak_at_5000(tmp_path):
    # HashingEncoder in a subprocess per size: the pipeline's memory, not the model's fixed cost.
    small, big = measure(5_000, tmp_path), measure(50_000, tmp_path)
    print(f"\npeak RSS: {small['peak_rss_mib']:.1f} MiB at 5,000 articles, {big['peak_rss_mib']:.1f} MiB at 50,000; "
          f"after a no-op reindex {small['peak_rss_mib_after_noop']:.1f} / {big['peak_rss_mib_after_noop']:.1f} MiB")
    assert (small["added"], big["added"], small["failed"], big["failed"]) == (5_000, 50_000, 0, 0)
    assert big["unchanged"] == 50_000 and big["chunks"] > 50_000
    # The measurement is the indexing process's own (not inherited from this big test process).
    assert small["peak_rss_mib"] < 300
    # Ten times the archive, a small constant more memory (measured: +9 MiB); anything that held every
    # article or chunk (a list of texts, vectors, report ids) would cost hundreds of MiB here.
    assert big["peak_rss_mib"] < small["peak_rss_mib"] + 40
    # A no-op reindex reads one (hash, path) per stored article: about 0.5 KiB each at 50,000.
    assert big["peak_rss_mib_after_noop"] < small["peak_rss_mib_after_noop"] + 60
