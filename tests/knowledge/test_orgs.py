"""org_kinds.yml and roles.yml: the kind or body a message names, the verdict and steps the answer gives, and a
broken copy of the data reported with its file and key."""

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
    ask_answer,
    can_apply_answer,
    org_data,
    role_answer,
    step_answer,
    validate,
)

CLAUSE = "二、申报条件（一）第1项"
VERDICT_WORDS = {"can": "可以申报", "cannot": "不能申报", "depends": "取决于"}


def judge(text: str) -> tuple[Judgement, ...]:
    return org_data().kinds.judge(text)


@pytest.mark.parametrize(("text", "kind", "verdict"), [
    ("集团下属的子公司能报吗", "subsidiary", "can"),
    ("国企的子公司能报不", "subsidiary", "can"),
    ("分公司能报吗", "branch", "cannot"),
    ("外地企业在西藏的分公司能申请吗", "branch", "cannot"),
    ("我们是办事处", "office", "cannot"),
    ("我们是集团下属部门，不是法人", "internal_unit", "cannot"),
    ("个体户可以吗", "individual", "cannot"),
    ("合伙企业能报吗", "individual", "cannot"),
    ("事业单位能报吗", "public_institution", "depends"),
    ("民办非企业单位能报吗", "private_non_enterprise", "depends"),
    ("民办非企能不能报啊", "private_non_enterprise", "depends"),
    ("律师事务所能申请吗", "professional_firm", "depends"),
    ("我们是一家咨询服务公司能不能申请", "consulting", "can"),
    ("检验检测机构可以申报吗", "tech_service", "can"),
    ("我们是孵化器能申请吗", "incubator", "depends"),
    ("众创空间可以申报吗", "incubator", "depends"),
    ("职业学校可以申请吗", "school", "depends"),
    ("行业协会能不能申报", "association", "depends"),
    ("我们是行业商会能申请吗", "association", "depends"),
    ("建筑公司能报吗", "ordinary_business", "depends"),
    ("贸易公司能报吗", "ordinary_business", "depends"),
    ("国有企业能不能报", "ownership", "depends"),
    # several kinds describing one organisation: the listed type is the one asked about
    ("大学的研究所可以报吗", "research", "depends"),  # legal personality not said
    ("高校下属的研究院能申报吗", "research", "depends"),
    ("我们是事业单位性质的研究所，独立法人，能报吗", "research", "can"),
    ("我们是民非，做技术服务的，有法人登记证书，能不能申报", "tech_service", "can"),
    ("我们是有限公司，主要给中小企业做代理记账，能报吗", "consulting", "can"),
    ("集团的子公司，做检测的，能报吗", "tech_service", "can"),  # a 子公司 is a legal person
    ("我们是分公司，做技术服务的，能报吗", "tech_service", "cannot"),  # a 分公司 is not
    ("研究所，没有独立法人资格，能报吗", "research", "cannot"),
    ("事业单位可以报不？我们是市里的生产力促进中心", "tech_service", "depends"),
    # facts stated with the question decide: a partnership is no legal person, an independent registration is one
    ("我们是律所，合伙制的，能报吗", "professional_firm", "cannot"),
    ("合伙的会计师事务所能申报吗", "professional_firm", "cannot"),
    ("特殊普通合伙的税务师事务所可以吗", "professional_firm", "cannot"),
    ("会计师事务所有限公司能申报吗", "professional_firm", "can"),
    ("没有单独登记的研究所能报吗", "research", "cannot"),
    # the unit under the 协会 is asked about (subordinate), not the 协会 itself; the verdict is unchanged
    ("我们是行业协会下属的服务中心，没有单独登记法人，能报吗", "subordinate", "cannot"),
    ("职业技术学院下面独立注册的技术转移公司能报吗", "tech_service", "can"),
    ("我们是国有企业，主要做检验检测，独立法人，可以报吗", "tech_service", "can"),
    ("事业单位，做检验检测的，独立法人、有证书，能报不", "tech_service", "can"),
    ("众创空间，我们运营方是独立法人的有限公司，面向中小企业做双创服务，可以报不", "internet_platform", "can"),
    ("集团公司能报不", "group", "depends"),
    ("我们是集团，下面有好几家公司，集团本身能报吗", "group", "depends"),
    ("集团下属的研究院能报吗", "research", "depends"),  # a group is no description of its units' legal status
    ("我们是事业单位 独立法人 做科研的 能报吗", "research", "can"),  # clauses separated by spaces
    ("有限公司能报吗", "company", "depends"),
    ("农民专业合作社能报吗", "cooperative", "depends"),
    ("外商独资企业可以申报吗", "ownership", "depends"),
    ("质检所能报吗", "tech_service", "can"),
    ("子公司能报吗，需要集团同意吗", "subsidiary", "can"),  # the group is where it belongs, not the one asked about
    ("培训中心是学校下属的，能报吗", "training", "depends"),
    # a listed type said not to be a legal person: the type's answer, not the 个人 of "个人所"
    ("律所可以报么 我们是个人所", "professional_firm", "cannot"),
    ("我们挂靠在一个科研院所下面 自己没注册 能报不", "research", "cannot"),
    # 挂靠 describes the kind named with it (学会); said with a body it is under only, it is the organisation; a body
    # named with 下面 and no other kind: the unit under it (subordinate)
    ("我们是学会，挂靠在科协，能报吗", "association", "depends"),
    ("我们是挂靠在协会下面的，能报吗", "affiliated", "depends"),
    ("街道办下面的服务中心能报吗", "subordinate", "depends"),
    ("分公司下面的部门能报吗", "subordinate", "cannot"),
    ("医院的检验科能单独报吗", "internal_unit", "cannot"),
    ("县医院下属的独立法人检测中心能报吗", "tech_service", "can"),
    # a unit the organisation has is not what it asks about
    ("集团总部能报吗 我们下面有好几个子公司", "group", "depends"),
    # a change: what it became is asked about
    ("办事处改成子公司以后能报吗", "subsidiary", "can"),
    ("我是个体户，后来注册成有限公司了，现在能报吗", "company", "depends"),
    ("我们原来是事业单位，前年转企了，现在是有限公司，能报吗", "company", "depends"),
    # said to be (or become) a legal person: only the type is left open
    ("分公司，如果我们改成独立法人呢", "branch", "depends"),
    ("我们是科协下面的研究会，有社团法人登记证，能报吗", "association", "depends"),
    ("我们是事业单位，有事业单位法人证书，能报吗", "public_institution", "depends"),
    # a unit it has, referred to by the question ("它"), is what it asks about; what follows describes it
    ("我们集团今年新成立了一个子公司，做检测的，它能报吗", "tech_service", "can"),
    # setting up a company: a legal person whose type decides, named by its label, not by the phrase
    ("那要是注册一家公司呢", "new_company", "depends"),
    ("办事处改成公司能报吗", "new_company", "depends"),
    # the 有 of 国有 / 有限公司 is no "has": the 分公司 is asked about
    ("国有企业的分公司能报吗", "branch", "cannot"),
    ("有限公司的分公司能不能报", "branch", "cannot"),
    # a body that is no applicant for its type (管委会, 街道办) does not rule out a unit under it
    ("园区管委会下属的平台公司能报吗", "internet_platform", "depends"),
    ("街道办下属的中小企业服务中心能报吗", "sme_service", "depends"),
    # units inside another and the words of certificates
    ("我们是高校的二级学院 能报吗", "internal_unit", "cannot"),
    ("企业内设的研发中心能报吗", "research", "cannot"),
    ("我们是市场监管局下属的检验所 事业单位 有法人证 能不能报", "tech_service", "can"),
    ("那孙公司呢", "subsidiary", "can"),
    ("咱们是县里的科技服务中心 事业编的", "tech_service", "depends"),
    ("我们是全额拨款的事业单位 做中小企业服务的 有法人证书", "sme_service", "can"),
])
def test_the_organisation_asked_about_and_its_verdict_first(text: str, kind: str, verdict: str) -> None:
    (found,) = judge(text)
    assert (found.kind.key, found.verdict) == (kind, verdict)
    answer = can_apply_answer((found,))
    first = answer.text.split("。")[0]
    assert VERDICT_WORDS[verdict] in first
    assert answer.sources == (CLAUSE,) and answer.text.endswith(f"依据：{CLAUSE}")
    if verdict == "cannot":
        assert "可以申报" not in answer.text
    if found.basis in ("legal_unknown", "legal_yes", "legal_no"):
        assert "独立法人资格" in answer.text.split("\n\n")[0]


