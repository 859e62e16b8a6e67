"""Privacy (PIPL): first-contact notice, the full text, /forget everywhere, retention purge."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Boolean, Date, DateTime, Float, Integer, Numeric, String, Text, func, select
from sqlalchemy.orm import Session

from bot.cli import main
from dialogs import Assistant, Incoming, Store
from dialogs.privacy import forget, privacy_text, purge_inactive, retention_days
from dialogs.store import Base, User
from knowledge.errors import ConfigError
from nlu import FALLBACK_INTENT, IntentScore, ParseResult

NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)


def parser_for(intent: str) -> Callable[[str], ParseResult]:
    def parse(text: str) -> ParseResult:
        return ParseResult(text=text, intent=intent, confidence=0.2, intent_ranking=(IntentScore(intent, 0.2),))

    return parse


def real_or_fallback_parser() -> Callable[[str], ParseResult]:
    """The project's NLU when it is there (so the features really store things), else out-of-scope."""
    try:
        from nlu import parse

        parse("资产要多少")
        return parse
    except Exception:
        return parser_for(FALLBACK_INTENT)


def assistant(store: Store, now: datetime = NOW, parser: Callable[[str], ParseResult] | None = None) -> Assistant:
    return Assistant(store, clock=lambda: now, parser=parser or parser_for(FALLBACK_INTENT))


