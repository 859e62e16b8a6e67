"""Working days (PRC calendar with make-up days, admin additions, weekday fall-back) and deadlines.yml."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from bot.cli import main
from knowledge import KNOWLEDGE_DIR, KnowledgeError, UserInputError
from knowledge._deadlines import load_deadlines, parse_deadlines, set_deadline
from knowledge._workdays import WorkCalendar, load_holidays, parse_holidays

D = dt.date


@pytest.mark.parametrize(("start", "days", "end"), [
    (D(2022, 9, 30), 7, D(2022, 10, 13)),  # Fri counts; 10-01..07 off; Sat 10-08 and Sun 10-09 are make-up days
    (D(2022, 10, 1), 7, D(2022, 10, 14)),  # a holiday start does not count
    (D(2022, 10, 8), 1, D(2022, 10, 8)),   # a make-up Saturday is a working day
    (D(2022, 9, 30), 1, D(2022, 9, 30)),
    (D(2022, 10, 7), 2, D(2022, 10, 9)),
])
def test_publicity_end_over_2022_national_day(start: D, days: int, end: D) -> None:
    result = WorkCalendar().publicity_end(start, days)
    assert result.end == end
    assert result.fallback_years == ()


def test_workdays_between_excludes_start_and_includes_end() -> None:
    cal = WorkCalendar()
    assert cal.workdays_between(D(2022, 9, 29), D(2022, 10, 10)).value == 4  # 9-30, 10-08, 10-09, 10-10
    assert cal.workdays_between(D(2022, 10, 10), D(2022, 10, 10)).value == 0


def test_admin_holidays_override_and_unknown_years_fall_back_to_weekdays(tmp_path: Path) -> None:
    path = tmp_path / "holidays.yml"
    path.write_text(yaml.safe_dump({"years": {2030: {"holidays": ["2030-10-01..2030-10-07"],
                                                     "workdays": ["2030-10-12"]}}}), encoding="utf-8")
    cal = WorkCalendar.load(path)
    assert not cal.is_workday(D(2030, 10, 1)) and cal.is_workday(D(2030, 10, 12))  # 10-12 is a Saturday
    assert cal.publicity_end(D(2030, 9, 30), 3).end == D(2030, 10, 9)
    unknown = cal.publicity_end(D(2031, 12, 31), 3)  # Wed; 2032 is known to nobody either
    assert unknown.end == D(2032, 1, 2) and unknown.fallback_years == (2031, 2032)


@pytest.mark.parametrize(("data", "key"), [
    ({"years": {2030: {"holidays": ["2030-02-30"]}}}, "years.2030.holidays[0]"),
    ({"years": {2030: {"holidays": ["2031-01-01"]}}}, "years.2030.holidays"),
    ({"years": {2030: {"holidays": ["2030-10-01"], "workdays": ["2030-10-01"]}}}, "years.2030.workdays"),
    ({"years": {"20x": {}}}, "years.20x"),
    ({"years": {2030: {"weekends": []}}}, "years.2030"),
])
def test_holiday_file_errors_name_file_and_key(data: object, key: str) -> None:
    with pytest.raises(KnowledgeError) as err:
        parse_holidays(data)
    assert err.value.file == "holidays.yml" and err.value.key == key


def test_shipped_data_files_are_valid() -> None:
    assert load_holidays() == {}
    plan = load_deadlines()
    assert plan.current_year == 2022 and plan.current.get("application") is None
    assert plan.reminders.offsets_days == (14, 7, 3, 1) and plan.reminders.time == dt.time(10, 0)


@pytest.mark.parametrize(("patch", "key"), [
    ({"application": "2022-02-30"}, "years.2022.application"),
    ({"deadline": "2022-12-01"}, "years.2022.deadline"),
    ({"application": "2022-12-10", "recommendation": "2022-12-01"}, "years.2022.recommendation"),
])
def test_deadline_file_errors_name_file_and_key(patch: dict[str, str], key: str) -> None:
    data = yaml.safe_load((KNOWLEDGE_DIR / "deadlines.yml").read_text(encoding="utf-8"))
    data["years"][2022].update(patch)
    with pytest.raises(KnowledgeError) as err:
        parse_deadlines(data)
    assert (err.value.file, err.value.key) == ("deadlines.yml", key)


@pytest.mark.parametrize(("key", "value"), [("time", "25:00"), ("own_offsets_days", [-1]),
                                            ("own_offsets_days", []), ("own_offsets_days", "7")])
def test_reminder_settings_are_validated(key: str, value: object) -> None:
    data = yaml.safe_load((KNOWLEDGE_DIR / "deadlines.yml").read_text(encoding="utf-8"))
    data["reminders"][key] = value
    with pytest.raises(KnowledgeError, match=rf"reminders\.{key}"):
        parse_deadlines(data)


def test_own_deadline_offsets_default_to_a_week_the_eve_and_the_day() -> None:
    data = yaml.safe_load((KNOWLEDGE_DIR / "deadlines.yml").read_text(encoding="utf-8"))
    assert parse_deadlines(data).reminders.own_offsets_days == (7, 1, 0)
    del data["reminders"]["own_offsets_days"]
    assert parse_deadlines(data).reminders.own_offsets_days == (7, 1, 0)
    data["reminders"]["own_offsets_days"] = [0, 3, 3]
    assert parse_deadlines(data).reminders.own_offsets_days == (3, 0)


def test_set_deadline_rewrites_the_file_and_keeps_comments(tmp_path: Path) -> None:
    path = tmp_path / "deadlines.yml"
    path.write_text((KNOWLEDGE_DIR / "deadlines.yml").read_text(encoding="utf-8"), encoding="utf-8")
    set_deadline(2022, "application", D(2022, 12, 30), path)
    assert path.read_text(encoding="utf-8").startswith("# 各年度申报通知的时间节点")
    assert load_deadlines(path).current.get("application") == D(2022, 12, 30)
    with pytest.raises(UserInputError):
        set_deadline(2022, "recommendation", D(2022, 12, 1), path)  # before the application deadline
    assert load_deadlines(path).current.get("recommendation") is None
    with pytest.raises(UserInputError):
        set_deadline(2022, "party", D(2022, 12, 1), path)


def test_cli_publicity_end(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["calendar", "publicity-end", "--start", "2022-09-30"]) == 0
    assert capsys.readouterr().out == "2022-10-13\n"
    assert main(["calendar", "publicity-end", "--start", "2022-10-01", "--days", "1"]) == 0
    assert capsys.readouterr().out == "2022-10-08\n"
    assert main(["calendar", "publicity-end", "--start", "2031-03-03", "--days", "5"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "2031-03-07\n" and "2031年的法定节假日安排尚未收录" in captured.err
    assert main(["calendar", "publicity-end", "--start", "2022-10-01", "--days", "0"]) == 2
    with pytest.raises(SystemExit) as bad:
        main(["calendar", "publicity-end", "--start", "2022/10/01"])
    assert bad.value.code == 2