@pytest.mark.parametrize(("text", "basis", "says", "never"), [
    ("分公司，如果我们改成独立法人呢", "became_legal", ["不再是分公司", "五类机构之一"], ["不能申报"]),
    ("如果个体户注册成独立法人呢", "became_legal", ["五类机构之一"], ["不能申报"]),
    ("我们是事业单位，有事业单位法人证书，能报吗", "legal_known", ["贵单位具有独立法人资格"], ["是否具有独立法人资格"]),
    ("民非，有法人登记证，能报吗", "legal_known", ["取决于它是否属于五类机构之一"], ["是否登记为法人"]),
    ("我们是分公司，独立法人，能报吗", "own", ["不能申报"], ["取决于"]),  # no change said: still a 分公司
    ("律所可以报么 我们是个人所", "legal_no", ["律师事务所", "贵单位不具有独立法人资格"], ["个体工商户"]),
])
def test_what_the_message_says_of_legal_personality_settles_that_part(text: str, basis: str, says: list[str],
                                                                      never: list[str]) -> None:
    (found,) = judge(text)
    assert found.basis == basis
    answer = first_paragraph(can_apply_answer((found,)).text)
    assert all(s in answer for s in says) and not any(n in answer for n in never)


def first_paragraph(text: str) -> str:
    return text.split("\n\n")[0]


