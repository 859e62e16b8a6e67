"""The dates of each year's notice (``knowledge/deadlines.yml``), validated, plus the reminder settings.

The 2022 notice gives no dates; until an administrator sets them (``shenbao kb set-deadline`` or the YAML),
every date is ``None`` and the assistant says the dates follow the year's 申报通知.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from knowledge._loader import KNOWLEDGE_DIR
from knowledge.errors import KnowledgeError, UserInputError

DEADLINES_FILE = "deadlines.yml"
KINDS: tuple[str, ...] = ("application", "recommendation", "review", "publicity_start")
KIND_LABELS: dict[str, str] = {
    "application": "申报截止日期",
    "recommendation": "推荐截止日期",
    "review": "专家评审日期",
    "publicity_start": "公示开始日期",
}
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class YearDates:
    year: int
    notice: str
    dates: dict[str, dt.date | None]

    def get(self, kind: str) -> dt.date | None:
        return self.dates.get(kind)


@dataclass(frozen=True)
class ReminderSettings:
    offsets_days: tuple[int, ...] = (14, 7, 3, 1)
    time: dt.time = dt.time(10, 0)
    kinds: tuple[str, ...] = ("application", "recommendation")
    own_offsets_days: tuple[int, ...] = (7, 1, 0)  # a deadline the user gave: days before it (0: that morning)


@dataclass(frozen=True)
class Deadlines:
    current_year: int
    years: dict[int, YearDates]
    reminders: ReminderSettings = field(default_factory=ReminderSettings)
    fingerprint: str = ""

    @property
    def current(self) -> YearDates:
        return self.years[self.current_year]


def _date_or_none(raw: Any, file: str, key: str) -> dt.date | None:
    if raw is None:
        return None
    if isinstance(raw, dt.date) and not isinstance(raw, dt.datetime):
        return raw
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError as exc:
        raise KnowledgeError(file, key, f"不是有效日期（应为 YYYY-MM-DD 或 null）：{raw!r}") from exc


def _year(year: Any, entry: Any, file: str) -> YearDates:
    key = f"years.{year}"
    if not isinstance(year, int) or not 2000 <= year <= 2200:
        raise KnowledgeError(file, key, "年份应为四位整数")
    if not isinstance(entry, dict):
        raise KnowledgeError(file, key, "应为映射")
    unknown = set(entry) - {"notice", *KINDS}
    if unknown:
        raise KnowledgeError(file, f"{key}.{sorted(unknown)[0]}", f"未知的时间节点（可用：{', '.join(KINDS)}）")
    notice = entry.get("notice")
    if not isinstance(notice, str) or not notice.strip():
        raise KnowledgeError(file, f"{key}.notice", "缺少通知名称")
    dates = {kind: _date_or_none(entry.get(kind), file, f"{key}.{kind}") for kind in KINDS}
    app, rec = dates["application"], dates["recommendation"]
    if app and rec and rec < app:
        raise KnowledgeError(file, f"{key}.recommendation", "推荐截止日期不应早于申报截止日期")
    return YearDates(year, notice.strip(), dates)


def _offsets(raw: Any, file: str, key: str) -> tuple[int, ...]:
    if (not isinstance(raw, list) or not raw
            or not all(isinstance(o, int) and not isinstance(o, bool) and 0 <= o <= 365 for o in raw)):
        raise KnowledgeError(file, f"reminders.{key}", "应为 0 到 365 之间的整数列表")
    return tuple(sorted(set(raw), reverse=True))


def _settings(raw: Any, file: str) -> ReminderSettings:
    if raw is None:
        return ReminderSettings()
    if not isinstance(raw, dict):
        raise KnowledgeError(file, "reminders", "应为映射")
    offsets = _offsets(raw.get("offsets_days", [14, 7, 3, 1]), file, "offsets_days")
    own = _offsets(raw.get("own_offsets_days", list(ReminderSettings.own_offsets_days)), file, "own_offsets_days")
    match = _TIME.match(str(raw.get("time", "10:00")))
    if not match:
        raise KnowledgeError(file, "reminders.time", "应为 HH:MM（24 小时制）")
    kinds = raw.get("kinds", ["application", "recommendation"])
    if not isinstance(kinds, list) or any(k not in ("application", "recommendation") for k in kinds):
        raise KnowledgeError(file, "reminders.kinds", "只能是 application、recommendation")
    return ReminderSettings(offsets, dt.time(int(match.group(1)), int(match.group(2))), tuple(kinds), own)


def parse_deadlines(data: Any, file: str = DEADLINES_FILE) -> Deadlines:
    """Validate the content of deadlines.yml; raises KnowledgeError naming the file and key."""
    if not isinstance(data, dict) or not isinstance(data.get("years"), dict) or not data["years"]:
        raise KnowledgeError(file, "years", "应为以年份为键的映射，且至少有一年")
    years = {year: _year(year, entry, file) for year, entry in data["years"].items()}
    current = data.get("current_year", max(years))
    if current not in years:
        raise KnowledgeError(file, "current_year", f"{current} 不在 years 中")
    digest = hashlib.sha256(yaml.safe_dump(data, sort_keys=True, allow_unicode=True).encode()).hexdigest()
    return Deadlines(current, years, _settings(data.get("reminders"), file), digest[:16])


class _DatesAsText(yaml.SafeLoader):
    """Reads 2022-13-40 as text, so that our validation (not PyYAML's date constructor) names the bad key."""


_DatesAsText.yaml_implicit_resolvers = {
    first: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_dates_yaml(path: Path) -> Any:
    """Like ``read_yaml`` but leaves dates as text (validated by the parsers of this module and _workdays)."""
    return _parse_dates_yaml(_read_bytes(path), path.name)


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise KnowledgeError(path.name, "-", "文件不存在") from exc


def _parse_dates_yaml(raw: bytes, name: str) -> Any:
    try:
        return yaml.load(raw.decode("utf-8"), Loader=_DatesAsText)
    except yaml.YAMLError as exc:
        raise KnowledgeError(name, "-", f"YAML 语法错误：{exc}") from exc


def deadlines_path() -> Path:
    """``SHENBAO_DEADLINES_FILE`` when set (a deployment's own dates), else knowledge/deadlines.yml."""
    override = os.environ.get("SHENBAO_DEADLINES_FILE", "").strip()
    return Path(override) if override else KNOWLEDGE_DIR / DEADLINES_FILE


_parsed: dict[tuple[str, bytes], Deadlines] = {}


def load_deadlines(path: Path | None = None) -> Deadlines:
    """Read and validate deadlines.yml. Administrators change it while the service runs: the file is read on
    every call and parsed again whenever its content differs from the last time (parsing is the slow part)."""
    target = path or deadlines_path()
    raw = _read_bytes(target)
    key = (str(target), raw)
    found = _parsed.get(key)
    if found is None:
        found = parse_deadlines(_parse_dates_yaml(raw, target.name), target.name)
        if len(_parsed) >= 8:
            _parsed.clear()
        _parsed[key] = found
    return found


def set_deadline(year: int, kind: str, day: dt.date | None, path: Path | None = None) -> Deadlines:
    """Set (or clear, with ``None``) one date and rewrite the file, keeping its comment header."""
    if kind not in KINDS:
        raise UserInputError(f"未知的时间节点：{kind}（可用：{', '.join(KINDS)}）", key="kind")
    target = path or deadlines_path()
    data = read_dates_yaml(target)
    load_deadlines(target)  # refuse to edit a file that is already invalid
    entry = data["years"].get(year)
    if entry is None:
        entry = data["years"][year] = {"notice": f"关于申报 {year} 年度西藏自治区中小企业公共服务示范平台的通知",
                                       **dict.fromkeys(KINDS)}
    entry[kind] = day.isoformat() if day else None
    try:
        result = parse_deadlines(data, target.name)
    except KnowledgeError as exc:
        raise UserInputError(exc.problem, key=kind) from exc
    header = "".join(line for line in _leading_comments(target))
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=None)
    tmp = target.with_suffix(".yml.tmp")
    tmp.write_text(header + body, encoding="utf-8")
    tmp.replace(target)
    return result


def _leading_comments(path: Path) -> list[str]:
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines(keepends=True):
        if not line.startswith("#"):
            break
        lines.append(line)
    return lines
