"""English messages: the language is detected, figures become the same entities as in Chinese, questions get
the same intents, and Chinese messages are read exactly as before."""

from __future__ import annotations

import pytest

from nlu import FALLBACK_INTENT, detect_language, extract_entities
from nlu._builtin import BuiltinEngine
from nlu._training_data import load_training_data


@pytest.fixture(scope="module")
def engine() -> BuiltinEngine:
    return BuiltinEngine.load()


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("What is the minimum total assets?", "en"),
        ("yes", "en"),
        ("What is the minimum total assets。", "en"),  # typed with a Chinese input method
        ("ｗｈａｔ ａｂｏｕｔ ａｓｓｅｔｓ", "en"),  # full-width Latin letters
        ("资产总额要多少", "zh"),
        ("资产 1.2 million 够吗", "zh"),  # any Chinese character: the Chinese side reads it
        ("我们满意度85%", "zh"),
        ("85%", "zh"),  # figures alone are read as before
        ("120", "zh"),
        ("", "zh"),
        ("😀😀", "zh"),
        ("Привет мир", "zh"),  # not Latin
    ],
)
def test_language_is_detected(text: str, lang: str) -> None:
    assert detect_language(text) == lang


ENTITIES: list[tuple[str, str, float | int | str, str, str | None]] = [
    # text, entity, value, matched text, unit
    ("our total assets are 1.2 million yuan", "money", 1_200_000, "1.2 million yuan", None),
    ("total assets RMB 800,000", "money", 800_000, "RMB 800,000", None),
    ("assets of 800k yuan", "money", 800_000, "800k yuan", None),
    ("assets are 800k", "money", 800_000, "800k", None),
    ("about ¥1,500,000 in assets", "money", 1_500_000, "¥1,500,000", None),
    ("RMB1.2m", "money", 1_200_000, "RMB1.2m", None),
    ("100 wan yuan", "money", 1_000_000, "100 wan yuan", None),
    ("satisfaction is 85%", "percent", 85, "85%", None),
    ("satisfaction is 85 percent", "percent", 85, "85 percent", None),
    ("eighty-five percent satisfied", "percent", 85, "eighty-five percent", None),
    ("we have 9 people", "count", 9, "9 people", "人"),
    ("9 staff", "count", 9, "9 staff", "人"),
    ("we have 9 full-time employees", "count", 9, "9 full-time employees", "人"),
    ("we served 25 companies", "count", 25, "25 companies", "家"),
    ("25 SMEs last year", "count", 25, "25 SMEs", "家"),
    ("3 partner organizations", "count", 3, "3 partner", "家"),
    ("we trained 600 trainees", "count", 600, "600 trainees", "人次"),
    ("600 person-times a year", "count", 600, "600 person-times", "人次"),
    ("2 bank-enterprise matchmaking events", "count", 2, "2 bank-enterprise matchmaking events", "次"),
    ("operating for 3 years", "duration", 3, "3 years", None),
    ("two and a half years", "duration", 2.5, "two and a half years", None),
    ("only 18 months", "duration", 1.5, "18 months", None),
    ("half a year", "duration", 0.5, "half a year", None),
    ("founded in March 2019", "date", "2019-03-31", "March 2019", None),
    ("established on 15 March 2019", "date", "2019-03-15", "15 March 2019", None),
    ("registered 2019-03", "date", "2019-03-31", "2019-03", None),
    ("operating since 2018", "date", "2018-12-31", "2018", None),
    ("send it to Wang.Lei@example.org", "email", "wang.lei@example.org", "Wang.Lei@example.org", None),
    ("1,200,000", "number", 1_200_000, "1,200,000", None),
    ("nine", "number", 9, "nine", None),
]


@pytest.mark.parametrize(("text", "entity", "value", "matched", "unit"), ENTITIES)
def test_english_figures_become_the_same_entities(text: str, entity: str, value: float | int | str, matched: str,
                                                  unit: str | None) -> None:
    found = [(e.entity, e.value, e.text, e.unit) for e in extract_entities(text)]
    assert found == [(entity, value, matched, unit)]


@pytest.mark.parametrize(
    "text",
    ["once a year", "What is the minimum total assets?", "$200k in assets", "200k dollars",
     "we have a business license"],
)
def test_english_text_without_a_figure_in_yuan_has_no_entity(text: str) -> None:
    assert extract_entities(text) == ()


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        ("our total assets are 1.2 million yuan", "我们资产总额120万元"),
        ("we have 9 people", "我们有9个人"),
        ("we served 25 companies", "服务了25家企业"),
        ("600 person-times", "600人次"),
        ("satisfaction 85%", "满意度85%"),
    ],
)
def test_english_and_chinese_figures_agree(english: str, chinese: str) -> None:
    def figures(text: str) -> list[tuple[str, float | int | str, str | None]]:
        return [(e.entity, e.value, e.unit) for e in extract_entities(text)]

    assert figures(english) == figures(chinese)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("What is the minimum total assets?", "condition_assets"),
        ("our assets are 800k yuan, enough?", "condition_assets"),
        ("how many years must we have operated", "condition_years"),
        ("we were founded in March 2019, can we apply", "condition_years"),
        ("is 85% user satisfaction enough", "condition_satisfaction"),
        ("we only have 9 people on the team serving smes, is that enough staff", "condition_staff"),
        ("which organisations may apply", "who_can_apply"),
        ("what documents must we submit", "materials_overview"),
        ("how long is the publicity period", "publicity"),
        ("who recommends applicants", "recommendation"),
        ("is there an application fee", "open_fee"),
        ("how many trainees per year does the training function need", "function_training"),
        ("hello", "greet"),
        ("thank you", "thanks"),
        ("I want to check if we are eligible", "selfcheck_start"),
        ("when is the deadline", "deadline"),
        ("what's the weather in lhasa tomorrow", FALLBACK_INTENT),
        ("qwertyuiop", FALLBACK_INTENT),
        ("no", FALLBACK_INTENT),  # a bare yes/no outside the self-check is nothing to act on
    ],
)
def test_english_questions_get_the_intents_of_their_chinese_equivalents(engine: BuiltinEngine, text: str,
                                                                        intent: str) -> None:
    result = engine.parse(text)
    assert (result.intent, result.lang) == (intent, "en")


def test_the_parse_says_which_language_and_keeps_rasas_shape(engine: BuiltinEngine) -> None:
    english, chinese = engine.parse("What is the minimum total assets?"), engine.parse("资产总额要多少")
    assert (english.lang, chinese.lang) == ("en", "zh")
    assert english.intent == chinese.intent == "condition_assets"
    assert set(english.to_dict()) == {"text", "intent", "entities", "intent_ranking"}


def test_chinese_is_read_by_a_model_trained_on_chinese_only(engine: BuiltinEngine) -> None:
    data = load_training_data()
    chinese, english = data.for_language("zh"), data.for_language("en")
    assert len(chinese.examples) + len(english.examples) == len(data.examples)
    assert all(detect_language(text) == "en" for text, _ in english.examples)
    assert set(engine.models) == {"zh", "en"}
    assert "w:assets" in engine.models["en"].vocab and "w:assets" not in engine.models["zh"].vocab


def test_every_intent_has_english_examples() -> None:
    data = load_training_data()
    english = data.for_language("en")
    counts = {intent: sum(1 for _, i in english.examples if i == intent) for intent in data.intents}
    assert min(counts.values()) >= 8, counts