@pytest.mark.parametrize(("text", "verdicts"), [
    ("子公司和分公司哪个能报", [("子公司", "can"), ("分公司", "cannot")]),
    ("事业单位还是民非能报", [("事业单位", "depends"), ("民非", "depends")]),
    ("分公司不行的话总公司可以吗", [("分公司", "cannot"), ("总公司", "depends")]),
])
def test_kinds_asked_one_by_one(text: str, verdicts: list[tuple[str, str]]) -> None:
    found = judge(text)
    assert [(j.word, j.verdict) for j in found] == verdicts
    answer = can_apply_answer(found)
    starts = [f"{word}{VERDICT_WORDS[v] if v != 'depends' else '能否申报'}" for word, v in verdicts]
    positions = [answer.text.find(start) for start in starts]
    assert -1 not in positions and positions == sorted(positions)


def test_a_loose_self_description_asks_which_of_the_five() -> None:
    (own,) = judge("我们是建筑公司，能报吗")
    assert own.to_confirm
    text = can_apply_answer((own,)).text
    assert "通知列出的五类是" in text and "贵单位是否属于其中之一？" in text
    (other,) = judge("建筑公司能报吗")  # asked about, not a self-description
    assert not other.to_confirm and "贵单位" not in can_apply_answer((other,)).text


@pytest.mark.parametrize("text", ["哪些单位可以申报", "申报主体有什么要求", "对申报单位类型有没有要求",
                                  "服务人员只有8个人，大专以上6个，能报吗", "十几个人能报吗"])
def test_no_kind_in_a_general_question(text: str) -> None:
    assert judge(text) == ()


@pytest.mark.parametrize(("text", "word"), [
    ("事业单为能报吗", "事业单位"), ("分工司可以吗", "分公司"), ("民飞能报吗", "民非"),  # 民飞: voice input
])
def test_a_common_misspelling_is_read_and_answered_as_the_right_word(text: str, word: str) -> None:
    (found,) = judge(text)
    assert found.word == word and can_apply_answer((found,)).text.startswith(word)


@pytest.mark.parametrize(("clause", "lang", "bare"), [
    ("办事处行不行", "zh", True),
    ("分公司可以吗？", "zh", True),
    ("那个体户能报吗", "zh", True),
    ("能不能申报", "zh", True),
    ("能不能申报这个示范平台", "zh", True),
    ("事业单位可以参加吗", "zh", True),
    ("branch office ok?", "en", True),
    # a word that refers to the kind named before it ("…还有个培训学校 那个能单独报不")
    ("它能报吗", "zh", True),
    ("那个能单独报不", "zh", True),
    ("它在哪", "zh", False),
    ("Can a hospital apply?", "en", True),
    ("Is a hospital eligible?", "en", True),
    ("办事处在哪", "zh", False),  # names a kind, asks something else
    ("办事处的房子行不行", "zh", False),
    ("法人证书要复印件吗", "zh", False),
])
def test_a_bare_can_we_clause(clause: str, lang: str, bare: bool) -> None:
    assert org_data().kinds.bare_can_we(clause, lang) is bare


@pytest.mark.parametrize(("clause", "lang", "asks"), [
    ("能推荐吗", "zh", True),
    ("分公司可以推荐不", "zh", True),
    ("那个能不能推荐", "zh", True),
    ("推荐表怎么填", "zh", False),
    ("能报吗", "zh", False),  # a can-we of the applicant's own (alone), not a recommender's
    ("can we recommend it", "en", True),
])
def test_a_recommenders_bare_can_we(clause: str, lang: str, asks: bool) -> None:
    assert org_data().kinds.asks_to_recommend(clause, lang) is asks


@pytest.mark.parametrize(("clause", "lang", "ends"), [
    ("企业内设的研发中心能报吗", "zh", True),
    ("街道办下属的中小企业服务中心能报吗？", "zh", True),
    ("我们是事业单位 检验检测中心 这种能报吧", "zh", True),
    ("研发中心的人员算不算服务人员", "zh", False),
    ("内设的能报吗", "zh", False),  # no kind named
    ("can a branch office of a state-owned company apply", "en", False),
    ("a testing centre inside a hospital, is it ok", "en", True),
])
def test_a_clause_naming_a_kind_and_ending_in_a_bare_can_we(clause: str, lang: str, ends: bool) -> None:
    assert org_data().kinds.ends_can_we(clause, lang) is ends


