"""Can-we questions and recommending bodies through the assistant core, with an injected parser (independent of
the real NLU's accuracy): the verdict first with its clause, the role stated kept for later turns."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from dialogs import Assistant, DialogState, Incoming, Store, Turn
from dialogs.roles import bare_can_we, follows_kind, remember_role, role_question, tailored_answer
from dialogs.store.models import Conversation, User
from knowledge import compose
from nlu import Act, IntentScore, ParseResult

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
CLAUSE = "二、申报条件（一）第1项"
STEPS = ("测评", "推荐表", "附件1", "申请材料", "报经济和信息化厅")
RECOMMENDERS = ("各地（市）经济和信息化局", "自治区级（含）以上园区管委会")
FALLBACK = "nlu_fallback"


def parser_for(intent: str) -> Callable[[str], ParseResult]:
    def parse(text: str) -> ParseResult:
        return ParseResult(text=text, intent=intent, confidence=0.91, intent_ranking=(IntentScore(intent, 0.91),),
                           engine="fake")

    return parse


def ask(store: Store, user: str, text: str, intent: str) -> Turn:
    return Assistant(store, clock=lambda: NOW, parser=parser_for(intent)).handle(Incoming("test", user, text))


def memory_of(store: Store, user: str) -> dict[str, object]:
    """What the conversation remembers of ``user``, as stored."""
    with store.session() as s:
        raw = s.scalar(select(Conversation.state_json).join(User, User.id == Conversation.user_id)
                       .where(User.external_id == user))
    return DialogState.from_json(raw).memory


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    s = Store(f"sqlite:///{tmp_path_factory.mktemp('roles') / 'roles.db'}")
    yield s
    s.dispose()


@pytest.mark.parametrize(("text", "intent", "says", "never"), [
    ("民办非企业单位能报吗", "who_can_apply", ["取决于", "没有点名民办非企业单位"], ["不能申报"]),
    ("集团下属的子公司能报吗", "who_can_apply", ["可以申报", "独立法人资格"], ["不能申报", "取决于"]),
    ("事业单位能报吗", "who_can_apply", ["取决于", "没有点名事业单位", "科研院所"], ["不能申报"]),
    ("分公司能报吗", "who_can_apply", ["不能申报", "不具有独立法人资格", "总公司"], ["可以申报"]),
    ("分公司没有独立法人资格怎么办", "condition_legal_person", ["不能申报", "子公司"], ["可以申报"]),
    ("我们是办事处", "who_can_apply", ["不能申报"], ["可以申报"]),
    ("个体户可以吗", "who_can_apply", ["不能申报"], ["可以申报"]),
    ("会计师事务所能申请吗", "who_can_apply", ["社会中介机构", "取决于"], []),
    ("众创空间能申报吗", "who_can_apply", ["取决于", "运营"], []),
    ("高校能报吗", "who_can_apply", ["取决于", "事业单位"], []),
    ("商会可以申报吗", "who_can_apply", ["取决于", "社会团体"], []),
    ("建筑公司能报吗", "who_can_apply", ["取决于", "五类"], []),
    ("我们是建筑公司", "who_can_apply", ["通知列出的五类是", "贵单位是否属于其中之一？"], ["（1）中小企业服务机构"]),
    ("我们是民非，做技术服务的，有法人登记证书，能不能申报", "who_can_apply", ["贵单位可以申报", "技术服务机构"],
     ["不能申报"]),
    ("高校下属的研究院能申报吗", "who_can_apply", ["取决于它是否具有独立法人资格", "科研院所"], []),
    ("子公司和分公司哪个能报", "who_can_apply", ["子公司可以申报", "分公司不能申报"], []),
])
def test_can_we_questions_get_a_verdict_with_the_clause(shared_store: Store, text: str, intent: str,
                                                       says: list[str], never: list[str]) -> None:
    turn = ask(shared_store, f"kind-{text}", text, intent)
    reply = turn.replies[-1].text
    assert all(word in reply for word in says), reply
    assert not any(word in reply for word in never), reply
    assert turn.sources == (CLAUSE,) and f"依据：{CLAUSE}" in reply and "（1）中小企业服务机构" not in reply


@pytest.mark.parametrize(("text", "intent"), [("哪些单位可以申报", "who_can_apply"),
                                              ("需要独立法人资格吗", "condition_legal_person"),
                                              ("谁负责推荐", "recommendation"),
                                              ("材料交到哪里", "open_submission"),
                                              # an introduction, not a question, of a kind that can apply
                                              ("我们是科研院所，独立法人，2018年成立的", "condition_legal_person")])
def test_without_a_kind_or_a_body_the_usual_answer(shared_store: Store, text: str, intent: str) -> None:
    turn = ask(shared_store, f"usual-{text}", text, intent)
    assert turn.replies[-1].text == compose(intent, text).text


def test_a_recommender_stated_once_is_answered_as_one_later(shared_store: Store) -> None:
    user = "rikaze"
    ask(shared_store, user, "我是日喀则经信局的", "recommendation")
    assert memory_of(shared_store, user)["role"] == "city_bureau"
    reply = ask(shared_store, user, "那我们怎么推荐", "recommendation").replies[-1].text
    positions = [reply.find(step) for step in STEPS]
    assert -1 not in positions and positions == sorted(positions), reply
    assert "联系" not in reply and "贵局" in reply
    submit = ask(shared_store, user, "材料要交给谁", "open_submission")
    assert "报经济和信息化厅" in submit.replies[-1].text and "交给负责推荐的单位" not in submit.replies[-1].text
    assert submit.sources == ("三、申请材料（一）",)
    can = ask(shared_store, user, "事业单位能报吗", "who_can_apply").replies[-1].text
    assert "取决于" in can and "向推荐单位" not in can  # not sent to itself


@pytest.mark.parametrize(("text", "role"), [
    ("我们是县里的园区，能推荐吗", "county_park"),
    ("我们是区县工信局，怎么推荐", "county_bureau"),
    ("我们是街道办，能推荐企业吗", "local_government"),
])
def test_a_body_that_is_not_a_recommender_is_told_who_is(shared_store: Store, text: str, role: str) -> None:
    user = f"body-{role}"
    reply = ask(shared_store, user, text, "recommendation").replies[-1].text
    assert "不是通知规定的推荐单位" in reply and all(name in reply for name in RECOMMENDERS)
    assert memory_of(shared_store, user)["role"] == role
    later = ask(shared_store, user, "那我们怎么推荐", "recommendation").replies[-1].text
    assert "不是通知规定的推荐单位" in later


def test_asking_about_a_body_answers_for_it_without_taking_its_role(shared_store: Store) -> None:
    user = "asks-about-park"
    reply = ask(shared_store, user, "园区管委会怎么推荐企业", "recommendation").replies[-1].text
    assert all(step in reply for step in STEPS) and "联系" not in reply
    assert "role" not in memory_of(shared_store, user)
    county = ask(shared_store, user, "县经信局可以推荐吗", "recommendation").replies[-1].text
    assert "不是通知规定的推荐单位" in county


def test_an_applicant_going_through_a_recommender_gets_the_usual_answer(shared_store: Store) -> None:
    turn = ask(shared_store, "via", "要找经信局推荐吗", "recommendation")
    assert turn.replies[-1].text == compose("recommendation").text


def test_saying_we_are_the_applicant_replaces_a_role(shared_store: Store) -> None:
    user = "switch"
    ask(shared_store, user, "我们是拉萨市经信局", "recommendation")
    ask(shared_store, user, "不对，我们是申报单位", "recommendation")
    assert memory_of(shared_store, user)["role"] == "applicant"
    turn = ask(shared_store, user, "推荐单位是谁", "recommendation")
    assert turn.replies[-1].text == compose("recommendation").text


@pytest.mark.parametrize(("text", "expected"), [
    ("我们是拉萨市经信局", "city_bureau"),
    ("我在那曲市经信局工作", "city_bureau"),
    ("我们在高新区，能报吗", None),  # located there, not speaking for it
    ("要找经信局推荐吗", None),
    ("我们是高新区的企业", None),
    ("我们是拉萨市经信局下属的中小企业服务中心", None),  # a unit under the bureau: an applicant
    ("那曲市经信局想推荐两家平台", "city_bureau"),  # the body opens the message as its subject
])
def test_remember_role(text: str, expected: str | None) -> None:
    memory: dict[str, object] = {}
    remember_role(memory, text)
    assert memory.get("role") == expected


def test_tailored_answer_leaves_other_intents_alone() -> None:
    memory: dict[str, object] = {"role": "city_bureau"}
    assert tailored_answer("condition_assets", "资产要多少", memory) is None
    assert tailored_answer("who_can_apply", "哪些单位可以申报", memory) is None


@pytest.mark.parametrize(("text", "says", "never"), [
    ("民办非企能不能报啊", ["取决于", CLAUSE], ["开始申报条件自测"]),  # asked about a kind: its verdict only
    # asked about the user's own organisation: the verdict, then the self-check goes through the rest
    ("我们是科研院所，能报吗", ["贵单位可以申报", CLAUSE, "已记录：机构类型：科研院所"], []),
    ("我们是分公司，能报吗", ["贵单位不能申报", CLAUSE, "已记录：是否具有独立法人资格：否"], []),
    # a loose self-description is confirmed by the self-check, and a request to self-check is carried out
    ("我们是建筑公司，能报吗", ["自测"], ["能否申报"]),
    ("我们是集团的分公司，没有独立法人资格，想自测一下能不能报", ["直接给结论"], ["贵单位不能申报"]),
])
def test_a_can_we_question_naming_a_kind_gets_its_verdict(shared_store: Store, text: str, says: list[str],
                                                          never: list[str]) -> None:
    reply = ask(shared_store, f"canwe-{text}", text, "selfcheck_start").text
    assert all(word in reply for word in says), reply
    assert not any(word in reply for word in never), reply


def test_a_recommender_asking_what_comes_next_gets_its_own_steps(shared_store: Store) -> None:
    user = "linzhi"
    ask(shared_store, user, "我是林芝市经信局的", "recommendation")
    ask(shared_store, user, "测评要看哪些", "recommendation")
    reply = ask(shared_store, user, "然后呢", "review").replies[-1].text
    assert "推荐表" in reply and "附件1" in reply and "联系" not in reply
    process = ask(shared_store, user, "整个流程是怎样的", "process_overview")
    assert "专家" in process.text and "推荐表" in process.text
    assert process.sources == ("四、申报审批流程", "三、申请材料（一）")


@pytest.mark.parametrize(("first", "then", "says", "never"), [
    # a what-if after a can-we answer: the organisation of that answer, with the new facts
    ("律所能报吗", "那如果是合伙制的呢", ["律所不能申报", "不具有独立法人资格"], ["可以申报", "超出了"]),
    ("研究院能报吗", "那如果没有独立法人呢", ["研究院不能申报"], ["可以申报"]),
    ("事业单位可不可以报", "那如果是独立法人、做检验检测的呢", ["事业单位可以申报", "技术服务机构"], ["取决于"]),
    # another kind named: that kind, judged on its own
    ("子公司可以单独申报吗", "那如果是分公司呢", ["分公司不能申报"], ["子公司不能申报"]),
    # a statement after the answer, naming a kind or the legal personality, is its follow-up
    ("事业单位能报吗", "我们是独立法人，做检测的", ["贵单位可以申报", "技术服务机构"], ["取决于"]),
    ("律所能报吗", "我们是有限责任的", ["贵单位可以申报", "社会中介机构"], ["取决于"]),
    # a kind that is no legal person, said to become one: its type decides
    ("分公司能报吗", "如果我们改成独立法人呢", ["不再是分公司", "取决于"], ["不能申报"]),
    ("办事处能报吗", "那如果改成子公司呢", ["子公司可以申报"], ["不能申报"]),
    ("个体户能报吗", "那要是注册一家公司呢", ["新注册的公司能否申报", "取决于", "两年"],
     ["不能申报", "注册一家公司能否"]),
])
def test_a_what_if_after_a_verdict_is_judged_with_the_new_facts(shared_store: Store, first: str, then: str,
                                                                 says: list[str], never: list[str]) -> None:
    user = f"whatif-{first}"
    ask(shared_store, user, first, "who_can_apply")
    reply = ask(shared_store, user, then, FALLBACK).replies[-1].text
    assert all(word in reply for word in says) and CLAUSE in reply, reply
    assert not any(word in reply for word in never), reply


def test_a_statement_without_a_can_we_before_is_no_follow_up(shared_store: Store) -> None:
    turn = ask(shared_store, "no-follow-up", "我们是独立法人，做检测的", "condition_legal_person")
    assert turn.replies[-1].text == compose("condition_legal_person", "我们是独立法人，做检测的").text


def test_a_what_if_after_another_topic_is_not_judged_on_the_old_kind(shared_store: Store) -> None:
    user = "whatif-stale"
    ask(shared_store, user, "研究院能报吗", "who_can_apply")
    ask(shared_store, user, "资产要多少", "condition_assets")
    reply = ask(shared_store, user, "那如果没有独立法人呢", "condition_legal_person").replies[-1].text
    assert "研究院" not in reply


@pytest.mark.parametrize(("text", "intent", "says"), [
    ("办事处行不行", "condition_premises", ["办事处不能申报"]),
    ("外地公司的分公司，可以吗", "condition_premises", ["分公司不能申报"]),
    ("我们在拉萨有个办事处，它能报吗", "condition_premises", ["不能申报"]),  # 它: the kind named before
    # about the user's own organisation: the verdict, then the self-check goes through the rest
    ("我们是民非，做技术服务的，有法人登记证书，能不能申报", "material_license",
     ["贵单位可以申报", "已记录：机构类型：技术服务机构"]),
    # a kind described before the can-we, read as out of scope or as a condition its name holds (中小企业服务)
    ("企业内设的研发中心能报吗", FALLBACK, ["不能申报"]),
    ("街道办下属的中小企业服务中心能报吗", "condition_sme_served", ["中小企业服务中心能否申报", "独立法人"]),
])
def test_a_bare_can_we_naming_a_kind_gets_its_verdict_whatever_the_nlu_read(shared_store: Store, text: str,
                                                                           intent: str, says: list[str]) -> None:
    turn = ask(shared_store, f"bare-{text}", text, intent)
    assert all(word in turn.text for word in says) and CLAUSE in turn.text, turn.text
    assert "第2项材料" not in turn.text


@pytest.mark.parametrize(("text", "says"), [
    ("我们是那曲市经信局 有家外地公司的分公司想报 能推荐吗", ["分公司不能申报"]),
    ("我是日喀则市经信局的，辖区有家个体户想申报 能推荐吗", ["个体户不能申报"]),
    ("我们是高新区管委会，园区里有个事业单位性质的孵化中心想申报，这种可以推荐不", ["取决于"]),
])
def test_a_recommender_asking_about_an_organisation_in_its_area_gets_its_verdict(shared_store: Store, text: str,
                                                                                says: list[str]) -> None:
    """Not "贵单位" (the organisation is not the body's own), not told to confirm with a recommending body, and
    no self-check started for it."""
    turn = ask(shared_store, f"area-{text}", text, "recommendation")
    assert all(word in turn.text for word in says) and CLAUSE in turn.text, turn.text
    assert "贵单位" not in turn.text and "向推荐单位" not in turn.text and "开始申报条件自测" not in turn.text


@pytest.mark.parametrize("text", ["我们管委会能推荐吗", "我们是拉萨市经信局，能推荐吗"])
def test_a_recommender_asking_whether_it_can_recommend_is_not_judged_as_a_kind(shared_store: Store, text: str) -> None:
    text_of_reply = ask(shared_store, f"self-{text}", text, "recommendation").text
    assert "不能申报" not in text_of_reply and "测评" in text_of_reply, text_of_reply


def test_a_can_we_said_before_a_clause_without_marks_is_still_asked(shared_store: Store) -> None:
    """Voice input: "…能报吗 独立登记的" is a can-we with a fact after it, not a mere statement."""
    text = ask(shared_store, "voice", "基金会下面设立的研究院能报吗 独立登记的", "who_can_apply").text
    assert "研究院可以申报" in text and CLAUSE in text, text


def test_a_condition_asked_of_a_kind_keeps_its_own_answer(shared_store: Store) -> None:
    """"没有场所的民非能报吗" asks about the premises condition, not (only) about the kind."""
    text = ask(shared_store, "premises-kind", "没有场所的民非能报吗", "condition_premises").text
    assert "民非能否申报" not in text, text


def test_a_recommender_walks_its_own_steps_then_the_review(shared_store: Store) -> None:
    user = "walk"
    ask(shared_store, user, "这里是日喀则市工信局，我们要推荐平台", "recommendation")
    assert memory_of(shared_store, user)["role"] == "city_bureau"
    walk = [("第一步做什么", "process_notice", "第1步是测评"), ("然后呢", "recommendation", "第2步是填写推荐表"),
            ("再之后呢", "review", "第3步是附申请材料"), ("下一步", "process_notice", "第4步是报送"),
            ("然后呢", "publicity", "组织专家对申报材料进行评审")]
    for text, intent, says in walk:
        turn = ask(shared_store, user, text, intent)
        assert says in turn.text and "联系" not in turn.text and "四、申报审批流程（一）" not in turn.text, turn.text
    assert turn.sources == ("四、申报审批流程（三）",)


@pytest.mark.parametrize(("named", "then", "says"), [
    ("推荐要报给谁", "那之后呢", "组织专家对申报材料进行评审"),  # after the last step: the review
    ("推荐表是哪个附件", "测评完了下一步呢", "第2步是填写推荐表"),  # the step after the one named
    ("第一步是啥", "之后", "第2步是填写推荐表"),
    ("推荐的时候测评看哪些", "测完填啥", "第2步是填写推荐表"),  # a step named while walking the work
    ("推荐表哪里找", "然后要附什么", "第3步是附申请材料"),  # "然后" with a step: that step, not the one after
    ("第二步呢", "最后呢", "第4步是报送"),
])
def test_the_step_after_the_one_asked_about(shared_store: Store, named: str, then: str, says: str) -> None:
    user = f"after-{named}"
    ask(shared_store, user, "我是昌都市经信局的", "recommendation")
    ask(shared_store, user, named, "recommendation")
    assert says in ask(shared_store, user, then, "review").text


def test_a_recommender_asking_where_to_find_the_form_is_not_sent_to_a_recommender(shared_store: Store) -> None:
    user = "form-where"
    ask(shared_store, user, "这边是日喀则市经济和信息化局", "recommendation")
    reply = ask(shared_store, user, "推荐表哪里找", "open_download").replies[-1].text
    assert "附件1" in reply and "由贵局作为推荐单位" in reply
    assert "向推荐单位" not in reply and "联系所在地" not in reply


def test_a_recommender_asking_whether_to_seal_the_form_is_told_the_notice_is_silent(shared_store: Store) -> None:
    reply = ask(shared_store, "seal", "我们是那曲市经信局的，推荐表需要盖章吗", "material_declaration").replies[-1].text
    assert reply.startswith("推荐表是否需要盖章，通知没有规定") and "附件1" in reply and "第9项材料" not in reply


@pytest.mark.parametrize(("turns", "intents"), [
    (["我们是县经信局", "那我们辖区企业怎么办"], ["recommendation", FALLBACK]),
    (["我们是行业协会", "我们的会员企业想申报怎么办"], ["who_can_apply", "process_overview"]),
    (["我们是县里的开发区"], ["selfcheck_start"]),  # only says whom the user speaks for: no self-check
    (["经信厅可以推荐吗"], ["recommendation"]),  # asked about, not named as where to send
    (["我们街道想推荐一家企业申报，怎么操作"], ["process_overview"]),
    (["我们是西藏自治区经信厅的，怎么推荐"], ["recommendation"]),
    (["我们是银行 能推荐客户吗"], ["recommendation"]),  # a body the notice does not list
    (["我们是县科技局", "那怎么办"], ["selfcheck_start", FALLBACK]),  # asked again, no subject of its own
    (["我们是浪卡子县的工业园区管委会", "那园区企业要报怎么办"], ["selfcheck_start", "own_deadline"]),
])
def test_a_body_that_is_not_a_recommender_is_told_who_recommends(shared_store: Store, turns: list[str],
                                                                 intents: list[str]) -> None:
    for text, intent in zip(turns, intents, strict=True):
        turn = ask(shared_store, f"who-{turns[0]}", text, intent)
    assert "不是通知规定的推荐单位" in turn.text and "经济和信息化局" in turn.text and not turn.fallback
    assert "建议您先与所在地" not in turn.text and "自测" not in turn.replies[-1].text


@pytest.mark.parametrize(("text", "intent", "then"), [
    # a loose self-description with the question: the verdict, then the type confirmed against the five (民非 too,
    # since the type question reads the kinds of organisation: it used to ask the type question again)
    ("我们是民非，这种能报吗", "selfcheck_start", "贵单位是否属于其中之一？"),
    ("我们是事业单位，能报吗", "who_can_apply", "贵单位是否属于其中之一？"),
    # a unit it has, asked about by "那个" (not the training function the NLU read)
    ("对了 咱们下面还有个培训学校 那个能单独报不", "function_training", "（第 2/19 项）"),
])
def test_a_can_we_on_a_kind_during_the_self_check_is_answered_and_the_form_goes_on(shared_store: Store, text: str,
                                                                                  intent: str, then: str) -> None:
    user = f"form-kind-{text}"
    ask(shared_store, user, "我想自测", "selfcheck_start")
    ask(shared_store, user, "是", "selfcheck_start")
    reply = ask(shared_store, user, text, intent).text
    assert "取决于" in reply and CLAUSE in reply and then in reply and "自测正在进行中" not in reply, reply
    assert reply.index(CLAUSE) < reply.index(then)


@pytest.mark.parametrize(("text", "intent", "memory", "expected"), [
    # a body that does not apply asking what it can or should do: its part in the recommendation
    ("我们是县工信局，能不能我们先初审一下再报给市里", "selfcheck_start", {}, "recommendation"),
    ("那我们要做什么", "selfcheck_start", {"role": "county_bureau"}, "recommendation"),
    ("那我们要做什么", "selfcheck_start", {"role": "city_bureau"}, "recommendation"),
    # not a recommender, asking how its area's enterprises go about it, whatever the NLU read
    ("那园区企业要报怎么办", "own_deadline", {"role": "county_park"}, "recommendation"),
    ("我们辖区企业怎么办", FALLBACK, {"role": "city_bureau"}, "recommendation"),  # a recommender: its steps
    ("你好我是县工信局的想问下我们县有个平台符合条件我们要怎么报上去", "greet", {}, "recommendation"),
    ("你好", "greet", {"role": "county_bureau"}, "greet"),  # a greeting only
    # unchanged: an applicant, no body, a request for the self-check, a kind of organisation, another question
    ("那我们要做什么", "selfcheck_start", {"role": "applicant"}, "selfcheck_start"),
    ("我们能报吗", "selfcheck_start", {}, "selfcheck_start"),
    ("我们是县工信局，想自测一下", "selfcheck_start", {}, "selfcheck_start"),
    ("我们是县工信局下属的事业单位，能报吗", "selfcheck_start", {}, "selfcheck_start"),
    ("申报截止是哪天", "deadline", {"role": "county_bureau"}, "deadline"),
])
def test_a_body_asking_what_to_do_asks_about_its_part(text: str, intent: str, memory: dict[str, object],
                                                       expected: str) -> None:
    act = Act("question", text, 0, intent, 0.9)
    assert role_question(act, text, False, dict(memory)).intent == expected


def test_during_a_flow_a_body_s_question_is_left_to_the_flow() -> None:
    act = Act("question", "那我们要做什么", 0, "selfcheck_start", 0.9)
    assert role_question(act, act.text, True, {"role": "county_bureau"}).intent == "selfcheck_start"


def test_a_recommender_asking_to_seal_right_after_the_form_gets_the_form_s_answer(shared_store: Store) -> None:
    user = "seal-after-form"
    ask(shared_store, user, "我们那曲市经信局要推荐一家平台", "recommendation")
    ask(shared_store, user, "表在哪", "open_download")
    reply = ask(shared_store, user, "要盖章吗", "open_seal").replies[-1].text
    assert reply.startswith("推荐表是否需要盖章，通知没有规定") and "建议您联系所在地" not in reply
    assert memory_of(shared_store, user)["recommend_step"] == 2


@pytest.mark.parametrize(("text", "intent"), [("申请材料要几份", "open_copies"), ("申请材料要盖章吗", "open_seal")])
def test_a_recommender_asking_about_materials_is_not_sent_to_a_recommender(shared_store: Store, text: str,
                                                                           intent: str) -> None:
    user = f"recommender-{intent}"
    ask(shared_store, user, "我是山南市经信局的", "recommendation")
    reply = ask(shared_store, user, text, intent).replies[-1].text  # what the notice leaves open, not step 3
    assert "向经济和信息化厅确认" in reply and "向推荐单位" not in reply and "建议您联系所在地" not in reply


@pytest.mark.parametrize(("text", "says", "never"), [
    # every figure given with a kind is judged: the failing ones with their gap, the passing ones too
    ("我们是做检测的技术服务公司 资产八十万 服务人员十五个 满意度百分之九十 行不行",
     ["就这一项而言", "按您提到的80万元计", "还差20万元", "按您提到的15人计", "按您提到的90%计"], ["贵单位可以申报"]),
    ("我们是中介机构 资产300万 服务企业45家 能不能申报",
     ["贵单位可以申报", "以下各项也符合要求", "按您提到的300万元计", "按您提到的45家计"], ["还差"]),
    ("分公司能报吗 我们资产300万", ["不能申报"], ["以下各项也符合要求"]),  # a kind that cannot apply: moot
])
def test_a_can_we_on_a_kind_judges_each_figure_given(shared_store: Store, text: str, says: list[str],
                                                     never: list[str]) -> None:
    reply = Assistant(shared_store, clock=lambda: NOW).handle(Incoming("test", f"figures-{text}", text)).text
    assert all(word in reply for word in says), reply
    assert not any(word in reply for word in never), reply


@pytest.mark.parametrize(("text", "follows"), [
    ("为什么", True), ("为啥不行", True), ("要什么证明", True), ("那能申报吗", True), ("那我们还能报吗", True),
    ("那怎么办", True), ("那民非呢", False), ("资产要多少", False),
])
def test_a_follow_up_on_the_last_can_we_names_no_kind(text: str, follows: bool) -> None:
    """Right after a can-we answer, "为什么", "要什么证明" or a bare can-we are about its organisation; a message naming
    another kind, or asking something else, is not."""
    memory = {"kind": "分公司", "topic": "who_can_apply"}
    assert follows_kind(text, memory) is follows
    assert follows_kind(text, {}) is False  # no can-we answered before


@pytest.mark.parametrize(("text", "bare"), [
    ("可以申报吗", True), ("那我们能报吗", True), ("我单位能否申报", True), ("分公司能报吗", False),
    ("资产要多少", False),
])
def test_a_bare_can_we_names_no_kind(text: str, bare: bool) -> None:
    assert bare_can_we(text) is bare


def test_why_after_a_verdict_gives_its_reason_again(shared_store: Store) -> None:
    ask(shared_store, "why", "分公司能报吗", "who_can_apply")
    text = ask(shared_store, "why", "为什么不行", "background").text
    assert "分公司不能申报" in text and "独立法人" in text and CLAUSE in text, text
