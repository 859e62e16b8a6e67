"""The scripted applicant of benchmarks/selfcheck_simulation.py answers 50 generated organisations in varied
natural phrasing through the whole dialogue (real NLU, real rule engine): the dialogue's verdict, failed and
missing lists must equal ``evaluate()`` on the same profiles, every time."""

from __future__ import annotations

import importlib.util
import statistics
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[3] / "benchmarks" / "selfcheck_simulation.py"


def load_simulation() -> ModuleType:
    spec = importlib.util.spec_from_file_location("selfcheck_simulation", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_fifty_simulated_applicants_get_the_rule_engines_verdict() -> None:
    outcomes = load_simulation().simulate(profiles=50, seed=2022)
    assert len(outcomes) == 50
    wrong = [(i, o.expected, o.got) for i, o in enumerate(outcomes) if o.expected != o.got]
    assert wrong == []
    assert all(o.failed_equal and o.missing_equal for o in outcomes)
    assert {o.expected for o in outcomes} == {"eligible", "ineligible", "incomplete"}  # every path is exercised
    assert statistics.median(o.turns for o in outcomes) < 40


def test_generated_profiles_are_valid_and_deterministic() -> None:
    import random

    from dialogs.selfcheck import validate_profile

    sim = load_simulation()
    first = [sim.generate_profile(random.Random(5)) for _ in range(3)]
    again = [sim.generate_profile(random.Random(5)) for _ in range(3)]
    assert first == again
    for profile in first:
        assert validate_profile(sim.expected_profile(profile))