def test_notice_is_shown_once_per_user_on_every_channel(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHENBAO_RETENTION_DAYS", "30")
    a = assistant(store)
    first = a.handle(Incoming("telegram", "42", "你好"))
    assert "个人信息" in first.replies[0].text and "30天" in first.replies[0].text
    assert "/forget" in first.replies[0].text and "/privacy" in first.replies[0].text
    assert len(first.replies) >= 2, "the notice comes before the answer, not instead of it"
    assert "个人信息" not in a.handle(Incoming("telegram", "42", "你好")).text
    # the same id on another channel is another person: the notice again
    assert "个人信息" in a.handle(Incoming("web", "42", "你好")).replies[0].text


def test_privacy_command_prints_the_full_text(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHENBAO_RETENTION_DAYS", "90")
    turn = assistant(store).handle(Incoming("cli", "me", "/privacy"))
    assert turn.intent == "privacy_policy"
    assert turn.text == privacy_text(), "the full text replaces the short notice on first contact"
    for needed in ("个人信息保护法", "保存哪些信息", "90天", "/forget", "不提供给任何第三方"):
        assert needed in turn.text
    assert "{{" not in turn.text


@pytest.mark.parametrize("raw", ["0", "-5", "一年", "1.5"])
def test_bad_retention_setting_is_named(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv("SHENBAO_RETENTION_DAYS", raw)
    with pytest.raises(ConfigError, match="SHENBAO_RETENTION_DAYS"):
        retention_days()


def test_retention_defaults_to_365_days(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SHENBAO_RETENTION_DAYS", raising=False)
    assert retention_days() == 365


def references(session: Session, user_id: int, external_id: str) -> dict[str, int]:
    """Rows of every table (present and future) that point at the user or contain their channel id."""
    found: dict[str, int] = {}
    for table in Base.metadata.sorted_tables:
        conds = [fk.parent == user_id for fk in table.foreign_keys if fk.column.table.name == "users"]
        conds += [c == external_id for c in table.c if isinstance(c.type, String | Text)]
        if table.name == "users":
            conds.append(table.c.id == user_id)
        for cond in conds:
            n = int(session.scalar(select(func.count()).select_from(table).where(cond)) or 0)
            if n:
                found[table.name] = found.get(table.name, 0) + n
    return found


def _value(column: Any, parents: dict[str, Any], uid: int) -> Any:
    for fk in column.foreign_keys:
        return uid if fk.column.table.name == "users" else parents.get(fk.column.table.name)
    kind = getattr(column.type, "impl", column.type)  # a TypeDecorator (e.g. UtcDateTime) by its stored type
    if getattr(kind, "enums", None):
        return kind.enums[0]
    if column.unique and isinstance(kind, String):  # e.g. outbox_messages.dedupe_key: one value per user
        return f"x-{uid}"
    for types, value in ((Boolean, False), (DateTime, NOW), (Date, date(2026, 11, 26)), (Integer, 1),
                         (Float | Numeric, 1.0), (Text, "{}"), (String, "x")):
        if isinstance(kind, types):
            return value
    return None


def fill_every_table(session: Session, uid: int) -> list[str]:
    """One row in every table that references users (directly or through a parent), so that a table added
    later is covered without touching this test. Returns the tables it could not fill generically."""
    parents: dict[str, Any] = {"users": uid}
    skipped = []
    for table in Base.metadata.sorted_tables:
        if table.name == "users" or not any(fk.column.table.name in parents for fk in table.foreign_keys):
            continue
        user_fks = [fk.parent for fk in table.foreign_keys if fk.column.table.name == "users"]
        existing = session.execute(select(*table.primary_key.columns).where(*(c == uid for c in user_fks))
                                   .limit(1)).first() if user_fks else None
        if existing is not None:  # the conversation already made one
            parents[table.name] = existing[0]
            continue
        row = {c.name: _value(c, parents, uid) for c in table.c
               if not (c.primary_key and c.autoincrement is not False and isinstance(c.type, Integer)
                       and not c.foreign_keys)}
        try:
            with session.begin_nested():
                result = session.execute(table.insert().values(**row).returning(*table.primary_key.columns))
                pk = result.first()
                parents[table.name] = pk[0] if pk else None
        except Exception:
            skipped.append(table.name)
    return skipped


def _user(session: Session, channel: str, external_id: str) -> User:
    user = session.scalars(select(User).where(User.channel == channel, User.external_id == external_id)).one()
    return user


def test_forget_deletes_the_users_rows_in_every_table(store: Store) -> None:
    a = assistant(store, parser=real_or_fallback_parser())
    script = ["/start", "你好", "资产要多少", "/selfcheck", "资产一百二十万", "/materials", "/remind",
              "火星上能申报吗", "/report"]
    for who in ("forget-me-7f3a", "stays-9c1b"):
        for text in script:
            a.handle(Incoming("telegram", who, text))
    with store.session() as s:
        uid, other = _user(s, "telegram", "forget-me-7f3a").id, _user(s, "telegram", "stays-9c1b").id
        skipped = fill_every_table(s, uid)
        fill_every_table(s, other)
    assert not skipped, f"tables the generic filler could not fill (give them test data here): {skipped}"
    with store.session() as s:
        before = references(s, uid, "forget-me-7f3a")
    assert {"users", "conversations", "unanswered_questions"} <= set(before)

    asked = a.handle(Incoming("telegram", "forget-me-7f3a", "/forget"))
    assert "确认" in asked.text and asked.replies[-1].buttons[0].payload == "/forget 确认"
    with store.session() as s:
        assert references(s, uid, "forget-me-7f3a") == before, "/forget alone only asks"
    done = a.handle(Incoming("telegram", "forget-me-7f3a", "/forget 确认"))
    assert "已删除" in done.text
    with store.session() as s:
        assert references(s, uid, "forget-me-7f3a") == {}
        assert set(references(s, other, "stays-9c1b")) == set(before), "another user's data is untouched"
    again = a.handle(Incoming("telegram", "forget-me-7f3a", "你好"))
    assert "个人信息" in again.replies[0].text, "after /forget the user is new"


def test_every_reference_to_users_cascades() -> None:
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name == "users":
                assert fk.ondelete == "CASCADE", f"{table.name}.{fk.parent.name} must be ON DELETE CASCADE"
        if table.name != "users" and "user_id" in table.c:
            assert table.c.user_id.foreign_keys, f"{table.name}.user_id must reference users.id"


def _users(store: Store) -> set[str]:
    with store.session() as s:
        return set(s.scalars(select(User.external_id)))


def test_purge_deletes_only_users_inactive_beyond_retention(store: Store) -> None:
    assistant(store, NOW - timedelta(days=400)).handle(Incoming("web", "old", "你好"))
    assistant(store, NOW - timedelta(days=364)).handle(Incoming("web", "recent", "你好"))
    assistant(store, NOW - timedelta(days=400)).handle(Incoming("web", "back", "你好"))
    assistant(store, NOW - timedelta(days=1)).handle(Incoming("web", "back", "我又来了"))
    assert purge_inactive(store, now=NOW, days=365) == 1
    assert _users(store) == {"recent", "back"}
    assert purge_inactive(store, now=NOW, days=365) == 0


def test_admin_cli_purge_and_forget(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    assistant(store, datetime.now(UTC) - timedelta(days=40)).handle(Incoming("web", "old", "你好"))
    assistant(store, datetime.now(UTC)).handle(Incoming("telegram", "7", "你好"))
    assert main(["admin", "--database-url", store.url, "purge", "--days", "30"]) == 0
    assert "已删除 1 个" in capsys.readouterr().out
    assert main(["admin", "--database-url", store.url, "forget", "telegram:8"]) == 2
    assert "没有找到用户 telegram:8" in capsys.readouterr().err
    assert main(["admin", "--database-url", store.url, "forget", "telegram-7"]) == 2
    assert "渠道:编号" in capsys.readouterr().err
    assert main(["admin", "--database-url", store.url, "forget", "telegram:7"]) == 0
    assert _users(store) == set()


def test_forget_function_reports_unknown_users(store: Store) -> None:
    assert forget(store, "web", "nobody") is False


def test_tables_fill_helper_covers_the_core_tables(store: Store) -> None:
    assistant(store).handle(Incoming("web", "u", "你好"))
    with store.session() as s:
        uid = _user(s, "web", "u").id
        s.execute(Base.metadata.tables["conversations"].delete())
        assert fill_every_table(s, uid) == []
        assert {"users", "conversations", "unanswered_questions", "selfcheck_results"} <= set(references(s, uid, "u"))


def _file_bytes(db: Any) -> bytes:
    """The database file and its write-ahead log, as a forensic copy would read them."""
    return b"".join(p.read_bytes() for p in (db, db.with_name(db.name + "-wal")) if p.exists())


@pytest.mark.parametrize("how", ["chat", "cli forget", "cli purge"])
def test_forgotten_text_leaves_no_trace_in_the_sqlite_files(tmp_path: Any, how: str) -> None:
    db = tmp_path / "shenbao.db"
    store = Store(f"sqlite:///{db}")
    try:
        bot = Assistant(store, clock=lambda: NOW, parser=parser_for(FALLBACK_INTENT))
        secret = "拉萨某某检测中心的内部编号QX-7781"
        for _ in range(3):
            bot.handle(Incoming("web", "page-9", secret))  # kept as an unanswered question
        assert secret.encode() in _file_bytes(db)
        if how == "chat":
            bot.handle(Incoming("web", "page-9", "/forget 确认"))
        elif how == "cli forget":
            assert main(["admin", "--database-url", store.url, "forget", "web:page-9"]) == 0
        else:  # NOW is long past: the user is inactive beyond one day
            assert main(["admin", "--database-url", store.url, "purge", "--days", "1"]) == 0
        assert secret.encode() not in _file_bytes(db)
    finally:
        store.dispose()
