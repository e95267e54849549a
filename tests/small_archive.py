"""Four short local-news articles indexed with the hashing encoder: an archive for fast contract tests."""

from __future__ import annotations

import json
from pathlib import Path

from bot.answering.policy import AbstentionConfig
from bot.service import ArchivistService
from bot.settings import Settings
from bot.tuning import Tuning
from tests.fakes import PoolingHashingEncoder

# Bag-of-words cosines run lower than the real model's: the threshold is set for this encoder.
POLICY = AbstentionConfig(abstain_below=0.15)
ARTICLES = [
    {"id": "harbour", "title": "Harbour reopens after storm", "date": "2021-03-02", "tags": ["local"],
     "body": "The harbour reopened on Monday after a storm closed it for three days.\n\n"
             "\"We lost two boats but nobody was hurt,\" said harbour master Ann Lee. "
             "Repairs will cost 40,000 pounds, the council said."},
    {"id": "ferry", "title": "Ferry company orders two new ships", "date": "2021-05-10", "tags": ["business"],
     "body": "Northline Ferries ordered two new ships from a Polish yard for 90 million euros.\n\n"
             "Chief executive Tom Berg said the ships would cut fuel use by a third."},
    {"id": "bakery", "title": "Bakery wins bread prize", "date": "2020-11-20", "tags": ["local"],
     "body": "A bakery on Mill Street won the county's sourdough prize.\n\nIts owner said the recipe took ten years."},
    {"id": "council", "title": "Council raises harbour fees", "date": "2021-07-01", "tags": ["local"],
     "body": "The council raised harbour fees by 5% to pay for the storm repairs.\n\n"
             "Fishermen said the rise was unfair after a hard winter."},
]


def small_archive(root: Path) -> ArchivistService:
    """A service over ARTICLES in root, indexed, with the policy set for the hashing encoder."""
    (root / "articles").mkdir()
    (root / "articles" / "news.jsonl").write_text("\n".join(json.dumps(a) for a in ARTICLES), encoding="utf-8")
    made = ArchivistService(Settings(archive_dir=root / "articles", data_dir=root / "data"),
                            encoder=PoolingHashingEncoder(), tuning=Tuning(policy=POLICY))
    assert made.reindex().added.total == len(ARTICLES)
    return made
