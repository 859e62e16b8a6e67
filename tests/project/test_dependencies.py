"""The install: pyproject's floors exclude versions with known vulnerabilities, and what is installed meets them."""

from __future__ import annotations

import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
# package → first version without the advisory (aiohttp: request smuggling, GHSA-9548-qrrj-x5pj; h11: chunked
# encoding smuggling, GHSA-vqfr-h8mv-ghfj; Jinja2: sandbox escape through |attr, GHSA-cpwx-vrp4-4pq7)
FIXED = {"aiohttp": "3.12.14", "h11": "0.16.0", "jinja2": "3.1.6"}


def floors() -> dict[str, Version]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    out: dict[str, Version] = {}
    for line in data["project"]["dependencies"]:
        req = Requirement(line)
        lows = [Version(s.version) for s in req.specifier if s.operator in (">=", "==", "~=")]
        if lows:
            out[req.name.lower()] = max(lows)
    return out


@pytest.mark.parametrize(("package", "fixed"), sorted(FIXED.items()))
def test_the_floor_excludes_vulnerable_versions(package: str, fixed: str) -> None:
    assert package in floors(), f"{package} has no lower bound in pyproject.toml"
    assert floors()[package] >= Version(fixed)


@pytest.mark.parametrize(("package", "fixed"), sorted(FIXED.items()))
def test_the_installed_version_is_not_vulnerable(package: str, fixed: str) -> None:
    assert Version(version(package)) >= Version(fixed)
