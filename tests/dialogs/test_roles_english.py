"""English can-we questions and recommending bodies through the assistant core, with an injected parser (independent of
the real NLU's accuracy) and with the real NLU: the verdict first in English with the clause by its Chinese name, the
role stated kept for later turns in either language."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from dialogs import Assistant, DialogState, Incoming, Store, Turn
from dialogs.roles import remember_role, tailored_answer
from dialogs.store.models import Conversation, User
from knowledge import compose, load_file
from nlu import IntentScore, ParseResult, parse

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
CLAUSE = "二、申报条件（一）第1项"
STEPS = ("测评", "运营情况、服务业绩、满意度", "推荐表", "附件1", "application materials", "经济和信息化厅")
RECOMMENDERS = load_file("clauses.yml")["document"]["recommenders"]
CHINESE_ONLY = ("贵单位", "贵局", "依据：", "可以申报", "不能申报")


def parser_for(intent: str) -> Callable[[str], ParseResult]:
    def fake(text: str) -> ParseResult:
        return ParseResult(text=text, intent=intent, confidence=0.91, intent_ranking=(IntentScore(intent, 0.91),),
                           engine="fake", lang="en" if text.isascii() else "zh")

    return fake


def ask(store: Store, user: str, text: str, intent: str | None = None) -> Turn:
    parser = parse if intent is None else parser_for(intent)
    return Assistant(store, clock=lambda: NOW, parser=parser).handle(Incoming("test", user, text))


def memory_of(store: Store, user: str) -> dict[str, object]:
    with store.session() as s:
        raw = s.scalar(select(Conversation.state_json).join(User, User.id == Conversation.user_id)
                       .where(User.external_id == user))
    return DialogState.from_json(raw).memory


def in_order(text: str, parts: tuple[str, ...]) -> bool:
    positions = [text.find(part) for part in parts]
    return -1 not in positions and positions == sorted(positions)


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    s = Store(f"sqlite:///{tmp_path_factory.mktemp('roles_en') / 'roles_en.db'}")
    yield s
    s.dispose()


CAN_WE = [
    ("Can a branch office apply?", "who_can_apply", ["No, a branch office cannot apply: ", "head company"],
     ["Yes, ", "depends on"]),
    ("Can a subsidiary apply?", "who_can_apply", ["Yes, a subsidiary can apply", "independent legal person status"],
     ["cannot apply", "depends on"]),
    ("Can a public institution apply?", "who_can_apply",
     ["depends on", "does not name this kind of organisation (事业单位)", "confirm with your recommending body"],
     ["cannot apply:"]),
    ("can private non-enterprise units apply", "who_can_apply",
     ["depends on", "(民办非企业单位)", "confirm with your recommending body"], ["cannot apply:"]),
    ("Can an industry association apply?", "who_can_apply", ["depends on", "(行业协会)", "SME service agency"], []),
    ("Can a university apply?", "who_can_apply", ["depends on", "research institute", "confirm with your recommending"],
     []),
    ("We are a representative office, can we apply?", "who_can_apply", ["No, your organisation cannot apply"],
     ["Yes, "]),
    ("Does a branch office have independent legal person status?", "condition_legal_person",
     ["No, a branch office cannot apply"], ["Yes, "]),
    ("Can a subsidiary or a branch office apply?", "who_can_apply",
     ["Yes, a subsidiary can apply", "No, a branch office cannot apply"], []),
    ("We are a construction company, can we apply?", "who_can_apply",
     ["depends on whether it is one of the five kinds", "Is your organisation one of them?"], []),
    # a bare "can a … apply" naming a kind, whatever the NLU read; a partnership firm is a firm without legal person
    ("Can a hospital apply?", "nlu_fallback", ["depends on", "(医院、医疗机构)"], ["cannot apply:"]),
    ("Can an accounting firm run as a partnership apply?", "who_can_apply",
     ["cannot apply", "law or accounting firm", "no independent legal person status"], ["individual businesses"]),
]


@pytest.mark.parametrize(("text", "intent", "says", "never"), CAN_WE)
def test_english_can_we_questions_get_a_verdict_with_the_clause(shared_store: Store, text: str, intent: str,
                                                               says: list[str], never: list[str]) -> None:
    turn = ask(shared_store, f"kind-{text}", text, intent)
    reply = turn.replies[-1].text
    assert all(word in reply for word in says), reply
    assert not any(word in reply for word in [*never, *CHINESE_ONLY]), reply
    assert turn.sources == (CLAUSE,) and reply.endswith(f"Basis: {CLAUSE}")


@pytest.mark.parametrize(("text", "says"), [(text, says) for text, _, says, _ in CAN_WE[:7]])
def test_the_same_with_the_real_nlu(shared_store: Store, text: str, says: list[str]) -> None:
    reply = ask(shared_store, f"real-{text}", text).replies[-1].text
    assert all(word in reply for word in says), reply
    assert f"Basis: {CLAUSE}" in reply


@pytest.mark.parametrize(("text", "intent"), [("who can apply?", "who_can_apply"),
                                              ("do we need independent legal person status?",
                                               "condition_legal_person"),
                                              ("who recommends the platforms?", "recommendation"),
                                              ("where do we hand in the materials?", "open_submission")])
def test_without_a_kind_or_a_body_the_usual_english_answer(shared_store: Store, text: str, intent: str) -> None:
    turn = ask(shared_store, f"usual-{text}", text, intent)
    assert turn.replies[-1].text == compose(intent, text, lang="en").text


@pytest.mark.parametrize("text", [
    "We are the Lhasa bureau of economy and information technology, how do we recommend a platform?",
    "this is the Shigatse EIT bureau, what do we have to do to recommend platforms?",
    "We are the management committee of the Lhasa high-tech zone. How do we recommend a platform?",
])
def test_a_recommender_gets_its_steps_in_the_notice_order(shared_store: Store, text: str) -> None:
    turn = ask(shared_store, f"steps-{text}", text)
    reply = turn.replies[-1].text
    assert in_order(reply, STEPS), reply
    assert reply.startswith("Your ") and "contact" not in reply.lower() and "your recommending body" not in reply
    assert turn.sources == ("三、申请材料（一）", "四、申报审批流程（二）")


def test_an_english_recommender_stated_once_is_answered_as_one_later(shared_store: Store) -> None:
    user = "lhasa-en"
    ask(shared_store, user, "We are the Lhasa EIT bureau", "recommendation")
    assert memory_of(shared_store, user)["role"] == "city_bureau"
    reply = ask(shared_store, user, "so how do we recommend an applicant?", "recommendation").replies[-1].text
    assert in_order(reply, STEPS) and "contact" not in reply.lower(), reply
    submit = ask(shared_store, user, "where do we send the materials?", "open_submission")
    assert "经济和信息化厅" in submit.replies[-1].text and "your recommending body" not in submit.replies[-1].text
    can = ask(shared_store, user, "Can a public institution apply?", "who_can_apply").replies[-1].text
    assert "depends on" in can and "your recommending body" not in can  # not sent to itself
    chinese = ask(shared_store, user, "那我们怎么推荐", "recommendation").replies[-1].text  # in either language
    assert in_order(chinese, ("测评", "推荐表", "附件1", "报经济和信息化厅")) and chinese.startswith("贵局")


@pytest.mark.parametrize(("text", "role"), [
    ("We are a county-level industrial park, how do we recommend a platform?", "county_park"),
    ("we are the county EIT bureau, how do we recommend?", "county_bureau"),
    ("we are a sub-district office, can we recommend companies?", "local_government"),
])
def test_a_body_that_is_not_a_recommender_is_told_who_is(shared_store: Store, text: str, role: str) -> None:
    user = f"body-en-{role}"
    reply = ask(shared_store, user, text, "recommendation").replies[-1].text
    assert "is not a recommending body" in reply and all(name in reply for name in RECOMMENDERS), reply
    assert memory_of(shared_store, user)["role"] == role
    later = ask(shared_store, user, "so how do we recommend?", "recommendation").replies[-1].text
    assert "is not a recommending body" in later


def test_a_county_park_with_the_real_nlu(shared_store: Store) -> None:
    reply = ask(shared_store, "county-real", "We are a county-level industrial park, how do we recommend a platform?")
    text = reply.replies[-1].text
    assert "is not a recommending body" in text and all(name in text for name in RECOMMENDERS), text
    assert "测评" not in text


def test_an_applicant_going_through_a_recommender_gets_the_usual_answer(shared_store: Store) -> None:
    turn = ask(shared_store, "via-en", "should we go through the EIT bureau for the recommendation?", "recommendation")
    assert turn.replies[-1].text == compose("recommendation", lang="en").text


@pytest.mark.parametrize(("text", "lang", "expected"), [
    ("We are the Lhasa EIT bureau", "en", "city_bureau"),
    ("I work at the Nagqu bureau of economy and information technology", "en", "city_bureau"),
    ("we are a company in the high-tech zone, can we apply?", "en", None),  # located there
    ("we are park-based companies", "en", None),
    ("我们是拉萨市经信局", "zh", "city_bureau"),
])
def test_remember_role(text: str, lang: str, expected: str | None) -> None:
    memory: dict[str, object] = {}
    remember_role(memory, text, lang)
    assert memory.get("role") == expected


def test_tailored_answer_leaves_other_english_questions_alone() -> None:
    memory: dict[str, object] = {"role": "city_bureau"}
    assert tailored_answer("condition_assets", "what is the minimum total assets", memory, "en") is None
    assert tailored_answer("who_can_apply", "who can apply?", memory, "en") is None


@pytest.mark.parametrize("text", ["so how do we recommend an applicant?", "how are applicants recommended?"])
def test_an_applicant_named_as_the_one_recommended_keeps_the_role(shared_store: Store, text: str) -> None:
    user = f"shannan-{text}"
    ask(shared_store, user, "We are the Shannan EIT bureau", "recommendation")
    reply = ask(shared_store, user, text, "recommendation").replies[-1].text
    assert in_order(reply, STEPS) and reply.startswith("Your bureau"), reply
    assert memory_of(shared_store, user)["role"] == "city_bureau"


@pytest.mark.parametrize(("first", "then", "says"), [
    ("Can a law firm apply?", "What if it is not a legal person?", "a law or accounting firm cannot apply"),
    ("Can a research institute apply?", "What if it has no independent legal person status?",
     "a research institute cannot apply"),
])
def test_an_english_what_if_is_judged_on_the_last_kind(shared_store: Store, first: str, then: str, says: str) -> None:
    user = f"en-whatif-{first}"
    ask(shared_store, user, first, "who_can_apply")
    reply = ask(shared_store, user, then, "nlu_fallback").replies[-1].text
    assert says in reply and "二、申报条件（一）第1项" in reply, reply


def test_an_english_recommender_walks_its_steps(shared_store: Store) -> None:
    user = "en-walk"
    ask(shared_store, user, "We are the Lhasa Economic and Information Technology Bureau", "recommendation")
    first = ask(shared_store, user, "What is the first step?", "recommendation").replies[-1].text
    assert "Step 1 is Assessment" in first, first
    after = ask(shared_store, user, "what happens next", "review").replies[-1].text
    assert "Step 2 is Fill in the recommendation form" in after, (first, after)
