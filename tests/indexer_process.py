"""A reindex in a process of its own, for the tests that race two indexers or kill one mid-write.

    python -m tests.indexer_process KIND LOCATION ARCHIVE [--start-file F] [--hold S | --hang]

Prints READY once the store is open, waits for the start file (if given), reindexes ARCHIVE with
the hashing encoder, prints WRITING once articles are written inside the open transaction and then
holds that transaction S seconds (or forever with --hang). Ends with DONE (exit 0) after the
commit, or BUSY and the error (exit 3) when another reindex holds the lock.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from embeddings.errors import ReindexBusyError
from embeddings.indexer import ReindexProgress, reindex
from tests.fakes import HashingEncoder
from tests.stores import open_backend

BUSY_EXIT = 3


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("kind")
    parser.add_argument("location")
    parser.add_argument("archive", type=Path)
    parser.add_argument("--start-file", type=Path)
    parser.add_argument("--hold", type=float, default=0.0)
    parser.add_argument("--hang", action="store_true")
    parser.add_argument("--writer-wait", type=float, default=0.5)
    args = parser.parse_args(argv)

    store = open_backend(args.kind, args.location, writer_wait_seconds=args.writer_wait)
    print("READY", flush=True)
    deadline = time.monotonic() + 60  # never outlive a test that gave up on us
    while args.start_file is not None and not args.start_file.exists():
        if time.monotonic() > deadline:
            print("NO START", flush=True)
            return 4
        time.sleep(0.005)
    written = False

    def on_progress(progress: ReindexProgress) -> None:
        nonlocal written
        if progress.chunks_embedded and not written:
            written = True
            print("WRITING", flush=True)
            time.sleep(args.hold)
            while args.hang:
                time.sleep(1)

    try:
        report = reindex(args.archive, store, HashingEncoder(), on_progress=on_progress)
    except ReindexBusyError as exc:
        print(f"BUSY {exc}", flush=True)
        return BUSY_EXIT
    finally:
        store.close()
    print(f"DONE {report.summary()}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
