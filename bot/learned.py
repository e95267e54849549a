"""The values fitted on labelled data, kept in one file with the commands that made them: their only home.

bot/learned_weights.json has one section per fitted part: "abstention" and "retrieval"
(`python -m benchmarks.calibrate_abstention`), "support" (`python -m benchmarks.fit_support`). Each
section holds its command, the date, what it was fitted on, its figures and its "settings". A config
field whose value is fitted takes its default from here with `fitted(section, name)` and writes no
number of its own (tests/test_tuning.py checks both ways), so changing a fitted value means running
its command, never editing the code.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from bot.errors import ArchivistError

LEARNED = Path(__file__).with_name("learned_weights.json")


def load_learned(path: Path = LEARNED) -> dict:
    """Every section of the file (an empty dict when it does not exist)."""
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _shipped() -> dict:
    return load_learned()


def fitted(section: str, name: str) -> Any:
    """The fitted value of one setting; a clear error when the file lacks it (an incomplete install)."""
    try:
        return _shipped()[section]["settings"][name]
    except KeyError:
        raise ArchivistError(f"{LEARNED} has no fitted value for {section}.{name}; reinstall Archivist "
                             f"(pip install .), or run the command that fits it (see {LEARNED.name})") from None


def save_learned(sections: dict, path: Path = LEARNED) -> None:
    """Write the sections back, sorted, atomically (a crash leaves the old file)."""
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(dict(sorted(sections.items())), indent=2, ensure_ascii=False) + "\n",
                         encoding="utf-8")
    temporary.replace(path)
