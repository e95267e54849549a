"""Peak memory of `reindex` on generated archives of growing size: does it follow the batch or the archive?

Each size is indexed in a fresh subprocess (its own peak: VmHWM, else ru_maxrss) with the small
hashing encoder from tests/fakes.py: the question is the pipeline's memory (walk, parse, chunk,
batch, write), not the model's, which is the same fixed cost at any archive size.

    .venv/bin/python -m benchmarks.index_memory            # 5,000 and 50,000 articles
    .venv/bin/python -m benchmarks.index_memory 1000 10000
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

RECORDS_PER_JSONL = 1000
SINGLE_FILE_SHARE = 10  # one article in ten is a file of its own (.txt, .md or .html), in nested folders

_CHILD = """
import json, re, resource, sys, time
from pathlib import Path
from embeddings.indexer import reindex
from embeddings.store import SQLiteStore
from tests.fakes import HashingEncoder
archive, data = Path(sys.argv[1]), Path(sys.argv[2])
store = SQLiteStore(data / "index.sqlite3")
encoder = HashingEncoder(dimension=384, record=False)
def peak():
    # VmHWM is this process's own high-water mark; ru_maxrss would carry over the parent's when
    # the parent (a test session holding the model) is the bigger one: Linux keeps it across exec.
    try:
        status = Path("/proc/self/status").read_text()
        return int(re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1)) / 1024
    except (OSError, AttributeError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
started = time.perf_counter()
first = reindex(archive, store, encoder)
figures = {"seconds": time.perf_counter() - started, "added": first.added.total, "failed": first.failed.total,
           "chunks": store.info().chunks, "peak_rss_mib": peak()}
again = reindex(archive, store, encoder)  # nothing changed: reads every stored article's state
figures.update(unchanged=again.unchanged, peak_rss_mib_after_noop=peak())
print(json.dumps(figures))
"""


def generate_archive(root: Path, articles: int, seed: int = 7) -> None:
    """Write `articles` articles under root: JSON Lines files plus single .txt/.md/.html files."""
    rng = random.Random(seed)
    vocabulary = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 10)))
                  for _ in range(5000)]
    batch: list[str] = []
    for number in range(articles):
        title = " ".join(rng.choices(vocabulary, k=6)).capitalize()
        paragraphs = [" ".join(rng.choices(vocabulary, k=rng.randint(30, 90))).capitalize() + "."
                      for _ in range(rng.randint(1, 4))]
        date = f"20{rng.randint(0, 23):02d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        if number % SINGLE_FILE_SHARE == 0:
            _write_single(root / f"{number % 97:02d}" / f"{number % 13}", number, title, date, paragraphs)
        else:
            batch.append(json.dumps({"id": f"a{number}", "title": title, "date": date, "body": "\n\n".join(paragraphs),
                                     "tags": rng.sample(vocabulary[:50], 2)}))
        if len(batch) == RECORDS_PER_JSONL or (number == articles - 1 and batch):
            (root / "feeds").mkdir(parents=True, exist_ok=True)
            (root / "feeds" / f"feed-{number:07d}.jsonl").write_text("\n".join(batch) + "\n", encoding="utf-8")
            batch = []


def _write_single(folder: Path, number: int, title: str, date: str, paragraphs: list[str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    kind = (number // SINGLE_FILE_SHARE) % 3
    if kind == 0:
        (folder / f"a{number}.txt").write_text(f"{title}\n\n{date}\n\n" + "\n\n".join(paragraphs), encoding="utf-8")
    elif kind == 1:
        (folder / f"a{number}.md").write_text(f"---\ntitle: {title}\ndate: {date}\n---\n\n" + "\n\n".join(paragraphs),
                                              encoding="utf-8")
    else:
        body = "".join(f"<p>{p}</p>" for p in paragraphs)
        (folder / f"a{number}.html").write_text(
            f'<html><head><title>{title}</title><meta property="article:published_time" content="{date}"></head>'
            f"<body><nav><a href='/'>Home</a></nav><article><h1>{title}</h1>{body}</article></body></html>",
            encoding="utf-8")


def measure(articles: int, workdir: Path) -> dict:
    """Generate an archive of `articles` under workdir, index it in a subprocess, return its figures."""
    archive, data = workdir / f"archive-{articles}", workdir / f"data-{articles}"
    generate_archive(archive, articles)
    repo = Path(__file__).resolve().parent.parent
    result = subprocess.run([sys.executable, "-c", _CHILD, str(archive), str(data)], cwd=repo,
                            capture_output=True, text=True, check=True)
    return {"articles": articles, **json.loads(result.stdout.strip().splitlines()[-1])}


def main(sizes: list[int]) -> None:
    with tempfile.TemporaryDirectory(prefix="archivist-bench-") as tmp:
        rows = [measure(size, Path(tmp)) for size in sizes]
    print(f"{'articles':>9} {'chunks':>8} {'seconds':>8} {'peak RSS MiB':>13} {'vs smallest':>12} "
          f"{'after a no-op reindex':>22}")
    for row in rows:
        print(f"{row['articles']:>9,} {row['chunks']:>8,} {row['seconds']:>8.1f} {row['peak_rss_mib']:>13.1f} "
              f"{row['peak_rss_mib'] / rows[0]['peak_rss_mib']:>11.2f}x {row['peak_rss_mib_after_noop']:>22.1f}")


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [5_000, 50_000])
