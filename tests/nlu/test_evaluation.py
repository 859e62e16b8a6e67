"""The held-out evaluation: independent of the training data, and the built-in engine meets the targets."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from bot.cli import main
from nlu import FALLBACK_INTENT
from nlu._builtin import BuiltinEngine
from nlu._evaluate import EvaluationReport, evaluate
from nlu._normalize import normalize
from nlu._training_data import EVAL_FILE, load_training_data


def _key(text: str) -> str:
    """Whitespace, punctuation, case, width and traditional/simplified differences do not count."""
    return "".join(ch for ch in normalize(text) if unicodedata.category(ch)[0] in "LN")


@pytest.fixture(scope="module")
def report() -> EvaluationReport:
    return evaluate(BuiltinEngine.load())


@pytest.mark.parametrize("name", ["heldout.yml", "blind.yml", "heldout_en.yml"])
def test_no_evaluation_example_is_in_the_training_data(name: str) -> None:
    training = {_key(text) for text, _ in load_training_data().examples}
    held_out = load_training_data(EVAL_FILE.with_name(name), evaluation=True).examples
    overlap = [text for text, _ in held_out if _key(text) in training]
    assert overlap == []


def test_evaluation_file_is_large_and_covers_out_of_scope() -> None:
    held_out = load_training_data(EVAL_FILE, evaluation=True)
    assert len(held_out.examples) >= 250
    assert sum(1 for _, intent in held_out.examples if intent == FALLBACK_INTENT) >= 40
    trained = set(load_training_data().intents) - {"out_of_scope"}
    assert trained <= set(held_out.intents)


def test_builtin_engine_meets_the_accuracy_targets(report: EvaluationReport) -> None:
    assert report.accuracy >= 0.95, report.confusions
    assert report.oos_precision >= 0.90, report.confusions
    assert report.oos_recall >= 0.90, report.confusions


def test_english_questions_are_understood_as_well() -> None:
    held_out = load_training_data(EVAL_FILE.with_name("heldout_en.yml"), evaluation=True)
    assert len(held_out.examples) >= 60
    assert set(load_training_data().intents) - {"out_of_scope"} <= set(held_out.intents)
    english = evaluate(BuiltinEngine.load(), EVAL_FILE.with_name("heldout_en.yml"))
    assert english.accuracy >= 0.90, english.confusions
    assert english.oos_recall >= 0.90, english.confusions


def test_evaluate_command_prints_the_figures(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["nlu", "evaluate"]) == 0
    out = capsys.readouterr().out
    for label in ("意图准确率 accuracy", "宏平均 F1", "超出范围 out of scope", "precision", "混淆 confusions"):
        assert label in out


def test_evaluate_command_on_another_file_and_as_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "mini.yml"
    data.write_text(
        'version: "3.1"\nnlu:\n- intent: condition_assets\n  examples: |\n    - 资产总额的要求是多少\n'
        "- intent: nlu_fallback\n  examples: |\n    - 明天拉萨下雨吗\n",
        encoding="utf-8",
    )
    assert main(["nlu", "evaluate", "--data", str(data), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["total"] == 2
    assert out["accuracy"] == 1.0


def test_evaluate_command_rejects_a_missing_file(tmp_path: Path) -> None:
    assert main(["nlu", "evaluate", "--data", str(tmp_path / "absent.yml")]) == 2
