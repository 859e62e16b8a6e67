"""Locked installs: requirements.lock (shenbao's venv) and scripts/rasa-requirements.lock (the Rasa sidecar) pin
every package with hashes, the Makefile and scripts/rasa.sh install from them in hash-checking mode, and the venv
running these tests holds exactly what the lock says."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import distributions
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "requirements.lock"
RASA_LOCK = ROOT / "scripts" / "rasa-requirements.lock"
ENTRY = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)")


def parse(path: Path) -> dict[str, tuple[str, list[str]]]:
    """name → (version, hashes), from a lock in pip's requirements format (entries continued with backslashes)."""
    out: dict[str, tuple[str, list[str]]] = {}
    text = path.read_text(encoding="utf-8").replace("\\\n", " ")
    for line in text.splitlines():
        line = line.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        match = ENTRY.match(line)
        assert match, f"{path.name}: not a pinned entry: {line[:80]}"
        name = canonicalize_name(match.group(1))
        assert name not in out, f"{path.name}: {name} twice"
        out[name] = (match.group(2), re.findall(r"--hash=sha256:([0-9a-f]{64})", line))
    return out


@pytest.mark.parametrize("path", [LOCK, RASA_LOCK], ids=lambda p: p.name)
def test_every_entry_is_pinned_and_hashed(path: Path) -> None:
    entries = parse(path)
    assert len(entries) > 10
    for name, (_version, hashes) in entries.items():
        assert hashes, f"{path.name}: {name} has no hash"


def test_the_lock_covers_pyproject() -> None:
    """Every dependency of pyproject.toml (the dev extra and the build backend included) is in the lock, at a
    version its specifier allows: a pyproject change without `bash scripts/lock.sh` fails here."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    wanted = [*data["project"]["dependencies"], *data["project"]["optional-dependencies"]["dev"]]
    wanted += data["build-system"]["requires"]
    entries = parse(LOCK)
    for line in wanted:
        req = Requirement(line)
        name = canonicalize_name(req.name)
        assert name in entries, f"{name} is not in requirements.lock: run bash scripts/lock.sh"
        assert req.specifier.contains(Version(entries[name][0]), prereleases=True), (
            f"requirements.lock has {name}=={entries[name][0]}, pyproject.toml wants {req.specifier}"
        )


def test_the_running_venv_is_the_lock() -> None:
    """Every distribution installed where these tests run is in the lock at the locked version (shenbao itself
    excepted), and nothing of the lock is missing."""
    entries = parse(LOCK)
    installed = {canonicalize_name(d.metadata["Name"]): d.version for d in distributions()}
    installed.pop("shenbao", None)
    wrong = {name: v for name, v in installed.items() if name not in entries or entries[name][0] != v}
    assert not wrong, f"installed but not as locked: {wrong} (make setup rebuilds the venv from the lock)"
    missing = sorted(set(entries) - set(installed))
    assert not missing, f"locked but not installed: {missing}"


def test_the_makefile_installs_from_the_lock_with_hashes() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^LOCK := requirements\.lock$", makefile, re.M)
    target = re.search(r"^\$\(BIN\)/\.installed:(.*)$", makefile, re.M)
    assert target and "pyproject.toml" in target.group(1) and "$(LOCK)" in target.group(1)
    assert "pip install -q --require-hashes -r $(LOCK)" in makefile
    assert "pip install -q --no-deps --no-build-isolation -e ." in makefile
    # no other install that could pull unpinned packages
    installs = re.findall(r"-m pip install [^\n]*", makefile)
    assert len(installs) == 2, installs


def test_the_rasa_sidecar_installs_from_its_lock_with_hashes() -> None:
    script = (ROOT / "scripts" / "rasa.sh").read_text(encoding="utf-8")
    assert 'LOCK="$ROOT/scripts/rasa-requirements.lock"' in script
    assert 'pip install --require-hashes --no-deps -r "$LOCK"' in script
    installs = re.findall(r"-m pip install [^\n]*", script)
    assert len(installs) == 1, installs
    # the venv's marker is named after the lock's content, so a changed lock rebuilds the venv
    assert re.search(r'^MARKER=.*sha256sum "\$LOCK"', script, re.M)
    entries = parse(RASA_LOCK)
    for name in ("rasa", "tensorflow", "jieba", "pip", "setuptools"):
        assert name in entries, f"{name} is not in the Rasa lock"