@pytest.mark.parametrize("key", sorted(org_data().kinds.kinds))
def test_every_kind_names_the_five_types_and_says_when_the_notice_is_silent(key: str) -> None:
    kind = org_data().kinds.kinds[key]
    (found,) = judge(kind.words[0])
    assert found.kind == kind
    answer = can_apply_answer((found,))
    name = kind.label if kind.by_label else kind.words[0]  # a phrase ("注册个公司") is named by the label
    assert answer.text.startswith(f"{name}{'能否申报，' if kind.verdict == 'depends' else ''}")
    assert "科研院所" in answer.text and "社会中介机构" in answer.text
    assert ("没有点名" in answer.text) == kind.unnamed
    assert ("向推荐单位" in answer.text) == (kind.verdict == "depends")


def test_a_recommender_is_not_told_to_ask_the_recommending_body() -> None:
    found = judge("事业单位能报吗")
    assert "向推荐单位" in can_apply_answer(found).text
    text = can_apply_answer(found, recommender=True).text
    assert "向推荐单位" not in text and "经济和信息化厅确认" in text


@pytest.mark.parametrize(("text", "role", "stated", "via"), [
    ("我们是拉萨市经信局，推荐要做哪些工作", "city_bureau", True, False),
    ("我是日喀则经信局的", "city_bureau", True, False),
    ("我在那曲市经信局工作", "city_bureau", True, False),
    ("那曲市工信局这边，推荐流程是怎样的", "city_bureau", True, False),
    ("我们是阿里地区经信局", "city_bureau", True, False),
    ("园区管委会怎么推荐企业", "park_committee", False, False),
    ("我们是拉萨经济技术开发区管委会", "park_committee", True, False),
    ("要找经信局推荐吗", "city_bureau", False, True),
    ("我们在高新区，能报吗", "park_committee", False, True),
    ("县经信局可以推荐吗", "county_bureau", False, False),
    ("区县工信局怎么推荐", "county_bureau", False, False),
    ("我们是堆龙德庆区工信局", "county_bureau", True, False),
    ("我们县的经信局可以推荐企业吗", "county_bureau", True, False),
    ("我们是县里的园区，能推荐吗", "county_park", True, False),
    ("我们是曲水县工业园区管委会", "county_park", True, False),
    ("我们是街道办，能推荐企业吗", "local_government", True, False),
    ("行业协会可以推荐吗", "association", False, False),
    ("我们是申报单位", "applicant", True, False),
    ("我们园区是市级的，能推荐平台吗", "county_park", True, False),
    ("我们是国家级高新区管委会，可以推荐平台吗", "park_committee", True, False),
    ("我们是自治区级园区管委会", "park_committee", True, False),
    ("我们是拉萨市城关区经信局", "county_bureau", True, False),
    ("这里是日喀则市工信局，我们要推荐平台", "city_bureau", True, False),
    ("我们是西藏自治区经信厅的，怎么推荐", "department", True, False),
    ("推荐完了报经信厅吗", "department", False, True),  # where the recommendation goes, not who asks
    ("我们报经济和信息化厅需要几份", "department", False, True),
    # a level word of what the body recommends or has in its area is not the body's own level
    ("我们日喀则市经信局要推荐一家县里的平台，怎么弄", "city_bureau", True, False),
    ("我们拉萨市经信局辖区有个县里的平台", "city_bureau", True, False),
    ("我们县经信局要推荐一家平台", "county_bureau", True, False),
    # 区级 is 自治区级 in Tibet; a city's 经信厅 is its bureau
    ("我们是区级园区管委会", "park_committee", True, False),
    ("我们是区级的园区，推荐咋弄", "park_committee", True, False),
    ("我们是拉萨市经信厅的", "city_bureau", True, False),
    ("我是区经信厅的", "department", True, False),
    # two bodies: the one the user speaks for, not the longest name
    ("我们是拉萨市经信局，县经信局报上来的平台怎么处理", "city_bureau", True, False),
    ("县经信局推荐不了的话，我们是市经信局的能推荐吗", "city_bureau", True, False),
    # set against the body, not speaking for it
    ("推荐表是我们自己填还是经信局填", "city_bureau", False, False),
    ("我们或者园区管委会谁来推荐", "park_committee", False, False),
    # a homophone typo of the pinyin input
    ("我是拉萨市经信句的，推荐平台的流程是啥", "city_bureau", True, False),
    ("那曲工信据这边", "city_bureau", True, False),
])
def test_role_found(text: str, role: str, stated: bool, via: bool) -> None:
    found = org_data().roles.find(text)
    assert found is not None
    assert (found.role.key, found.stated, found.via) == (role, stated, via)


