"""The materials checklist: marking by name, never marking an ambiguous mention unconfirmed, "还差什么"."""

from __future__ import annotations

import pytest

from dialogs import Assistant, Store
from dialogs.reminders import Catalog, done_keys
from dialogs.store import User
from tests.dialogs.reminders.conftest import say


def done_of(store: Store, external_id: str = "u1") -> set[str]:
    with store.session() as s:
        user = s.query(User).filter_by(external_id=external_id).one()
        return done_keys(s, user.id)


@pytest.mark.parametrize(("text", "expected"), [
    ("营业执照和审计报告已经准备好了", [("license",), ("audit_report",)]),
    ("报告好了", [("application_report", "audit_report")]),
    ("证书好了", [("license", "property", "staff_list")]),
    ("租赁合同和真实性声明都有了", [("property",), ("declaration",)]),
    ("典型案例写好了", [("cases",)]),
    ("今天天气不错", []),
])
def test_mentions_name_materials_and_flag_ambiguity(fixture_catalog: Catalog, text: str,
                                                     expected: list[tuple[str, ...]]) -> None:
    assert [m.keys for m in fixture_catalog.mentions(text)] == expected


def test_negated_clause_is_recognised(fixture_catalog: Catalog) -> None:
    mentions = fixture_catalog.mentions("营业执照好了，但审计报告还没有")
    assert [(m.keys, m.negated) for m in mentions] == [(("license",), False), (("audit_report",), True)]


def test_checklist_lists_nine_items_requirements_and_the_recommendation_form(assistant: Assistant) -> None:
    turn = say(assistant, "/materials")
    text = turn.text
    assert "已备齐 0 项，还差 9 项" in text
    assert text.count("✗") == 9 and "✓" not in text
    assert "法人证书和营业执照副本（复印件）——复印件" in text
    assert "不超过3000字" in text  # the requirement's template is filled from the data
    assert "示范平台推荐表（附件1）：由推荐单位填报" in text
    assert "地(市)经济和信息化局" in text and "园区管委会" in text
    buttons = turn.replies[-1].buttons
    assert len(buttons) == 9
    assert buttons[1].payload == "/materials_set license done"
    assert "三、申请材料（二）" in turn.sources


def test_named_materials_are_marked_and_shown_as_done(assistant: Assistant, store: Store) -> None:
    turn = say(assistant, "营业执照和审计报告已经准备好了")
    assert "法人证书和营业执照副本、专项审计报告已备齐" in turn.text
    assert "还差 7 项" in turn.text
    assert done_of(store) == {"license", "audit_report"}
    checklist = say(assistant, "/materials")
    assert "已备齐 2 项，还差 7 项" in checklist.text
    assert "✓ 2. 法人证书和营业执照副本" in checklist.text
    assert checklist.replies[-1].buttons[1].payload == "/materials_set license todo"


def test_ambiguous_message_is_not_marked_before_confirmation(assistant: Assistant, store: Store) -> None:
    turn = say(assistant, "报告好了")
    assert done_of(store) == set()
    assert "您说的“报告”是指哪一项" in turn.text
    titles = [b.title for b in turn.replies[-1].buttons]
    assert titles == ["1. 申请报告", "2. 专项审计报告", "都不是"]
    answer = say(assistant, "2")
    assert done_of(store) == {"audit_report"}
    assert "专项审计报告已备齐" in answer.text


def test_confirmation_by_button_payload(assistant: Assistant, store: Store) -> None:
    turn = say(assistant, "报告好了")
    payload = turn.replies[-1].buttons[0].payload
    say(assistant, payload)
    assert done_of(store) == {"application_report"}


def test_none_of_them_marks_nothing(assistant: Assistant, store: Store) -> None:
    say(assistant, "报告好了")
    reply = say(assistant, "都不是")
    assert "没有做任何标记" in reply.text
    assert done_of(store) == set()


def test_a_different_question_during_confirmation_marks_nothing(assistant: Assistant, store: Store) -> None:
    say(assistant, "报告好了")
    turn = say(assistant, "还差什么")
    assert "您还差以下 9 项" in turn.text
    assert done_of(store) == set()


def test_certain_items_are_marked_while_the_ambiguous_one_is_asked(assistant: Assistant, store: Store) -> None:
    turn = say(assistant, "营业执照和报告好了")
    assert done_of(store) == {"license"}
    assert "您说的“报告”是指哪一项" in turn.text


def test_negation_marks_an_item_as_not_done(assistant: Assistant, store: Store) -> None:
    say(assistant, "审计报告准备好了")
    turn = say(assistant, "营业执照好了，但审计报告还没有")
    assert done_of(store) == {"license"}
    assert "专项审计报告尚未备齐" in turn.text


def test_what_is_missing_lists_items_with_requirements(assistant: Assistant, store: Store) -> None:
    say(assistant, "营业执照和审计报告已经准备好了")
    turn = say(assistant, "还差什么")
    text = turn.text
    assert "您还差以下 7 项申请材料" in text
    assert "营业执照" not in text and "审计报告" not in text
    assert "✗ 9. 申报材料真实性声明——加盖申报单位公章" in text
    assert "由推荐单位填报" in text


def test_all_done_then_missing_answers_complete(assistant: Assistant, store: Store) -> None:
    for key in ("application_report", "license", "audit_report", "property", "service_proof", "staff_list",
                "cases", "other", "declaration"):
        say(assistant, f"/materials_set {key} done")
    turn = say(assistant, "还差什么")
    assert "9 项申请材料已全部备齐" in turn.text
    toggled = say(assistant, "/materials_set cases todo")
    assert "典型服务案例尚未备齐" in toggled.text
    assert done_of(store) == {"application_report", "license", "audit_report", "property", "service_proof",
                              "staff_list", "other", "declaration"}


def test_recommendation_form_cannot_be_marked_by_the_applicant(assistant: Assistant, store: Store) -> None:
    say(assistant, "/materials_set recommendation_form done")
    assert done_of(store) == set()


def test_each_user_sees_only_their_own_materials(assistant: Assistant, store: Store) -> None:
    say(assistant, "营业执照好了", user="a")
    assert done_of(store, "a") == {"license"}
    assert "已备齐 0 项" in say(assistant, "/materials", user="b").text


def test_the_installed_materials_file_gives_the_nine_items_in_order() -> None:
    from dialogs.reminders._catalog import build_catalog
    from knowledge import load_file

    catalog = build_catalog(load_file("materials.yml"), load_file("material_synonyms.yml"))
    assert [m.no for m in catalog.applicant] == list(range(1, 10))
    assert catalog.recommendation is not None and catalog.recommendation.key == "recommendation_form"
    assert all("{{" not in r for m in catalog.materials for r in m.requirements)


def test_the_installed_titles_have_their_placeholders_filled() -> None:
    """A user asking 还差哪些材料 saw “不超过{{ materials.cases.max_chars }}字” in item 7's title."""
    from dialogs.reminders._catalog import build_catalog
    from knowledge import load_file

    catalog = build_catalog(load_file("materials.yml"), load_file("material_synonyms.yml"))
    cases = catalog.get("cases")
    assert cases is not None and "不超过3000字" in cases.title
    assert all("{{" not in m.title and "}}" not in m.title for m in catalog.materials)
