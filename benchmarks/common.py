"""What every benchmark shares: the machine, numpy's matmul rate, timing statistics, resident memory, tables."""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus" / "wikinews"
ARTICLES = CORPUS / "articles.jsonl"

# all-MiniLM-L6-v2: 6 layers, hidden 384, feed-forward 1536.
_LAYERS, _HIDDEN, _FFN = 6, 384, 1536


def machine() -> str:
    """One line naming the CPU, cores, load and the libraries that matter."""
    import onnxruntime

    cpu = platform.processor() or platform.machine()
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (f"{cpu}, {os.cpu_count()} cores, load {load:.1f} at start; Python {platform.python_version()}, "
            f"numpy {np.__version__}, onnxruntime {onnxruntime.__version__}")


def matmul_rate(size: int = 1024, runs: int = 7) -> float:
    """numpy float32 matrix-multiply rate in FLOP/s (median of runs): the machine's reachable peak."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((size, size), dtype=np.float32)
    b = rng.standard_normal((size, size), dtype=np.float32)
    a @ b
    seconds = [timed(lambda: a @ b)[1] for _ in range(runs)]
    return 2 * size ** 3 / statistics.median(seconds)


def model_flops(token_counts: Sequence[int]) -> float:
    """Forward-pass FLOPs of MiniLM-L6 for inputs of these lengths ([CLS] and [SEP] included)."""
    total = 0.0
    for n in token_counts:
        dense = 2 * n * (4 * _HIDDEN * _HIDDEN + 2 * _HIDDEN * _FFN)  # Q, K, V, output; two FFN layers
        attention = 2 * 2 * n * n * _HIDDEN  # scores and weighted sum
        total += _LAYERS * (dense + attention)
    return total


def timed(fn: Callable[[], object]) -> tuple[object, float]:
    started = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - started


def resident_bytes() -> int:
    """This process's resident set size (Linux /proc; 0 elsewhere)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE")


def print_table(title: str, rows: Sequence[tuple[str, str, str]]) -> None:
    """A Markdown table of (figure, value, reference or target)."""
    print(f"\n### {title}\n")
    print("| figure | value | reference / target |")
    print("| --- | --- | --- |")
    for figure, value, reference in rows:
        print(f"| {figure} | {value} | {reference} |")
    print()


def require_corpus() -> None:
    if not ARTICLES.is_file():
        raise SystemExit(f"the Wikinews corpus is not at {ARTICLES} (it lives beside the repository in ../shared)")
