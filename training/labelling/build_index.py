"""Build the labelling index: both Wikinews corpora in one SQLite index, as the bot would index them.

    python -m training.labelling.build_index [--data-dir /work/labelwork/index]
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from bot.service import ArchivistService
from bot.settings import Settings
from training.corpus import CORPORA, require_corpus
from training.labelling.sheets import DEFAULT_INDEX


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_INDEX)
    args = parser.parse_args(argv)
    require_corpus()
    archive = args.data_dir.parent / "archive"
    archive.mkdir(parents=True, exist_ok=True)
    for name, path in CORPORA.items():
        shutil.copyfile(path, archive / f"{name}.jsonl")
    service = ArchivistService(Settings(archive_dir=archive, data_dir=args.data_dir))
    report = service.reindex(archive)
    print(f"indexed {archive} into {args.data_dir}: {len(report.added)} added, {len(report.updated)} updated, "
          f"{report.chunks_embedded} passages embedded, {len(report.failed)} failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