@pytest.mark.parametrize("text", ["我们是高新区的企业，找谁推荐", "我们园区里的企业能报吗", "谁负责推荐", "推荐表谁填"])
def test_no_body_when_it_is_only_a_place_or_not_named(text: str) -> None:
    assert org_data().roles.find(text) is None


def test_recommender_steps_in_the_notice_order_and_no_contact_advice() -> None:
    found = org_data().roles.find("我们是拉萨市经信局")
    assert found is not None
    answer = role_answer("recommendation", found)
    assert answer is not None
    positions = [answer.text.find(step) for step in ("测评", "推荐表", "附件1", "申请材料", "报经济和信息化厅")]
    assert -1 not in positions and positions == sorted(positions)
    assert "联系" not in answer.text and answer.text.startswith("贵局")
    assert answer.sources == ("三、申请材料（一）", "四、申报审批流程（二）")


@pytest.mark.parametrize("text", ["我们是县里的园区", "县经信局", "我们是街道办", "行业协会", "我们是拉萨市科技局"])
def test_a_body_that_does_not_recommend_is_told_who_does(text: str) -> None:
    found = org_data().roles.find(text)
    assert found is not None and not found.role.recommender
    answer = role_answer("recommendation", found)
    assert answer is not None
    assert "不是通知规定的推荐单位" in answer.text
    assert "各地（市）经济和信息化局" in answer.text and "自治区级（含）以上园区管委会" in answer.text


@pytest.mark.parametrize(("intent", "words"), [
    ("open_submission", ["推荐表", "报经济和信息化厅"]),
    ("materials_overview", ["推荐表", "附件1", "申请报告"]),
])
def test_other_intents_answered_for_a_recommender(intent: str, words: list[str]) -> None:
    found = org_data().roles.find("我们是山南市经信局")
    assert found is not None
    answer = role_answer(intent, found)
    assert answer is not None and all(w in answer.text for w in words) and "您的申请材料" not in answer.text


def test_the_department_is_the_receiver_not_a_recommender() -> None:
    found = org_data().roles.find("我们是自治区经信厅")
    assert found is not None and found.role.receiver and not found.role.recommender
    answer = role_answer("recommendation", found)
    assert answer is not None and "不是通知规定的推荐单位" in answer.text and "评审" in answer.text


@pytest.mark.parametrize(("text", "named"), [
    ("测评要看哪些", 1),
    ("要给平台打分吗", 1),
    ("推荐表谁填", 2),
    ("推荐平台需要附什么材料", 3),
    ("推荐要报给谁", 4),
    ("推荐表和申请材料报给谁", 4),  # the last step named
    ("然后呢", 0),
    ("表呢", 2),  # the form, said short
    ("最后交哪", 4),
])
def test_the_step_of_the_work_a_question_names(text: str, named: int) -> None:
    assert org_data().roles.steps().named(text) == named


@pytest.mark.parametrize(("text", "asks"), [
    ("那园区企业要报怎么办", True),
    ("辖区企业找谁", True),
    ("会员单位想申报咋弄", True),
    ("那我们辖区企业", False),  # no how-question
    ("申报要怎么办", False),  # no enterprises of an area
])
def test_asking_how_the_area_s_enterprises_go_about_it(text: str, asks: bool) -> None:
    assert org_data().roles.steps().asks_for_area(text) is asks


@pytest.mark.parametrize(("text", "recommends"), [
    ("我们街道想推荐一家企业申报，怎么操作", True),
    ("我们能推荐会员单位吗", True),
    ("我们被推荐以后做什么", False),
    ("推荐表在哪下载", False),
    ("推荐单位是谁", False),
])
def test_speaking_of_recommending(text: str, recommends: bool) -> None:
    assert org_data().roles.steps().recommends(text) is recommends


@pytest.mark.parametrize(("step", "says", "source"), [
    (1, ["第1步是测评", "运营情况", "下一步是填写推荐表"], "三、申请材料（一）"),
    (2, ["第2步是填写推荐表", "附件1", "下一步是附申请材料"], "三、申请材料（一）"),
    (3, ["第3步是附申请材料", "下一步是报送"], "三、申请材料（一）"),
    (4, ["第4步是报送", "报经济和信息化厅", "最后一步", "评审"], "三、申请材料（一）"),
    (5, ["报经济和信息化厅之后", "组织专家对申报材料进行评审", "公示7个工作日"], "四、申报审批流程（三）"),
])
def test_each_step_of_a_recommenders_work_and_what_follows(step: int, says: list[str], source: str) -> None:
    found = org_data().roles.find("我们是拉萨市经信局")
    assert found is not None
    answer = step_answer(found, step)
    assert all(word in answer.text for word in says), answer.text
    assert answer.sources == (source,) and answer.text.startswith("贵局") and "联系" not in answer.text


