"""The Rasa-format training data: it loads, covers every intent, and malformed data is named precisely."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from knowledge._loader import load_file
from knowledge.errors import KnowledgeError
from nlu._training_data import OUT_OF_SCOPE_INTENT, load_training_data, parse_training_data, strip_annotations


def test_nlu_yml_covers_exactly_the_declared_intents() -> None:
    data = load_training_data()
    declared = set(load_file("intents.yml")["intents"])
    assert set(data.intents) == declared | {OUT_OF_SCOPE_INTENT}


def test_every_intent_has_enough_varied_examples() -> None:
    data = load_training_data()
    for intent in data.intents:
        examples = [t for t, i in data.examples if i == intent]
        assert len(examples) >= 10, intent


def test_synonyms_and_lookups_are_loaded() -> None:
    data = load_training_data()
    assert data.synonyms["执照"] == "营业执照"
    assert "专精特新" in data.lookups["other_programme"]


def test_annotations_are_reduced_to_text() -> None:
    assert strip_annotations("资产[一百二十万](money)够吗") == "资产一百二十万够吗"
    assert strip_annotations('资产[一百二十万]{"entity": "money"}够吗') == "资产一百二十万够吗"


GOOD = {"intent": "greet", "examples": "- 你好\n"}


@pytest.mark.parametrize(
    ("doc", "key", "fragment"),
    [
        ({"version": "3.1"}, "nlu", "nlu"),
        ({"nlu": ["oops", GOOD]}, "nlu[0]", "映射"),
        ({"nlu": [{"examples": "- 你好"}, GOOD]}, "nlu[0]", "intent"),
        ({"nlu": [{"intent": "greet", "synonym": "x", "examples": "- 你好"}, GOOD]}, "nlu[0]", "恰好"),
        ({"nlu": [{"intent": "nlu_fallback", "examples": "- 天气"}, GOOD]}, "nlu[0].intent", "nlu_fallback"),
        ({"nlu": [{"intent": "Bad Name", "examples": "- 天气"}, GOOD]}, "nlu[0].intent", "无效"),
        ({"nlu": [{"intent": "thanks", "examples": ["谢谢"]}, GOOD]}, "nlu[0].examples", "多行文本"),
        ({"nlu": [{"intent": "thanks", "examples": "谢谢\n"}, GOOD]}, "nlu[0].examples[1]", "- "),
        ({"nlu": [{"intent": "thanks", "examples": "\n\n"}, GOOD]}, "nlu[0].examples", "没有例句"),
        ({"nlu": [{"intent": "thanks", "examples": "- 你好"}, GOOD]}, "nlu[1]", "同时标注"),
        ({"nlu": [GOOD]}, "nlu", "两个意图"),
    ],
)
def test_malformed_data_raises_a_typed_error_naming_the_key(doc: Any, key: str, fragment: str) -> None:
    with pytest.raises(KnowledgeError) as info:
        parse_training_data(doc, "nlu.yml")
    assert info.value.file == "nlu.yml"
    assert info.value.key == key
    assert fragment in info.value.problem


def test_yaml_syntax_error_names_the_file(tmp_path: Any) -> None:
    bad = tmp_path / "nlu.yml"
    bad.write_text("nlu: [\n", encoding="utf-8")
    with pytest.raises(KnowledgeError) as info:
        load_training_data(bad)
    assert info.value.file == str(bad)


def test_missing_file_is_a_typed_error(tmp_path: Any) -> None:
    with pytest.raises(KnowledgeError):
        load_training_data(tmp_path / "absent.yml")


def test_config_yml_is_a_rasa_chinese_pipeline() -> None:
    from nlu._training_data import NLU_DIR

    config = yaml.safe_load((NLU_DIR / "config.yml").read_text(encoding="utf-8"))
    assert config["language"] == "zh"
    names = [step["name"] for step in config["pipeline"]]
    assert names[0] == "JiebaTokenizer"
    assert "DIETClassifier" in names and "FallbackClassifier" in names
    assert names.count("CountVectorsFeaturizer") == 2
