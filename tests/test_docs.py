"""The README and the manual in docs/: short enough, linked correctly, complete, and free of issue numbers.

Fast and offline: reads Markdown files, the Settings dataclass and the argument parser; runs nothing.
"""

from __future__ import annotations

import argparse
import dataclasses
import re
from pathlib import Path
from urllib.parse import unquote

import pytest

from bot.cli import build_parser
from bot.settings import Settings, env_name

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"
README_MAX_LINES = 250
# Written separately from the rest of the manual; until it lands, links to it are reported as a skip.
PENDING_PAGES = {DOCS / "discord.md"}

_FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.MULTILINE | re.DOTALL)
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_ISSUE_WORD = re.compile(r"\b(?:issue|ticket|pull request|PR)s?\s*(?:#|no\.?\s*)?\d+", re.IGNORECASE)
_ISSUE_HASH = re.compile(r"(?<![\w&#/])#\d{2,}\b")


def pages() -> list[Path]:
    """README.md and every page of docs/ (including any page written since)."""
    return [README, *sorted(DOCS.glob("*.md"))]


def prose(text: str) -> str:
    """Markdown without fenced code blocks and inline code, where a bracket is not a link."""
    return _INLINE_CODE.sub("", _FENCE.sub("", text))


def links_in(text: str, folder: Path) -> list[tuple[str, Path]]:
    """(link as written, the file it points to) for every link of `text` to a file, relative to `folder`."""
    found = []
    for target in _LINK.findall(prose(text)):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE) or target.startswith(("#", "//")):
            continue  # http(s), mailto and other schemes; anchors within the page
        path = unquote(target.split("#", 1)[0].split("?", 1)[0])
        found.append((target, (folder / path).resolve()))
    return found


def relative_links(page: Path) -> list[tuple[str, Path]]:
    return links_in(page.read_text(encoding="utf-8"), page.parent)


def test_readme_is_short():
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= README_MAX_LINES, f"README.md has {len(lines)} lines; keep it to {README_MAX_LINES}"


def test_the_manual_exists():
    assert DOCS.is_dir() and (DOCS / "README.md").is_file() and len(list(DOCS.glob("*.md"))) >= 12


def test_relative_links_point_to_existing_files():
    broken = [f"{page.relative_to(ROOT)}: {target}" for page in pages() for target, path in relative_links(page)
              if not path.exists() and path not in PENDING_PAGES]
    assert not broken, "links to missing files:\n" + "\n".join(broken)


def test_pending_pages_exist():
    """Links to a page being written elsewhere are not failures yet; they are reported here as a skip."""
    linked = {path for page in pages() for _, path in relative_links(page)}
    missing = sorted(str(path.relative_to(ROOT)) for path in PENDING_PAGES & linked if not path.exists())
    if missing:
        pytest.skip(f"linked but not written yet (another engineer is writing it): {', '.join(missing)}")


def test_every_page_is_in_the_index():
    index = (DOCS / "README.md").read_text(encoding="utf-8")
    for page in [*DOCS.glob("*.md"), *PENDING_PAGES]:
        if page.name != "README.md":
            assert f"({page.name})" in index, f"docs/README.md does not link to {page.name}"
    readme = README.read_text(encoding="utf-8")
    assert "(docs/README.md)" in readme


def test_every_setting_is_documented():
    configuration = (DOCS / "configuration.md").read_text(encoding="utf-8")
    variables = [env_name(item) for item in dataclasses.fields(Settings)]
    assert "DISCORD_TOKEN" in variables and "ARCHIVIST_LLM_URL" in variables
    missing = [name for name in variables
               if not re.search(rf"(?<![A-Z0-9_]){re.escape(name)}(?![A-Z0-9_])", configuration)]
    assert not missing, f"docs/configuration.md does not name {', '.join(missing)}"


def _commands(parser: argparse.ArgumentParser, prefix: str = "archivist") -> list[tuple[str, argparse.ArgumentParser]]:
    """Every (full command, its parser) under `parser`, nested ones (`archivist llm check`) included."""
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.append((f"{prefix} {name}", sub))
                found.extend(_commands(sub, f"{prefix} {name}"))
    return found


def test_every_command_is_documented():
    text = (DOCS / "command-line.md").read_text(encoding="utf-8")
    commands = _commands(build_parser())
    assert len(commands) >= 10
    missing = [command for command, _ in commands if command not in text]
    assert not missing, f"docs/command-line.md does not name {', '.join(missing)}"


def test_every_option_is_documented():
    text = (DOCS / "command-line.md").read_text(encoding="utf-8")
    missing = [f"{command} {option}" for command, sub in _commands(build_parser()) for action in sub._actions
               for option in action.option_strings
               if option.startswith("--") and option != "--help" and not re.search(rf"{re.escape(option)}\b", text)]
    assert not missing, f"docs/command-line.md does not name {', '.join(missing)}"


@pytest.mark.parametrize("page", pages(), ids=lambda page: str(page.relative_to(ROOT)))
def test_no_issue_numbers(page):
    """The manual describes what is, not the tracker's history: no "issue 15", no "#17"."""
    text = _LINK_TARGET.sub("]()", page.read_text(encoding="utf-8"))  # anchors such as #2026-12-02 are not issues
    found = _ISSUE_WORD.findall(text) + _ISSUE_HASH.findall(text)
    assert not found, f"{page.name} mentions issue numbers: {found}"


def test_the_checks_catch_what_they_should():
    assert _ISSUE_WORD.search("before issue 15's answering policy") and _ISSUE_WORD.search("see Issue #3")
    assert _ISSUE_HASH.search("fixed in #17.") and not _ISSUE_HASH.search("&#39; or ## 2026")
    assert not _ISSUE_HASH.search(_LINK_TARGET.sub("]()", "[log](experiments.md#2026-12-02)"))
    written = "[a](a.md#x) [b](../b.py) [web](https://example.org) [here](#top) `[c](c.md)`\n```\n[d](d.md)\n```\n"
    links = links_in(written, DOCS)
    assert [target for target, _ in links] == ["a.md#x", "../b.py"]
    assert [path for _, path in links] == [DOCS / "a.md", ROOT / "b.py"]
