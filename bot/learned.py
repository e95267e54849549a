"""The weights and thresholds learned from the tuning questions, kept in one file with the commands that made them.

bot/learned_weights.json has one section per fitted part: "retrieval", "extractive", "abstention"
(`python -m benchmarks.fit_answer`, `python -m benchmarks.calibrate_abstention`) and "support" (the
composed answer's check, `python -m benchmarks.fit_support`). Each section holds its command, the
date, what it was fitted on, its cross-validated figures and its "settings": values for the config
fields of the same names (RetrievalConfig, ExtractiveConfig, AbstentionConfig), which
Tuning.learned() applies over the hand-set defaults.
"""

from __future__ import annotations

import json
from pathlib import Path

LEARNED = Path(__file__).with_name("learned_weights.json")


def load_learned(path: Path = LEARNED) -> dict:
    """Every section of the file (an empty dict when it does not exist)."""
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def save_learned(sections: dict, path: Path = LEARNED) -> None:
    """Write the sections back, sorted, atomically (a crash leaves the old file)."""
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(dict(sorted(sections.items())), indent=2, ensure_ascii=False) + "\n",
                         encoding="utf-8")
    temporary.replace(path)


def learned_settings(part: str, sections: dict | None = None) -> dict:
    """The "settings" of one section ({} when it was never fitted), of `sections` or else of the file."""
    sections = load_learned() if sections is None else sections
    return dict(sections.get(part, {}).get("settings", {}))