def test_the_notice_is_silent_on_sealing_the_recommendation_form() -> None:
    # asked about, not for: a message that is only the body's name now introduces it ("日喀则经信局"), so the
    # body is named inside a question here
    found = org_data().roles.find("推荐表是那曲市经信局盖章吗")
    assert found is not None and not found.stated
    answer = step_answer(found, 2, seal=True)
    assert answer.text.startswith("推荐表是否需要盖章，通知没有规定")
    assert "附件1" in answer.text and "地（市）经济和信息化局推荐工作的第2步" in answer.text
    assert answer.sources == ("三、申请材料（一）", "三、申请材料（二）第9项")


def test_an_applicant_gets_the_usual_answers() -> None:
    found = org_data().roles.find("我们是申报单位")
    assert found is not None
    assert role_answer("recommendation", found) is None and role_answer("open_submission", found) is None


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


def _verdict_bool(d: dict) -> None:  # type: ignore[type-arg]
    d["kinds"]["branch"]["verdict"] = False  # what an unquoted `no` becomes in YAML


def _depends_without_reason(d: dict) -> None:  # type: ignore[type-arg]
    del d["kinds"]["school"]["depends_on"]


def _word_twice(d: dict) -> None:  # type: ignore[type-arg]
    d["kinds"]["office"]["words"].append("分公司")


def _not_a_listed_type(d: dict) -> None:  # type: ignore[type-arg]
    d["kinds"]["research"]["type"] = "other"


def _no_legal_words(d: dict) -> None:  # type: ignore[type-arg]
    d["legal_person"]["deny"] = []


def _bad_kinds_clause(d: dict) -> None:  # type: ignore[type-arg]
    d["clause"] = "二、申报条件（一）第7项"


def _wrong_notice_name(d: dict) -> None:  # type: ignore[type-arg]
    d["roles"]["city_bureau"]["notice_name"] = "各县经济和信息化局"


def _recommender_missing(d: dict) -> None:  # type: ignore[type-arg]
    del d["roles"]["park_committee"]


def _lower_is_a_recommender(d: dict) -> None:  # type: ignore[type-arg]
    d["roles"]["city_bureau"]["lower_role"] = "park_committee"


def _missing_template(d: dict) -> None:  # type: ignore[type-arg]
    d["answers"]["recommendation"]["recommender"] = "answers/no_such_template"


def _unknown_intent(d: dict) -> None:  # type: ignore[type-arg]
    d["answers"]["weather"] = {"recommender": "answers/role_recommend", "sources": ["三、申请材料（一）"]}


def _no_hint(d: dict) -> None:  # type: ignore[type-arg]
    del d["roles"]["county_park"]["hint"]


def _no_steps(d: dict) -> None:  # type: ignore[type-arg]
    d["recommendation"]["steps"] = []


def _no_such_process_step(d: dict) -> None:  # type: ignore[type-arg]
    d["recommendation"]["process_step"] = 9


def _steps_not_one_for_one(d: dict) -> None:  # type: ignore[type-arg]
    d["steps"]["words"].pop()


def _form_step_out_of_range(d: dict) -> None:  # type: ignore[type-arg]
    d["steps"]["form"] = 7


def _typo_of_another_length(d: dict) -> None:  # type: ignore[type-arg]
    d["typos"]["事业单为"] = "事业单位单位"


BROKEN = [
    ("org_kinds.yml", _verdict_bool, "org_kinds.yml", "kinds.branch.verdict"),
    ("org_kinds.yml", _depends_without_reason, "org_kinds.yml", "kinds.school.depends_on"),
    ("org_kinds.yml", _word_twice, "org_kinds.yml", "kinds.office.words[10]"),
    ("org_kinds.yml", _bad_kinds_clause, "org_kinds.yml", "clause"),
    ("org_kinds.yml", _not_a_listed_type, "org_kinds.yml", "kinds.research.type"),
    ("org_kinds.yml", _no_legal_words, "org_kinds.yml", "legal_person.deny"),
    ("roles.yml", _wrong_notice_name, "roles.yml", "roles.city_bureau.notice_name"),
    ("roles.yml", _recommender_missing, "roles.yml", "roles"),
    ("roles.yml", _lower_is_a_recommender, "roles.yml", "roles.city_bureau.lower_role"),
    ("roles.yml", _missing_template, "roles.yml", "answers.recommendation.recommender"),
    ("roles.yml", _unknown_intent, "roles.yml", "answers.weather"),
    ("roles.yml", _no_hint, "roles.yml", "roles.county_park.hint"),
    ("roles.yml", _steps_not_one_for_one, "roles.yml", "steps.words"),
    ("roles.yml", _form_step_out_of_range, "roles.yml", "steps.form"),
    ("org_kinds.yml", _typo_of_another_length, "org_kinds.yml", "typos.事业单为"),
    ("process.yml", _no_steps, "process.yml", "recommendation.steps"),
    ("process.yml", _no_such_process_step, "process.yml", "recommendation.process_step"),
]


