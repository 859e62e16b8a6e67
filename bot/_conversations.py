"""Conversation tests as data (docs/conversations.md): load the YAML cases, drive each through the assistant
core as a new user, check every turn's assertions, and report the pass rate per group for the tuning and the
held-out part. Used by ``shenbao nlu evaluate --conversations`` and by ``tests/conversations/``."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from sqlalchemy import select

from dialogs import Assistant, DialogState, Incoming, Store
from dialogs.store import Base, Conversation, User
from dialogs.store.models import SelfCheckRecord
from knowledge.errors import UserInputError

__all__ = ["Case", "CaseResult", "Check", "Turn", "format_report", "load_cases", "run_case", "run_cases"]

DEFAULT_TODAY = date(2026, 12, 7)
HELDOUT_DIR = "heldout"
CHANNEL = "web"
_ZONE = ZoneInfo("Asia/Shanghai")
_TOLERANCE = 0.05
Check = str | list[str]


@dataclass(frozen=True)
class Turn:
    user: str
    says: tuple[Check, ...] = ()
    not_: tuple[Check, ...] = ()
    profile: Mapping[str, Any] = field(default_factory=dict)
    verdict: str | None = None


@dataclass(frozen=True)
class Case:
    id: str
    group: int
    part: str  # "tuning" or "heldout"
    title: str
    today: date
    turns: tuple[Turn, ...]
    file: str


@dataclass(frozen=True)
class CaseResult:
    case: Case
    passed: bool
    failures: tuple[str, ...]  # "turn 3 (用户的话): missing …"


def _checks(raw: Any, where: str) -> tuple[Check, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise UserInputError(f"{where} 应为列表", key=where)
    out: list[Check] = []
    for entry in raw:
        if isinstance(entry, list) and entry and all(isinstance(e, str | int | float) for e in entry):
            out.append([str(e) for e in entry])
        elif isinstance(entry, str | int | float) and not isinstance(entry, bool):
            out.append(str(entry))
        else:
            raise UserInputError(f"{where} 的每一项应为字符串或字符串列表：{entry!r}", key=where)
    return tuple(out)


def _turn(raw: Any, where: str) -> Turn:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("user"), str | int | float):
        raise UserInputError(f"{where} 应有 user（用户说的话）", key=where)
    unknown = set(raw) - {"user", "says", "not", "profile", "verdict"}
    if unknown:
        raise UserInputError(f"{where} 有未知的键：{'、'.join(sorted(unknown))}", key=where)
    profile = raw.get("profile") or {}
    if not isinstance(profile, Mapping):
        raise UserInputError(f"{where}.profile 应为键值映射", key=where)
    return Turn(user=str(raw["user"]), says=_checks(raw.get("says"), f"{where}.says"),
                not_=_checks(raw.get("not"), f"{where}.not"), profile=dict(profile), verdict=raw.get("verdict"))


def _case(raw: Any, group: int, part: str, file: Path, index: int) -> Case:
    where = f"{file.name}: cases[{index}]"
    if not isinstance(raw, Mapping) or not isinstance(raw.get("id"), str) or not isinstance(raw.get("turns"), list):
        raise UserInputError(f"{where} 应有 id 与 turns", key=where)
    today = raw.get("today", DEFAULT_TODAY)
    if isinstance(today, str):
        today = date.fromisoformat(today)
    if not isinstance(today, date):
        raise UserInputError(f"{where}.today 应为日期（YYYY-MM-DD）", key=where)
    turns = tuple(_turn(t, f"{where}.turns[{i}]") for i, t in enumerate(raw["turns"]))
    if not turns:
        raise UserInputError(f"{where} 没有对话轮次", key=where)
    return Case(id=raw["id"], group=group, part=part, title=str(raw.get("title", "")), today=today, turns=turns,
                file=str(file))


def _files(paths: Iterable[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*.yml") if p.is_file())
        elif path.is_file():
            yield path
        else:
            raise UserInputError(f"对话测试文件不存在：{path}", key="--conversations")


def load_cases(paths: Iterable[Path]) -> list[Case]:
    """Every case of the files (and of the ``*.yml`` under folders) given; ids must be unique."""
    cases: list[Case] = []
    for file in _files(paths):
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        if not isinstance(data, Mapping) or not isinstance(data.get("group"), int) or \
                not isinstance(data.get("cases"), list):
            raise UserInputError(f"{file}: 应有 group（1–12）与 cases 列表", key=str(file))
        part = "heldout" if HELDOUT_DIR in file.parts else "tuning"
        cases += [_case(c, data["group"], part, file, i) for i, c in enumerate(data["cases"])]
    seen: set[str] = set()
    for case in cases:
        if case.id in seen:
            raise UserInputError(f"对话测试的 id 重复：{case.id}", key=case.id)
        seen.add(case.id)
    return cases


def _found(check: Check, text: str) -> bool:
    options = check if isinstance(check, list) else [check]
    for option in options:
        if option.startswith("re:"):
            if re.search(option[3:], text):
                return True
        elif option in text:
            return True
    return False


def _same(expected: Any, actual: Any) -> bool:
    if expected is None or actual is None:
        return expected is actual
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        return math.isclose(expected, actual, abs_tol=_TOLERANCE)
    if isinstance(expected, list) and isinstance(actual, list):
        return sorted(map(str, expected)) == sorted(map(str, actual))
    return bool(expected == actual)


class _Runner:
    """One in-memory store for a run; each case is a new user who has seen the privacy notice."""

    def __init__(self) -> None:
        self.store = Store("sqlite://", migrate=False)
        Base.metadata.create_all(self.store.engine)
        self.now = datetime.now(UTC)
        self.assistant = Assistant(self.store, clock=lambda: self.now)

    def new_user(self, case: Case) -> str:
        user_id = f"case-{case.id}"
        with self.store.session() as s:
            user = User(channel=CHANNEL, external_id=user_id, created_at=self.now, last_active_at=self.now)
            s.add(user)
            s.flush()
            s.add(Conversation(user_id=user.id, state_json=DialogState(privacy_notice_shown=True).to_json(),
                               updated_at=self.now))
        return user_id

    def profile_and_verdict(self, user_id: str) -> tuple[dict[str, Any], str | None]:
        with self.store.session() as s:
            user = s.scalars(select(User).where(User.channel == CHANNEL, User.external_id == user_id)).one()
            conv = s.get(Conversation, user.id)
            state = DialogState.from_json(conv.state_json if conv else None)
            record = s.scalars(select(SelfCheckRecord).where(SelfCheckRecord.user_id == user.id)
                               .order_by(SelfCheckRecord.id.desc()).limit(1)).first()
            verdict = record.verdict if record else None
            if state.flow == "selfcheck":
                return dict(state.slots.get("profile") or {}), verdict
            return (dict(record.profile) if record else {}), verdict

    def run(self, case: Case) -> CaseResult:
        self.now = datetime.combine(case.today, time(10, 0), _ZONE).astimezone(UTC)
        user_id = self.new_user(case)
        failures: list[str] = []
        for number, turn in enumerate(case.turns, 1):
            self.now += timedelta(minutes=1)
            reply = self.assistant.handle(Incoming(CHANNEL, user_id, turn.user)).text
            failures += [f"turn {number} ({turn.user}): {problem}" for problem in self.check(turn, reply, user_id)]
        return CaseResult(case, not failures, tuple(failures))

    def check(self, turn: Turn, reply: str, user_id: str) -> list[str]:
        problems = [f"missing {c!r}" for c in turn.says if not _found(c, reply)]
        problems += [f"forbidden {c!r}" for c in turn.not_ if _found(c, reply)]
        if turn.profile or turn.verdict:
            profile, verdict = self.profile_and_verdict(user_id)
            problems += [f"profile {k} = {profile.get(k)!r}, expected {v!r}"
                         for k, v in turn.profile.items() if not _same(v, profile.get(k))]
            if turn.verdict and verdict != turn.verdict:
                problems.append(f"verdict {verdict!r}, expected {turn.verdict!r}")
        if problems:
            problems.append("reply was: " + reply.replace("\n", " ⏎ ")[:600])
        return problems

    def close(self) -> None:
        self.store.dispose()


def run_case(case: Case) -> CaseResult:
    return run_cases([case])[0]


def run_cases(cases: Sequence[Case]) -> list[CaseResult]:
    runner = _Runner()
    try:
        return [runner.run(case) for case in cases]
    finally:
        runner.close()


def format_report(results: Sequence[CaseResult], *, failures: bool = False) -> str:
    """The pass rate per group, for the tuning and the held-out part; the failed turns when asked."""
    groups = sorted({r.case.group for r in results})
    lines = [f"{'group':<8}{'tuning':>16}{'held-out':>16}"]
    for group in groups:
        cells = []
        for part in ("tuning", "heldout"):
            mine = [r for r in results if r.case.group == group and r.case.part == part]
            passed = sum(r.passed for r in mine)
            cells.append(f"{passed}/{len(mine)} {passed / len(mine):6.1%}" if mine else "—")
        lines.append(f"{group:<8}{cells[0]:>16}{cells[1]:>16}")
    for part in ("tuning", "heldout"):
        mine = [r for r in results if r.case.part == part]
        if mine:
            passed = sum(r.passed for r in mine)
            lines.append(f"{'all ' + part:<16}{passed}/{len(mine)} = {passed / len(mine):.1%}")
    if failures:
        for result in results:
            if not result.passed:
                lines += ["", f"✗ {result.case.id} [{result.case.part}] {result.case.title}"]
                lines += [f"    {f}" for f in result.failures]
    return "\n".join(lines)
