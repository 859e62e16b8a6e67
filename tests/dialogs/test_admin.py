"""Administrators (SHENBAO_ADMIN_IDS, Telegram) get /stats and /export; nobody else sees anything of it."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from dialogs import Assistant, Incoming, Store
from nlu import FALLBACK_INTENT, IntentScore, ParseResult

NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)


def out_of_scope(text: str) -> ParseResult:
    return ParseResult(text=text, intent=FALLBACK_INTENT, confidence=0.1,
                       intent_ranking=(IntentScore(FALLBACK_INTENT, 0.1),))


@pytest.fixture
def bot(store: Store, monkeypatch: pytest.MonkeyPatch) -> Assistant:
    monkeypatch.setenv("SHENBAO_ADMIN_IDS", "1001, 1002")
    a = Assistant(store, clock=lambda: NOW, parser=out_of_scope)
    for who in ("1001", "2002", "3003"):
        a.handle(Incoming("telegram", who, "你好"))  # past the privacy notice
    a.handle(Incoming("web", "w1", "火星上能申报吗"))
    a.handle(Incoming("web", "w2", "火星上能申报吗"))
    a.handle(Incoming("web", "w2", "月球呢"))
    return a


def test_admin_gets_stats(bot: Assistant) -> None:
    turn = bot.handle(Incoming("telegram", "1001", "/stats"))
    assert turn.intent == "admin_stats"
    assert "用户：5 人" in turn.text and "未能回答的问题：6 条" in turn.text


@pytest.mark.parametrize(("channel", "user"), [("telegram", "2002"), ("web", "1001"), ("cli", "1001")])
@pytest.mark.parametrize("command", ["/stats", "/export", "/stats@shenbao_bot"])
def test_nobody_else_reaches_admin_commands(bot: Assistant, channel: str, user: str, command: str) -> None:
    bot.handle(Incoming(channel, user, "你好"))
    unknown = bot.handle(Incoming(channel, user, "/nosuchcommand"))
    turn = bot.handle(Incoming(channel, user, command))
    assert turn.text == unknown.text, "treated exactly like any unknown command"
    assert turn.intent == FALLBACK_INTENT and turn.fallback
    assert all(r.attachment is None for r in turn.replies)
    assert "用户：" not in turn.text


def test_admin_export_is_a_csv_attachment(bot: Assistant) -> None:
    turn = bot.handle(Incoming("telegram", "1002", "/export"))
    attachment = turn.replies[-1].attachment
    assert attachment is not None and attachment.mime_type == "text/csv"
    assert attachment.filename == "selfcheck_results_20261126.csv"
    rows = list(csv.reader(io.StringIO(attachment.content.decode("utf-8-sig"))))
    assert rows and "id" in rows[0]
    assert f"共 {len(rows) - 1} 条" in turn.text


def test_cli_unanswered_lists_the_most_frequent_first(bot: Assistant, capsys: pytest.CaptureFixture[str]) -> None:
    bot.handle(Incoming("web", "w3", "火星上能申报吗"))
    bot.handle(Incoming("web", "w3", "火星上能申报吗"))  # 4 times; "你好" 3 times (out of scope here)
    assert main(["admin", "--database-url", bot.store.url, "unanswered", "--limit", "2"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("4\t2026-11-26\t火星上能申报吗")
    assert lines[1].startswith("3\t")
    with pytest.raises(SystemExit) as exited:
        main(["admin", "--database-url", bot.store.url, "unanswered", "--limit", "0"])
    assert exited.value.code == 2
    assert "正整数" in capsys.readouterr().err


def test_cli_stats_and_export(bot: Assistant, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["admin", "--database-url", bot.store.url, "stats"]) == 0
    assert "用户 5" in capsys.readouterr().out
    out = tmp_path / "results.csv"
    assert main(["admin", "--database-url", bot.store.url, "export", "--out", str(out)]) == 0
    assert out.read_bytes().startswith("\ufeff".encode())
    assert "已导出" in capsys.readouterr().out
    assert main(["admin", "--database-url", bot.store.url, "export", "--out", str(tmp_path / "no" / "x.csv")]) == 2
    assert "无法写入" in capsys.readouterr().err


def add_results(store: Store) -> None:
    from sqlalchemy import select

    from dialogs.store import User
    from dialogs.store.models import SelfCheckRecord

    with store.session() as s:
        uid = s.scalars(select(User.id).where(User.external_id == "2002")).one()
        for verdict, profile, failed in (("eligible", {"total_assets_wan": 120, "legal_person": True}, []),
                                         ("ineligible", {"total_assets_wan": 80, "legal_person": True},
                                          ["total_assets_wan"]),
                                         ("ineligible", {"service_staff": 3}, ["service_staff"])):
            s.add(SelfCheckRecord(user_id=uid, profile=profile, result={"failed": failed, "missing": []},
                                  verdict=verdict, knowledge_version="test", notice_year=2022, created_at=NOW))


def test_stats_and_export_carry_the_self_check_results(bot: Assistant) -> None:
    add_results(bot.store)
    stats = bot.handle(Incoming("telegram", "1001", "/stats")).text
    assert "自测结果：不符合 2 次，初步符合 1 次" in stats
    turn = bot.handle(Incoming("telegram", "1001", "/export"))
    assert "共 3 条" in turn.text
    assert turn.replies[-1].attachment is not None
    rows = list(csv.DictReader(io.StringIO(turn.replies[-1].attachment.content.decode("utf-8-sig"))))
    assert [r["verdict_label"] for r in rows] == ["初步符合", "不符合", "不符合"]
    assert [r["total_assets_wan"] for r in rows] == ["120", "80", ""]
    assert rows[1]["failed"] == "total_assets_wan" and rows[0]["legal_person"] == "是"
    assert "2002" not in turn.replies[-1].attachment.content.decode("utf-8-sig"), "no channel ids in the export"


def test_export_cells_that_a_spreadsheet_would_run_are_neutralised(bot: Assistant) -> None:
    from sqlalchemy import select

    from dialogs.store import User
    from dialogs.store.models import SelfCheckRecord

    with bot.store.session() as s:
        uid = s.scalars(select(User.id).where(User.external_id == "2002")).one()
        s.add(SelfCheckRecord(user_id=uid, profile={"org_name": "=cmd|' /C calc'!A0", "total_assets_wan": -3},
                              result={"failed": ["@SUM(1)"], "missing": []}, verdict="ineligible",
                              knowledge_version="test", notice_year=2022, created_at=NOW))
    turn = bot.handle(Incoming("telegram", "1001", "/export"))
    assert turn.replies[-1].attachment is not None
    [row] = csv.DictReader(io.StringIO(turn.replies[-1].attachment.content.decode("utf-8-sig")))
    assert row["org_name"] == "'=cmd|' /C calc'!A0" and row["failed"] == "'@SUM(1)"
    assert row["total_assets_wan"] == "-3"


def test_unanswered_text_kept_per_user_is_capped_per_day(store: Store) -> None:
    """A flood of nonsense from one user fills no disk: at most 30 questions a day, 1,000 characters each; the next
    day counts again, and other users are not affected."""
    from datetime import timedelta

    from sqlalchemy import func, select

    from dialogs.store.models import UnansweredQuestion

    now = [NOW]
    bot = Assistant(store, clock=lambda: now[0], parser=out_of_scope)
    for i in range(40):
        bot.handle(Incoming("web", "flood", f"火星{i}" + "啊" * 2000))
    bot.handle(Incoming("web", "calm", "火星上能申报吗"))
    now[0] = NOW + timedelta(days=1, minutes=1)
    bot.handle(Incoming("web", "flood", "月球呢"))
    with store.session() as s:
        rows = s.execute(select(UnansweredQuestion.text)).scalars().all()
        longest = s.scalar(select(func.max(func.length(UnansweredQuestion.text))))
    assert sum(t.startswith("火星") and t != "火星上能申报吗" for t in rows) == 30
    assert "火星上能申报吗" in rows and "月球呢" in rows and longest == 1000