@pytest.mark.parametrize(("name", "change", "file", "key"), BROKEN, ids=[c[1].__name__ for c in BROKEN])
def test_broken_copy_names_file_and_key(kb_copy: Path, name: str, change: Callable[[dict], None],  # type: ignore[type-arg]
                                        file: str, key: str) -> None:
    edit_yaml(kb_copy / name, change)
    with pytest.raises(KnowledgeError) as err:
        validate(kb_copy)
    assert (err.value.file, err.value.key) == (file, key)


def test_broken_template_names_the_template(kb_copy: Path) -> None:
    (kb_copy / "templates" / "answers" / "can_apply.j2").write_text("{{ kind.no_such_field }}", encoding="utf-8")
    with pytest.raises(KnowledgeError) as err:
        validate(kb_copy)
    assert err.value.file == "templates/answers/can_apply.j2" and err.value.key.startswith("kinds.")


@pytest.mark.parametrize(("text", "lang", "unlisted"), [
    ("我们是银行 能推荐客户吗", "zh", True),
    ("我们是镇上的，能推荐吗", "zh", True),
    ("我们是一家技术服务公司，是不是推荐单位", "zh", True),
    ("We are a bank, can we recommend our clients?", "en", True),
    ("我们能推荐吗", "zh", False),  # may be a recommender that has not said what it is
    ("我们是银行，能报吗", "zh", False),  # not about recommending
])
def test_a_body_the_notice_does_not_list(text: str, lang: str, unlisted: bool) -> None:
    found = org_data().roles.unlisted_body(text, lang)
    assert (found is not None) is unlisted
    if found is not None:
        assert found.stated and not found.role.recommender and not found.role.applicant


def test_a_recommender_is_told_where_recommending_stands_in_the_approval_process() -> None:
    found = org_data().roles.find("我们是拉萨市经信局")
    assert found is not None
    answer = role_answer("recommendation", found)
    assert answer is not None
    clauses = [answer.text.find(f"四、申报审批流程（{n}）") for n in "一二三"]
    assert -1 not in clauses and clauses == sorted(clauses)
    assert "自治区级（含）以上园区管委会" in answer.text


@pytest.mark.parametrize(("text", "key"), [
    ("日喀则经信局", "city_bureau"),  # the whole message is the name
    ("山南市经信局的，想问推荐表是什么", "city_bureau"),
    ("拉萨市经信局 推荐工作第一步干嘛", "city_bureau"),  # voice input: a space, no mark
    ("拉萨经开区管委会", "park_committee"),
    ("我区是自治区级经济技术开发区，请问推荐程序", "park_committee"),  # 公文: 我区 is the zone, not a district
])
def test_a_body_named_at_the_opening_speaks_for_itself(text: str, key: str) -> None:
    found = org_data().roles.find(text)
    assert found is not None and found.stated and found.role.key == key


@pytest.mark.parametrize("text", ["拉萨市经信局的电话是多少", "我们是园区运营公司，能推荐入驻企业吗"])
def test_a_body_named_otherwise_is_not_the_user(text: str) -> None:
    found = org_data().roles.find(text)
    assert found is None or not found.stated


@pytest.mark.parametrize(("text", "key"), [
    ("推荐截止是哪天", "deadline"), ("可以推荐几家平台", "quota"), ("推荐几家有限制吗", "quota"),
    ("我们自己能申报吗", "own_apply"), ("测评有没有标准", "assessment"), ("推荐了以后还要做什么", "after"),
    ("我们要推荐几个平台 第一步干什么", None),  # says it will recommend some: not how many it may
])
def test_questions_on_the_recommendation_with_answers_of_their_own(text: str, key: str | None) -> None:
    ask = org_data().roles.asked(text)
    assert (ask.key if ask is not None else None) == key


def test_a_recommender_is_told_the_notice_sets_no_quota() -> None:
    found = org_data().roles.find("我们是山南市经信局")
    ask = org_data().roles.asked("可以推荐几家平台")
    assert found is not None and ask is not None
    answer = ask_answer(ask, found)
    assert answer.text.startswith("贵局可以推荐几家示范平台，通知没有规定推荐数量") and "联系" not in answer.text


