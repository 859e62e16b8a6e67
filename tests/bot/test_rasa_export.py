"""``shenbao rasa export``: the Rasa project's structure, checked offline (Rasa trains it in the benchmark)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.cli import main
from knowledge import compose, has_answer, knowledge_base

NLU_DIR = Path(__file__).resolve().parents[2] / "nlu"


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("rasa_project")
    assert main(["rasa", "export", str(target)]) == 0
    return target


def _nlu_intents() -> list[str]:
    return [item["intent"] for item in _load(NLU_DIR / "nlu.yml")["nlu"] if "intent" in item]


def test_export_writes_a_rasa_project(project: Path) -> None:
    names = sorted(str(p.relative_to(project)) for p in project.rglob("*") if p.is_file())
    assert names == ["config.yml", "credentials.yml", "data/nlu.yml", "data/rules.yml", "domain.yml",
                     "endpoints.yml"]
    assert (project / "data" / "nlu.yml").read_text(encoding="utf-8") == (NLU_DIR / "nlu.yml").read_text(
        encoding="utf-8")
    assert "rest" in _load(project / "credentials.yml")


def test_every_intent_has_a_rule_whose_response_exists(project: Path) -> None:
    domain, rules = _load(project / "domain.yml"), _load(project / "data" / "rules.yml")
    assert set(_nlu_intents()) | {"nlu_fallback"} <= set(domain["intents"])
    by_intent = {r["steps"][0]["intent"]: r["steps"][1]["action"] for r in rules["rules"]}
    assert set(by_intent) == set(domain["intents"])
    assert all(len(r["steps"]) == 2 for r in rules["rules"])
    assert set(by_intent.values()) <= set(domain["responses"])
    assert by_intent["out_of_scope"] == by_intent["nlu_fallback"] == "utter_nlu_fallback"
    assert "utter_default" in domain["responses"]


def test_responses_are_shenbaos_answers(project: Path) -> None:
    responses = _load(project / "domain.yml")["responses"]
    answered = [i for i in _nlu_intents() if has_answer(i) and i != "out_of_scope"]
    assert len(answered) >= 40
    for intent in answered:
        (response,) = responses[f"utter_{intent}"]
        answer = compose(intent)
        assert response["text"] == answer.text
        assert [(b["title"], b["payload"]) for b in response.get("buttons", [])] == list(answer.buttons)
    assert "依据：二、申报条件（一）第1项" in responses["utter_condition_assets"][0]["text"]
    assert "100万元" in responses["utter_condition_assets"][0]["text"]


def test_action_intents_point_to_shenbao_and_texts_are_safe_for_rasa(project: Path) -> None:
    responses = _load(project / "domain.yml")["responses"]
    kb = knowledge_base()
    actions = [i for i in _nlu_intents() if kb.kind(i) == "action"]
    assert actions
    for intent in actions:
        text = responses[f"utter_{intent}"][0]["text"]
        assert "申报助手" in text and "您" in text
    # Rasa fills {slot} placeholders in response texts: none may appear by accident
    assert not any("{" in r[0]["text"] or "}" in r[0]["text"] for r in responses.values())


def test_config_keeps_the_nlu_pipeline_and_adds_rule_policy(project: Path) -> None:
    config, nlu_config = _load(project / "config.yml"), _load(NLU_DIR / "config.yml")
    assert config["pipeline"] == nlu_config["pipeline"] and config["language"] == "zh"
    assert [p["name"] for p in config["policies"]] == ["RulePolicy"]


def test_export_refuses_a_non_empty_folder(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rasa", "export", str(project)]) == 2
    assert "不是空的" in capsys.readouterr().err
    assert main(["rasa", "export", "--force", str(project)]) == 0
