"""The install is reproducible: constraints.txt pins every dependency within pyproject's ranges, and
`make` installs exactly those pins."""

from __future__ import annotations

import os
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

REPO = Path(__file__).resolve().parents[1]
tomllib = pytest.importorskip("tomllib")  # Python 3.11+


def pins() -> dict[str, Version]:
    found = {}
    for line in (REPO / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"constraints.txt: {line!r} is not a pin (NAME==VERSION)"
            found[canonicalize_name(name)] = Version(version)
    return found


def requirements() -> list[Requirement]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    listed = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        listed.extend(extra)
    return [Requirement(text) for text in listed if canonicalize_name(Requirement(text).name) != "archivist"]


def test_every_dependency_is_pinned_within_its_range():
    pinned = pins()
    for requirement in requirements():
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{requirement.name} is not in constraints.txt: run `make constraints`"
        assert requirement.specifier.contains(pinned[name], prereleases=True), \
            f"constraints.txt pins {name}=={pinned[name]}, outside pyproject's {requirement}"


@pytest.mark.skipif(os.environ.get("ARCHIVIST_CHECK_PINS") != "1",
                    reason="checks the installed versions only under `make test`, which installs the pins")
def test_the_installed_versions_are_the_pinned_ones():
    drift = []
    for name, version in pins().items():
        try:
            installed = Version(metadata.version(name))
        except metadata.PackageNotFoundError:
            continue  # constraints only limit versions: a package nothing needs on this platform is absent
        if Version(installed.base_version) != version and installed != version:
            drift.append(f"{name}: installed {installed}, pinned {version}")
    assert not drift, "; ".join(drift) + " (rerun `make install`, or `make constraints` to record a change)"