def test_can_we_recommend_a_kind_named_inside_the_question() -> None:
    assert org_data().kinds.asks_to_recommend("能推荐分公司吗")
    assert org_data().kinds.asks_to_recommend("可以推荐分公司吗")


@pytest.mark.parametrize(("clause", "key", "level"), [
    ("是市级的", "park_committee", "county_park"), ("我们是县级的", "park_committee", "county_park"),
    ("我们是国家级的", "park_committee", "park_committee"), ("我们是国家级的", "county_park", "park_committee"),
    ("县里的", "city_bureau", "county_bureau"),
    ("是市级园区吗", "park_committee", None),  # asks, does not say
    ("市级认定有吗", "park_committee", None), ("是市级的", "association", None),
])
def test_a_clause_that_only_says_a_level(clause: str, key: str, level: str | None) -> None:
    role = org_data().roles.level_said(clause, key)
    assert (role.key if role is not None else None) == level


def test_the_level_said_in_a_clause_after_the_body() -> None:
    found = org_data().roles.find("我们是园区管委会，不过是市里批的")
    assert found is not None and found.stated and found.role.key == "county_park"


@pytest.mark.parametrize(("text", "key"), [
    ("那申报单位需要交什么给我们", "materials"), ("辖区外的平台能推荐吗", "scope"),
    ("推荐的平台必须在园区内吗", "scope"), ("同一家平台能同时由园区推荐吗", "scope"),
])
def test_more_questions_on_the_recommendation(text: str, key: str) -> None:
    ask = org_data().roles.asked(text)
    assert ask is not None and ask.key == key


def test_a_platform_s_assets_name_no_kind() -> None:
    assert not judge("有家平台资产80万，能推荐吗") and judge("台资企业能报吗")


def test_a_user_who_says_they_are_a_recommending_body() -> None:
    found = org_data().roles.find("作为推荐单位我们需要做什么")
    assert found is not None and found.stated and found.role.recommender
    assert org_data().roles.find("推荐单位是谁") is None  # only mentioned: the applicant's answer


@pytest.mark.parametrize("text", ["高新区 企业能报吗", "经开区 的企业能申报吗", "拉萨市经信局，我们公司想申报",
                                  "拉萨经开区 我们是一家技术服务公司 能报吗"])
def test_a_body_opening_the_message_may_be_where_the_user_is(text: str) -> None:
    found = org_data().roles.find(text)
    assert found is None or not found.stated


@pytest.mark.parametrize(("text", "kind"), [
    ("不是分公司是子公司", "subsidiary"),
    ("我们是子公司不是分公司 能报吗", "subsidiary"),
    ("我们不是事业单位，是民非，能报吗", "private_non_enterprise"),
    ("分公司能报吗", "branch"),  # nothing else named: the kind denied alone is still the one asked about
])
def test_a_kind_the_organisation_is_said_not_to_be_is_not_judged(text: str, kind: str) -> None:
    assert [j.kind.key for j in judge(text)] == [kind]


def test_a_which_question_judges_every_kind_named() -> None:
    """"…下面还有一个子公司，哪个能报": the unit the organisation has is compared too, not left out."""
    judgements = judge("我们是一个事业单位，我们下面还有一个子公司，哪个能报")
    assert [(j.kind.key, j.verdict) for j in judgements] == [("public_institution", "depends"), ("subsidiary", "can")]
    assert [j.kind.key for j in judge("集团总部能报吗 我们下面有好几个子公司")] == ["group"]
    assert [j.kind.key for j in judge("事业单位 民非 子公司 分别能不能报")] == [
        "public_institution", "private_non_enterprise", "subsidiary"]
    assert [j.kind.key for j in judge("集团下属子公司可以分别申报吗")] == ["subsidiary"]  # one kind describes the next


@pytest.mark.parametrize(("text", "why"), [
    ("分公司为啥不行", True), ("为什么分公司不能报", False), ("分公司能报吗", False),
])
def test_a_why_about_a_kind_is_read_as_such(text: str, why: bool) -> None:
    assert org_data().kinds.asks_why(text) is why


@pytest.mark.parametrize("text", ["只能企业报吗", "非企业可以申报吗", "不是企业能报吗"])
def test_whether_only_enterprises_apply_depends_on_the_two_tests(text: str) -> None:
    assert [(j.kind.key, j.verdict) for j in judge(text)] == [("non_enterprise", "depends")]


def test_a_friend_s_organisation_is_not_the_user_s() -> None:
    assert not judge("我是帮朋友问的，他们是个民非，能报吗")[0].own
    assert judge("我是个体户 能申请示范平台不")[0].own
