"""``shenbao kb set-deadline`` writes the validated date and reschedules reminders; ``kb check`` covers the
reminders' data files."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from bot.cli import main
from dialogs import Store
from dialogs.store.models import Reminder, ReminderSubscription, User
from knowledge import KNOWLEDGE_DIR
from knowledge._deadlines import load_deadlines


@pytest.fixture
def deadlines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "deadlines.yml"
    shutil.copy(KNOWLEDGE_DIR / "deadlines.yml", path)
    monkeypatch.setenv("SHENBAO_DEADLINES_FILE", str(path))
    return path


def test_set_deadline_writes_the_file_and_reschedules(deadlines: Path, store: Store,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    now = dt.datetime.now(dt.UTC)
    with store.session() as s:
        uid = s.execute(insert(User).values(channel="telegram", external_id="7", created_at=now, last_active_at=now)
                        .returning(User.id)).scalar_one()
        s.add(ReminderSubscription(user_id=uid, active=True, email=None, created_at=now, updated_at=now))
    day = (now + dt.timedelta(days=60)).date()
    assert main(["kb", "set-deadline", "--year", "2022", "--kind", "application", "--date", day.isoformat(),
                 "--database-url", store.url]) == 0
    out = capsys.readouterr().out
    assert f"已设置 2022 年度申报截止日期：{day}" in out and "新建 4 条" in out
    assert load_deadlines(deadlines).current.get("application") == day
    with store.session() as s:
        assert {r.deadline for r in s.scalars(select(Reminder))} == {day}
    assert main(["kb", "set-deadline", "--year", "2022", "--kind", "application", "--clear",
                 "--database-url", store.url]) == 0
    with store.session() as s:
        assert {r.status for r in s.scalars(select(Reminder))} == {"cancelled"}


def test_set_deadline_refuses_bad_input(deadlines: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = deadlines.read_text(encoding="utf-8")
    with pytest.raises(SystemExit) as bad_date:
        main(["kb", "set-deadline", "--year", "2022", "--kind", "application", "--date", "2022-02-30"])
    assert bad_date.value.code == 2
    with pytest.raises(SystemExit) as bad_kind:
        main(["kb", "set-deadline", "--year", "2022", "--kind", "party", "--date", "2022-12-01"])
    assert bad_kind.value.code == 2
    assert main(["kb", "set-deadline", "--year", "1999", "--kind", "application", "--date", "1999-12-01"]) == 2
    assert deadlines.read_text(encoding="utf-8") == before


def test_kb_check_names_file_and_key_of_a_bad_deadline(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, folder, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    text = (folder / "deadlines.yml").read_text(encoding="utf-8")
    (folder / "deadlines.yml").write_text(text.replace("application: null", "application: 2022-13-40"),
                                          encoding="utf-8")
    assert main(["kb", "check", "--dir", str(folder)]) == 1
    err = capsys.readouterr().err
    assert "deadlines.yml" in err and "years.2022.application" in err
