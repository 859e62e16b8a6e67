"""org_kinds.yml and roles.yml in English: the kind or body an English message names, the verdict (yes / no / depends
on) and the recommending body's steps in English with the clause by its Chinese name, and a broken copy of the English
data reported with its file and key."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from knowledge import (
    KNOWLEDGE_DIR,
    Judgement,
    KnowledgeError,
    can_apply_answer,
    load_file,
    org_data,
    role_answer,
    validate,
)

CLAUSE = "二、申报条件（一）第1项"
FIRST_WORDS = {"can": "Yes, ", "cannot": "No, ", "depends": "Whether "}
VERDICT_WORDS = {"can": " can apply", "cannot": " cannot apply", "depends": " depends on "}
STEPS = ("测评", "运营情况、服务业绩、满意度", "推荐表", "附件1", "application materials", "经济和信息化厅")
RECOMMENDERS = load_file("clauses.yml")["document"]["recommenders"]  # read here, not through the code under test
FIVE = load_file("clauses.yml")["applicant_kinds"]["kinds"]
TYPE_NAMES = next(b for b in load_file("indicators.yml")["basic"] if b["key"] == "org_type")["choices"]
CHINESE_ONLY = ("贵单位", "您", "依据：")


def judge(text: str) -> tuple[Judgement, ...]:
    return org_data().kinds.judge(text, "en")


def first_paragraph(text: str) -> str:
    return text.split("\n\n")[0]


@pytest.mark.parametrize(("text", "kind", "verdict"), [
    ("Can a branch office apply?", "branch", "cannot"),
    ("can branch offices apply", "branch", "cannot"),
    ("Is a Branch Office of a Shanghai company eligible?", "branch", "cannot"),
    ("Can a subsidiary apply?", "subsidiary", "can"),
    ("can subsidiaries of a group apply on their own", "subsidiary", "can"),
    ("Can a subsidiary of a state-owned enterprise apply?", "subsidiary", "can"),  # the subsidiary is asked about
    ("Can a public institution apply?", "public_institution", "depends"),
    ("are public institutions eligible", "public_institution", "depends"),
    ("Can a private non-enterprise unit apply?", "private_non_enterprise", "depends"),
    ("Can an industry association apply?", "association", "depends"),
    ("what about a chamber of commerce?", "association", "depends"),
    ("Can a university apply?", "school", "depends"),
    ("can universities apply", "school", "depends"),
    ("We are a representative office, can we apply?", "office", "cannot"),
    ("can an individual apply", "individual", "cannot"),
    ("Can a limited partnership apply?", "individual", "cannot"),
    ("can a law firm apply", "professional_firm", "depends"),
    ("Can an accounting firm run as a partnership apply?", "professional_firm", "cannot"),  # not "an individual"
    ("What if our branch office becomes a subsidiary?", "subsidiary", "can"),
    ("is an inspection and testing centre eligible", "tech_service", "can"),
    ("Can an incubator apply?", "incubator", "depends"),
    ("Can a state-owned enterprise apply?", "ownership", "depends"),
    # several kinds describing one organisation: the listed type is the one asked about
    ("Can a research institute under a university apply?", "research", "depends"),  # legal personality not said
    ("We are a research institute with independent legal person status, can we apply?", "research", "can"),
    ("a research institute that is not an independent legal person, can it apply?", "research", "cannot"),
    ("We are a private non-enterprise unit doing technical services, registered as a legal person. Can we apply?",
     "tech_service", "can"),
    ("We are a branch office doing technical services, can we apply?", "tech_service", "cannot"),
    ("can a subsidiary that does inspection and testing apply", "tech_service", "can"),
])
def test_the_organisation_asked_about_and_its_verdict_first(text: str, kind: str, verdict: str) -> None:
    (found,) = judge(text)
    assert (found.kind.key, found.verdict) == (kind, verdict)
    answer = can_apply_answer((found,), lang="en")
    first = first_paragraph(answer.text)
    assert first.startswith(FIRST_WORDS[verdict]) and VERDICT_WORDS[verdict] in first.split(". ")[0], first
    assert answer.sources == (CLAUSE,) and answer.text.endswith(f"Basis: {CLAUSE}")
    assert not any(word in answer.text for word in CHINESE_ONLY)
    if verdict == "cannot":
        assert " can apply" not in first
    if found.basis in ("legal_unknown", "legal_yes", "legal_no"):
        assert "independent legal person status" in first


@pytest.mark.parametrize(("text", "verdicts"), [
    ("Can a subsidiary or a branch office apply?", [("subsidiary", "can"), ("branch office", "cannot")]),
    ("can subsidiaries, branch offices and representative offices apply",
     [("subsidiaries", "can"), ("branch offices", "cannot"), ("representative offices", "cannot")]),
    ("Public institutions or private non-enterprise units, which can apply?",
     [("Public institutions", "depends"), ("private non-enterprise units", "depends")]),
])
def test_kinds_asked_one_by_one(text: str, verdicts: list[tuple[str, str]]) -> None:
    found = judge(text)
    assert [(j.word, j.verdict) for j in found] == verdicts
    text = can_apply_answer(found, lang="en").text
    starts = [f"{FIRST_WORDS[j.verdict]}{j.kind.en.label}" for j in found]
    positions = [text.find(start) for start in starts]
    assert -1 not in positions and positions == sorted(positions), text


def test_a_loose_self_description_asks_which_of_the_five() -> None:
    (own,) = judge("We are a construction company, can we apply?")
    assert own.to_confirm
    text = can_apply_answer((own,), lang="en").text
    assert "depends on" in text and "Is your organisation one of them?" in text
    assert all(f"({TYPE_NAMES[key]})" in text for key in FIVE)  # the five by their Chinese names too
    (other,) = judge("can a construction company apply")  # asked about, not a self-description
    assert not other.to_confirm and "your organisation" not in can_apply_answer((other,), lang="en").text


@pytest.mark.parametrize("text", ["who can apply?", "What kinds of organisations are eligible?",
                                  "what is the minimum total assets", "how do we recommend a platform"])
def test_no_kind_in_a_general_question(text: str) -> None:
    assert judge(text) == ()


@pytest.mark.parametrize("text", ["we are officially registered, can we apply?", "our officers ask if they can apply"])
def test_words_are_whole_words(text: str) -> None:
    assert judge(text) == ()  # "officially" and "officers" are no office


@pytest.mark.parametrize("key", sorted(org_data().kinds.kinds))
def test_every_kind_has_its_english_verdict(key: str) -> None:
    kind = org_data().kinds.kinds[key]
    english_words = load_file("org_kinds.yml")["kinds"][key]["en"]["words"]
    (found,) = judge(f"can {english_words[0]} apply?")
    assert found.kind == kind
    answer = can_apply_answer((found,), lang="en")
    assert answer.text.startswith(f"{FIRST_WORDS[kind.verdict]}{kind.en.label}")
    assert ("does not name this kind of organisation" in answer.text) == kind.unnamed
    if kind.unnamed:  # with its Chinese name, to look for in the notice
        assert f"({kind.label})" in answer.text
    assert ("confirm with your recommending body" in answer.text) == (kind.verdict == "depends")
    assert not any(word in answer.text for word in CHINESE_ONLY)


def test_a_recommender_is_not_told_to_ask_the_recommending_body() -> None:
    found = judge("Can a public institution apply?")
    assert "your recommending body" in can_apply_answer(found, lang="en").text
    text = can_apply_answer(found, recommender=True, lang="en").text
    assert "your recommending body" not in text and "confirm with the Department" in text


@pytest.mark.parametrize(("text", "role", "stated", "via"), [
    ("We are the Lhasa bureau of economy and information technology, how do we recommend a platform?", "city_bureau",
     True, False),
    ("I work at the Shigatse EIT bureau", "city_bureau", True, False),
    ("this is the Nyingchi economic and information technology bureau", "city_bureau", True, False),
    ("We are the Chengguan District EIT bureau", "county_bureau", True, False),
    ("Can a county EIT bureau recommend?", "county_bureau", False, False),
    ("Should we go through the EIT bureau?", "city_bureau", False, True),
    ("how does a park management committee recommend companies", "park_committee", False, False),
    ("We are the Lhasa economic and technological development zone management committee", "park_committee", True,
     False),
    ("We are a company in the Lhasa high-tech zone", "park_committee", False, True),
    ("We are a county-level industrial park, how do we recommend a platform?", "county_park", True, False),
    ("We are a city-level park, can we recommend?", "county_park", True, False),
    ("We are a national-level development zone, can we recommend platforms?", "park_committee", True, False),
    ("we are a sub-district office, can we recommend?", "local_government", True, False),
    ("can an industry association recommend", "association", False, False),
    ("We are the Lhasa science and technology bureau", "other_department", True, False),
    ("we are the applicant", "applicant", True, False),
])
def test_role_found(text: str, role: str, stated: bool, via: bool) -> None:
    found = org_data().roles.find(text, "en")
    assert found is not None
    assert (found.role.key, found.stated, found.via) == (role, stated, via)


@pytest.mark.parametrize("text", ["we are park-based companies, who recommends us?", "who recommends platforms?",
                                  "who fills in the recommendation form?", "Is there a parking lot requirement?"])
def test_no_body_when_it_is_only_a_place_or_not_named(text: str) -> None:
    assert org_data().roles.find(text, "en") is None


@pytest.mark.parametrize("text", ["We are the Lhasa bureau of economy and information technology",
                                  "We are the management committee of the Lhasa high-tech zone"])
def test_recommender_steps_in_the_notice_order_and_no_contact_advice(text: str) -> None:
    found = org_data().roles.find(text, "en")
    assert found is not None and found.role.recommender
    answer = role_answer("recommendation", found, lang="en")
    assert answer is not None
    positions = [answer.text.find(step) for step in STEPS]
    assert -1 not in positions and positions == sorted(positions), answer.text
    assert "contact" not in answer.text.lower() and answer.text.startswith("Your ")
    assert answer.text.endswith("Basis: 三、申请材料（一）; 四、申报审批流程（二）")


@pytest.mark.parametrize("text", ["We are a county-level industrial park", "a county EIT bureau",
                                  "we are a sub-district office", "an industry association",
                                  "We are the Lhasa science and technology bureau"])
def test_a_body_that_does_not_recommend_is_told_who_does(text: str) -> None:
    found = org_data().roles.find(text, "en")
    assert found is not None and not found.role.recommender
    answer = role_answer("recommendation", found, lang="en")
    assert answer is not None
    assert "is not a recommending body" in first_paragraph(answer.text)
    assert all(name in answer.text for name in RECOMMENDERS)  # who does, by their Chinese names too
    assert "测评" not in answer.text  # not told the recommender's steps as its own


@pytest.mark.parametrize(("intent", "words"), [
    ("open_submission", ["recommendation form", "附件1", "经济和信息化厅"]),
    ("materials_overview", ["recommendation form", "附件1", "申请报告"]),
    ("process_overview", ["experts", "推荐表", "经济和信息化厅"]),
])
def test_other_intents_answered_for_a_recommender(intent: str, words: list[str]) -> None:
    found = org_data().roles.find("We are the Shannan EIT bureau", "en")
    assert found is not None
    answer = role_answer(intent, found, lang="en")
    assert answer is not None and all(w in answer.text for w in words), answer.text
    assert "your recommending body" not in answer.text and "contact" not in answer.text.lower()


def test_an_applicant_gets_the_usual_answers() -> None:
    found = org_data().roles.find("we are the applicant", "en")
    assert found is not None
    assert role_answer("recommendation", found, lang="en") is None


# ---------------------------------------------------------------- broken copies


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return target


def edit_yaml(path: Path, change: Callable[[dict], None]) -> None:  # type: ignore[type-arg]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _no_english(d: dict) -> None:  # type: ignore[type-arg]
    del d["kinds"]["branch"]["en"]


def _no_english_label(d: dict) -> None:  # type: ignore[type-arg]
    del d["kinds"]["branch"]["en"]["label"]


def _no_english_advice(d: dict) -> None:  # type: ignore[type-arg]
    del d["kinds"]["office"]["en"]["advice"]  # the Chinese kind has advice


def _no_english_depends_on(d: dict) -> None:  # type: ignore[type-arg]
    del d["kinds"]["school"]["en"]["depends_on"]


def _english_word_twice(d: dict) -> None:  # type: ignore[type-arg]
    d["kinds"]["office"]["en"]["words"].append("Branch-Office")  # the same words as branch's, as found


def _english_word_without_words(d: dict) -> None:  # type: ignore[type-arg]
    d["kinds"]["office"]["en"]["words"].append("分公司办事处")


def _bad_head(d: dict) -> None:  # type: ignore[type-arg]
    d["en"]["head"] = "middle"


def _no_english_deny(d: dict) -> None:  # type: ignore[type-arg]
    d["en"]["legal_person"]["deny"] = []


def _no_english_role(d: dict) -> None:  # type: ignore[type-arg]
    del d["roles"]["county_park"]["en"]


def _no_english_hint(d: dict) -> None:  # type: ignore[type-arg]
    del d["roles"]["county_park"]["en"]["hint"]


def _no_english_lower_words(d: dict) -> None:  # type: ignore[type-arg]
    del d["roles"]["city_bureau"]["en"]["lower_words"]


def _no_english_cues(d: dict) -> None:  # type: ignore[type-arg]
    del d["en"]["self_words"]


def _steps_not_one_for_one(d: dict) -> None:  # type: ignore[type-arg]
    d["process"]["recommendation_steps"].pop()


BROKEN = [
    ("org_kinds.yml", _no_english, "org_kinds.yml", "kinds.branch.en"),
    ("org_kinds.yml", _no_english_label, "org_kinds.yml", "kinds.branch.en.label"),
    ("org_kinds.yml", _no_english_advice, "org_kinds.yml", "kinds.office.en.advice"),
    ("org_kinds.yml", _no_english_depends_on, "org_kinds.yml", "kinds.school.en.depends_on"),
    ("org_kinds.yml", _english_word_twice, "org_kinds.yml", "kinds.office.en.words[7]"),
    ("org_kinds.yml", _english_word_without_words, "org_kinds.yml", "kinds.office.en.words[7]"),
    ("org_kinds.yml", _bad_head, "org_kinds.yml", "en.head"),
    ("org_kinds.yml", _no_english_deny, "org_kinds.yml", "en.legal_person.deny"),
    ("roles.yml", _no_english_role, "roles.yml", "roles.county_park.en"),
    ("roles.yml", _no_english_hint, "roles.yml", "roles.county_park.en.hint"),
    ("roles.yml", _no_english_lower_words, "roles.yml", "roles.city_bureau.en.lower_words"),
    ("roles.yml", _no_english_cues, "roles.yml", "en.self_words"),
    ("english.yml", _steps_not_one_for_one, "english.yml", "process.recommendation_steps"),
]


@pytest.mark.parametrize(("name", "change", "file", "key"), BROKEN, ids=[c[1].__name__ for c in BROKEN])
def test_broken_english_copy_names_file_and_key(kb_copy: Path, name: str,
                                                change: Callable[[dict], None],  # type: ignore[type-arg]
                                                file: str, key: str) -> None:
    edit_yaml(kb_copy / name, change)
    with pytest.raises(KnowledgeError) as err:
        validate(kb_copy)
    assert (err.value.file, err.value.key) == (file, key)


@pytest.mark.parametrize("name", ["can_apply", "role_recommend", "role_not_recommender"])
def test_a_missing_or_broken_english_template_is_named(kb_copy: Path, name: str) -> None:
    path = kb_copy / "templates" / "answers_en" / f"{name}.j2"
    path.write_text("{{ role.en.no_such_field }}{{ kind.en.no_such_field }}", encoding="utf-8")
    with pytest.raises(KnowledgeError) as err:
        validate(kb_copy)
    assert err.value.file == f"templates/answers_en/{name}.j2"
    if name != "can_apply":
        path.unlink()
        with pytest.raises(KnowledgeError) as missing:
            validate(kb_copy)
        assert (missing.value.file, missing.value.key) == ("roles.yml", "answers.recommendation."
                                                           + ("recommender" if name == "role_recommend" else "other"))
