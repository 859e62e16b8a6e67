"""English answers: every answer intent in English, filled from the same data, the clauses cited by their
Chinese names, the user's figures judged in English against the thresholds of indicators.yml."""

from __future__ import annotations

import re
from datetime import date

import pytest

from knowledge import compose, load_file
from nlu import Entity, extract_entities

INTENTS = load_file("intents.yml")["intents"]
ANSWERED = sorted(name for name, spec in INTENTS.items() if spec["kind"] in ("answer", "open", "smalltalk"))
CITED = [name for name in ANSWERED if INTENTS[name]["kind"] in ("answer", "open")]
REFS = {c["ref"] for c in load_file("clauses.yml")["clauses"]}
TODAY = date(2026, 12, 7)
CJK = re.compile(r"[\u4e00-\u9fff]")


def minimum(key: str) -> float:
    """The threshold as written in indicators.yml (read here directly, not through the code under test)."""
    ind = load_file("indicators.yml")
    items = [*ind["basic"], *(it for fn in ind["functions"] for it in fn["items"])]
    return float(next(it["require"]["min"] for it in items if it["key"] == key))


def num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


@pytest.mark.parametrize("intent", [*ANSWERED, "nlu_fallback"])
def test_every_answer_has_an_english_text(intent: str) -> None:
    english, chinese = compose(intent, lang="en"), compose(intent)
    assert english.intent == chinese.intent and english.sources == chinese.sources
    assert english.text != chinese.text
    assert "None" not in english.text and "{{" not in english.text
    prose = CJK.sub("", english.text)
    assert len(re.findall(r"[A-Za-z]+", prose)) >= 10  # English words, not a Chinese text with a few names


@pytest.mark.parametrize("intent", CITED)
def test_english_answers_cite_the_clauses_by_their_chinese_names(intent: str) -> None:
    answer = compose(intent, lang="en")
    last = answer.text.splitlines()[-1]
    assert re.match(r"^(Basis|Related clauses): ", last), last
    assert last.split(": ", 1)[1].split("; ") == list(answer.sources)
    assert set(answer.sources) <= REFS


def test_the_fallback_in_english_cites_nothing() -> None:
    answer = compose("nlu_fallback", lang="en")
    assert answer.fallback and answer.sources == ()
    assert "outside" in answer.text and "Basis" not in answer.text


THRESHOLDS = [
    ("condition_years", "years_operating", "at least {} years"),
    ("condition_assets", "total_assets_wan", "at least {} million yuan"),
    ("condition_sme_served", "smes_served_last_year", "at least {} SMEs a year"),
    ("condition_satisfaction", "satisfaction_pct", "at least {}%"),
    ("condition_aggregation", "aggregated_orgs", "at least {} service organisations"),
    ("condition_public_welfare", "public_welfare_pct", "at least {}% of all services"),
    ("condition_staff", "service_staff", "At least {} people"),
    ("condition_qualified_staff", "qualified_staff_pct", "at least {}%"),
    ("function_training", "trainees_per_year", "at least {} person-times a year"),
    ("functions_overview", "trainees_per_year", "at least {} person-times a year"),
    ("conditions_overview", "service_staff", "at least {} people serving SMEs"),
    ("who_can_apply", "years_operating", "at least {} years in operation"),
]


@pytest.mark.parametrize(("intent", "key", "pattern"), THRESHOLDS)
def test_english_thresholds_equal_indicators(intent: str, key: str, pattern: str) -> None:
    value = minimum(key) / 100 if key == "total_assets_wan" else minimum(key)  # 万元 → million yuan
    assert pattern.format(num(value)) in compose(intent, lang="en").text


FIGURES = [
    # (intent, question, must contain)
    ("condition_assets", "our total assets are 800k yuan, is that enough?",
     ["based on the 0.8 million yuan (80 万元) you mentioned, this does not meet",
      "short by 0.2 million yuan (20 万元)", "“资产总额不低于100万元”"]),
    ("condition_assets", "is RMB 1.2 million in assets ok", ["1.2 million yuan (120 万元) you mentioned, this meets"]),
    ("condition_staff", "we have 9 people serving SMEs, enough?",
     ["the 9 people you mentioned, this does not meet the requirement of at least 10 people", "short by 1 person"]),
    ("condition_satisfaction", "our satisfaction is 78 percent",
     ["the 78% you mentioned, this does not meet", "short by 2 percentage points"]),
    ("condition_satisfaction", "satisfaction 85%", ["the 85% you mentioned, this meets"]),
    ("condition_sme_served", "we served 25 SMEs last year", ["the 25 companies you mentioned, this meets"]),
    ("function_training", "we trained 500 person-times", ["short by 100 person-times"]),
    ("condition_years", "we have operated for 1.5 years", ["the 1.5 years you mentioned, this does not meet",
                                                           "short by 0.5 years"]),
    ("condition_years", "we were founded in March 2019", [
        "counting from the “March 2019” you mentioned to 2026-12-07 (today;",
                                                          "this meets the requirement of at least 2 years"]),
]


@pytest.mark.parametrize(("intent", "question", "expected"), FIGURES, ids=[f[1] for f in FIGURES])
def test_figures_in_english_questions_are_judged_in_english(intent: str, question: str, expected: list[str]) -> None:
    answer = compose(intent, question, extract_entities(question), TODAY, lang="en")
    for words in expected:
        assert words in answer.text
    assert answer.checks and "you mentioned" in answer.text.split("\n\n")[0]  # the verdict on the figure first


def test_english_overview_judges_each_figure_by_its_words() -> None:
    q = "we have operated 3 years, total assets are RMB 900,000, satisfaction 85% and 70% of our staff have degrees"
    answer = compose("conditions_overview", q, extract_entities(q), TODAY, lang="en")
    by_key = {c.key: c for c in answer.checks}
    assert set(by_key) == {"years_operating", "total_assets_wan", "satisfaction_pct", "qualified_staff_pct"}
    assert not by_key["total_assets_wan"].passed and by_key["total_assets_wan"].gap == 10
    assert by_key["satisfaction_pct"].passed and by_key["qualified_staff_pct"].passed


def test_the_same_figure_gets_the_same_verdict_in_both_languages() -> None:
    english = compose("condition_assets", "assets 800k yuan", extract_entities("assets 800k yuan"), TODAY, lang="en")
    chinese = compose("condition_assets", "资产80万", [Entity("money", 800000, 2, 5, "80万")], TODAY)
    assert english.checks[0].value == chinese.checks[0].value == 80
    assert english.checks[0].gap == chinese.checks[0].gap == 20
