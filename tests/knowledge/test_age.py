"""indicators.md: a founding date counts to the year's application deadline when one is configured, else to the
date of the check — the same in the Q&A figures, the self-check dialogue and the batch CSV. The replies name the
day counted to and why (issue 13, group 12: “计算至2026年12月31日（申报截止日）”, “计算至2026年11月26日（今天；
本年度申报截止日尚未公布）”; the wording before was “至申报截止日（2026年12月31日）” and “至今”, which did not say
that the deadline was unknown)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from dialogs.selfcheck import load_indicators
from dialogs.selfcheck._cells import parse_cell
from dialogs.store import Store
from knowledge import KNOWLEDGE_DIR, AgeBasis, age_basis, age_in_years, compose
from knowledge._deadlines import set_deadline
from nlu import parse
from tests.dialogs.selfcheck.dialogue_helpers import Chat

TODAY = date(2026, 11, 26)
FOUNDED = date(2024, 12, 15)  # 1.94 years on TODAY, 2.04 years on the deadline below
DEADLINE = date(2026, 12, 31)


@pytest.fixture
def no_deadline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    target = tmp_path / "deadlines.yml"
    target.write_text((KNOWLEDGE_DIR / "deadlines.yml").read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setenv("SHENBAO_DEADLINES_FILE", str(target))
    return target


@pytest.fixture
def deadline(no_deadline: Path) -> Path:
    set_deadline(2022, "application", DEADLINE, no_deadline)
    return no_deadline


def test_without_a_deadline_age_is_measured_on_the_day_of_the_check(no_deadline: Path) -> None:
    assert age_basis(TODAY).on == TODAY and not age_basis(TODAY).deadline
    assert age_in_years(FOUNDED, TODAY)[0] == 1.94


def test_with_a_deadline_age_is_measured_on_it(deadline: Path) -> None:
    years, basis = age_in_years(FOUNDED, TODAY)
    assert (years, basis.on, basis.deadline) == (2.04, DEADLINE, True)


def test_the_deadline_is_reread_when_an_administrator_changes_it(deadline: Path) -> None:
    assert age_basis(TODAY).on == DEADLINE
    set_deadline(2022, "application", None, deadline)
    assert age_basis(TODAY).on == TODAY


def _qa(text: str) -> str:
    parsed = parse(text)
    return compose(parsed.intent, text, parsed.entities, TODAY).text


@pytest.mark.parametrize(("deadline", "label"), [
    (None, "2026年11月26日（今天；本年度申报截止日尚未公布）"), (DEADLINE, "2026年12月31日（申报截止日）")])
def test_the_basis_names_the_day_and_why(deadline: date | None, label: str) -> None:
    assert AgeBasis(deadline or TODAY, deadline is not None).label == label


def test_qa_counts_to_the_deadline(deadline: Path) -> None:
    text = _qa("我们成立于2024年12月15日，满足运营年限吗")
    assert "从您提到的“2024年12月15日”计算至2026年12月31日（申报截止日），约2.04年，满足" in text


def test_qa_counts_to_today_without_deadline(no_deadline: Path) -> None:
    text = _qa("我们成立于2024年12月15日，满足运营年限吗")
    assert "计算至2026年11月26日（今天；本年度申报截止日尚未公布），约1.94年，不满足" in text


@pytest.mark.parametrize(("fixture", "says"), [
    ("no_deadline", "从您提到的“2021年3月”（按2021年3月31日起算）计算至2026年11月26日"
                    "（今天；本年度申报截止日尚未公布），约5.65年，满足"),
    ("deadline", "从您提到的“2021年3月”（按2021年3月31日起算）计算至2026年12月31日（申报截止日），约5.75年，满足"),
])
def test_qa_names_the_start_of_a_founding_month_and_the_day_counted_to(fixture: str, says: str,
                                                                       request: pytest.FixtureRequest) -> None:
    request.getfixturevalue(fixture)
    assert says in _qa("我们2021年3月成立的，够年限吗")


def test_qa_never_rounds_an_age_up_to_the_threshold(no_deadline: Path) -> None:
    # the Q&A said “约2年，满足” (days / 365.2425 rounded) where the self-check said 1.99 years, 不满足
    assert "不满足" in _qa("我们成立于2024年11月27日，满足运营年限吗")


@pytest.mark.parametrize(("fixture", "years"), [("no_deadline", 1.94), ("deadline", 2.04)])
def test_batch_cells_count_to_the_deadline_when_configured(fixture: str, years: float,
                                                           request: pytest.FixtureRequest) -> None:
    request.getfixturevalue(fixture)
    assert parse_cell(load_indicators(), "years_operating", "2024年12月15日", today=TODAY) == years


# issue 13: every recorded value is echoed "已记录：…。" and the note follows it (it was in brackets)
@pytest.mark.parametrize(("fixture", "note"), [
    ("no_deadline", "运营年限：1.94 年。按成立时间2024年12月15日，计算至2026年11月26日，"
                    "即今天；本年度申报截止日尚未公布。"),
    ("deadline", "运营年限：2.04 年。按成立时间2024年12月15日，计算至2026年12月31日，即申报截止日。"),
])
def test_dialogue_counts_to_the_deadline_when_configured(fixture: str, note: str, store: Store,
                                                         request: pytest.FixtureRequest) -> None:
    request.getfixturevalue(fixture)
    chat = Chat(store, now=datetime(2026, 11, 26, 4, 0, tzinfo=UTC))
    turn = chat.run("/selfcheck", "是", "科研院所", "成立于2024年12月15日")
    assert note in turn.text


def test_a_broken_deadlines_file_counts_to_the_day_of_the_check(no_deadline: Path) -> None:
    no_deadline.write_text("years: [", encoding="utf-8")
    assert age_basis(TODAY).on == TODAY
