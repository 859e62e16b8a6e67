"""Figures a user gives in a question ("满意度85%", "9个人", "资产80万") checked against the thresholds.

The NLU extracts entities; this module maps each onto an indicator by the rules of answers.yml and compares
it with the inclusive minimum of indicators.yml. It never reads thresholds from anywhere else.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Protocol

from knowledge._age import AgeBasis, age_in_years, years_between
from knowledge._kb import FigureRule, KnowledgeBase, Threshold

_CLAUSE_SPLIT = re.compile(r"[，,。；;！!？?、\s]")
# English keeps the spaces inside a clause ("total assets of 1.2 million yuan")
_CLAUSE_SPLIT_EN = re.compile(r"[，,。；;！!？?、]|\s(?:and|but)\s")
_CJK = re.compile(r"[\u3400-\u9fff]")


class EntityLike(Protocol):
    """What the NLU's ``Entity`` offers (duck-typed so knowledge/ does not depend on nlu/)."""

    @property
    def entity(self) -> str: ...
    @property
    def value(self) -> float | int | str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def text(self) -> str: ...
    @property
    def unit(self) -> str | None: ...


@dataclass(frozen=True)
class FigureCheck:
    """One user figure compared with one threshold. ``gap`` is how much is missing (0 when it passes)."""

    key: str
    label: str
    said: str
    value: float
    unit: str
    minimum: float
    wording: str
    clause: str
    in_range: bool
    passed: bool
    gap: float
    from_date: bool = False  # the user gave a date (成立于2021年3月): ``value`` is the years until ``as_of``
    as_of: str = ""  # the day counted to and why: “2026年12月31日（申报截止日）” (AgeBasis.label)
    basis: AgeBasis | None = None  # that day and whether it is the deadline (for answers in other languages)
    start: str = ""  # the day counted from when the user gave a month or a year only: “2021年3月31日”
    below: bool = False  # the user said less than ``value`` ("不到100万"), which is at most the minimum: it fails


@dataclass(frozen=True)
class GrowthCheck:
    """Two yearly figures compared (近两年稳步增长, read as last year > the year before)."""

    label: str
    unit: str
    last: float
    before: float
    grew: bool
    interpretation: str
    clause: str
    condition: str = ""  # the key of indicators.yml conditions (sme_growth), for the English names


LAST_YEAR_WORDS = ("去年", "上一年", "上年", "最近一年")
YEAR_BEFORE_WORDS = ("前年", "前一年")


def check_growth(kb: KnowledgeBase, condition: str, text: str, entities: Iterable[EntityLike]) -> GrowthCheck | None:
    """"去年30家，前年25家": both figures named by their year, else nothing is judged."""
    cond = kb.variables["conditions"][condition]
    counts = [e for e in entities if e.entity == "count" and isinstance(e.value, int | float)]
    roles: dict[str, float] = {}
    for ent in counts:
        around = _clause_around(text, ent)
        if any(w in around for w in YEAR_BEFORE_WORDS):
            roles.setdefault("before", float(ent.value))
        elif any(w in around for w in LAST_YEAR_WORDS):
            roles.setdefault("last", float(ent.value))
    if len(roles) != 2:
        return None
    unit = kb.thresholds[cond["greater"]].unit if cond.get("greater") in kb.thresholds else ""
    return GrowthCheck(label=cond["label"], unit=unit, last=roles["last"], before=roles["before"],
                       grew=roles["last"] > roles["before"], interpretation=cond.get("interpretation", ""),
                       clause=cond["clause"], condition=condition)


def check_figures(kb: KnowledgeBase, keys: Sequence[str], text: str, entities: Iterable[EntityLike],
                  today: date, *, rule_figures: Collection[EntityLike] = (), named: bool = False,
                  neighbours: Sequence[EntityLike] = ()) -> list[FigureCheck]:
    """Every figure of the question that can be matched to one of ``keys``, each key at most once. In a question
    about the rule, a figure of ``rule_figures`` equal to the threshold is the notice's own, not the user's. With
    ``named``, a figure counts only next to its item's words; figures next to their item's words are placed
    first ("我们注册资本100万，资产总额80万": 80万 is the assets). ``neighbours``: all the figures of the text
    (those already judged too), which bound the words of each ("资产90万人员12个")."""
    checks: list[FigureCheck] = []
    used: set[str] = set()
    entities = tuple(entities)
    for ent in sorted(entities, key=lambda e: not _names_an_item(kb, keys, text, e)):
        for key in _candidates(kb, keys, text, ent, named=named, others=neighbours or entities):
            if key in used:
                continue
            found = _value(kb.figure_rules[key], ent, today)
            if found is not None and ent in rule_figures and found[0] == kb.thresholds[key].minimum:
                continue  # "培训600人次是线上线下合计吗": 600 is the rule's figure
            below = bool(getattr(ent, "below", False))  # "不到100万": under the figure said
            if found is not None and below and found[0] > kb.thresholds[key].minimum:
                used.add(key)
                continue  # "不到200万": at or over 100万 or not, the words do not say
            if found is not None:
                used.add(key)
                check = _compare(kb.thresholds[key], ent.text, found[0], ent.entity == "date", found[1])
                if below and check.in_range:
                    check = replace(check, passed=False, below=True)
                checks.append(replace(check, start=_start_named(ent)) if check.from_date else check)
    return checks


def _candidates(kb: KnowledgeBase, keys: Sequence[str], text: str, ent: EntityLike, *,
                named: bool = False, others: Sequence[EntityLike] = ()) -> list[str]:
    around = _clause_around(text, ent)
    rules = [kb.figure_rules[k] for k in keys if k in kb.figure_rules and _fits(kb.figure_rules[k], ent)
             and not any(w in around for w in kb.figure_rules[k].unless)]  # 线上300家 is not the offline count
    lead = _lead(text, ent, others, lambda words: bool(_named(list(kb.figure_rules.values()), words)))
    if lead is not None and _named(rules, lead):  # "资产90万人员12个满意度85%": 12 is the staff, not the satisfaction
        around = lead
    if named or ent.entity == "number":  # a figure without a unit ("人员12个") counts only next to the item's words
        rules = _named(rules, around) or ([] if named else _the_one_asked(kb, keys, rules, around))
    rules = [r for r in rules if not r.named_only or r in _named(rules, around)]  # 线下15家, never "服务了20家"
    if len(rules) <= 1:
        return [r.key for r in rules]
    narrowed = _named(rules, around)
    if len(narrowed) == 1 or (narrowed and len({kb.thresholds[r.key].minimum for r in narrowed}) == 1):
        return [r.key for r in narrowed]
    if not narrowed and len({kb.thresholds[r.key].minimum for r in rules}) == 1:
        return [r.key for r in rules]
    return []  # ambiguous with different thresholds: better say nothing than judge the wrong item


def _the_one_asked(kb: KnowledgeBase, keys: Sequence[str], rules: list[FigureRule], around: str) -> list[FigureRule]:
    """"满意度要求多少啊 我们才78": a bare figure in a clause that names no item is the one item asked about."""
    if len(keys) != 1 or len(rules) != 1 or any(w in around for r in kb.figure_rules.values() for w in r.keywords):
        return []
    return rules


def _names_an_item(kb: KnowledgeBase, keys: Sequence[str], text: str, ent: EntityLike) -> bool:
    around = _clause_around(text, ent)
    return any(w in around for k in keys if k in kb.figure_rules for w in kb.figure_rules[k].keywords)


def _named(rules: list[FigureRule], around: str) -> list[FigureRule]:
    """The rules whose words occur around the figure; of several, those with the longest word ("服务人员" names
    the staff by 服务人, not the firms served by 服务)."""
    found = [(max((len(w) for w in r.keywords if w in around), default=0), r) for r in rules]
    best = max((n for n, _ in found), default=0)
    return [r for n, r in found if n and n == best]


def _fits(rule: FigureRule, ent: EntityLike) -> bool:
    if ent.entity not in rule.entities:
        return False
    return ent.entity != "count" or not ent.unit or not rule.units or ent.unit in rule.units


def _lead(text: str, ent: EntityLike, others: Sequence[EntityLike], names: Callable[[str], bool]) -> str | None:
    """Said without punctuation ("资产90万人员12个满意度85%够不够"), the words between the figure before and this
    one, with it, when the figure before was also led by its item's words (not "12个服务人员8个大专以上", where the
    words follow their figures); ``None`` when no other figure stands in its stretch of the sentence (Chinese only)."""
    if not others or not _CJK.search(text):
        return None
    start = max((m.end() for m in _CLAUSE_SPLIT.finditer(text, 0, ent.start)), default=0)
    before = sorted((o for o in others if start <= o.end <= ent.start and o is not ent), key=lambda o: o.end)
    if not before:
        return None
    previous = before[-1]
    led_from = before[-2].end if len(before) > 1 else start
    return text[previous.end:ent.end].lower() if names(text[led_from:previous.start].lower()) else None


def _clause_around(text: str, ent: EntityLike) -> str:
    """The stretch of the sentence around the entity, between punctuation marks (in English also "and",
    "but"), in lower case (English keywords of answers.yml are)."""
    split = _CLAUSE_SPLIT if _CJK.search(text) else _CLAUSE_SPLIT_EN
    start = max((m.end() for m in split.finditer(text, 0, ent.start)), default=0)
    nxt = split.search(text, ent.end)
    return text[start: nxt.start() if nxt else len(text)].lower()


def _value(rule: FigureRule, ent: EntityLike, today: date) -> tuple[float, AgeBasis | None] | None:
    """The figure in the threshold's unit, and the day a founding date was counted to."""
    if ent.entity == "date":
        return _years_since(str(ent.value), today)
    if isinstance(ent.value, bool) or not isinstance(ent.value, int | float):
        return None
    return float(ent.value) * rule.scale, None


def _years_since(iso: str, today: date) -> tuple[float, AgeBasis | None] | None:
    """Completed years from the founding date to the round's reference day, and that day named."""
    try:
        start = datetime.strptime(iso[:10], "%Y-%m-%d").date()
    except ValueError:
        return None
    if start > today:  # a founding date in the future: out of range, the answer asks the user to check it
        return -years_between(today, start), None
    return age_in_years(start, today)


_DAY_GIVEN = re.compile(r"[日号]|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}")


def _start_named(ent: EntityLike) -> str:
    """“2021年3月31日” when the user gave a month or a year only (counted from its last day, never overstated)."""
    if _DAY_GIVEN.search(ent.text):
        return ""
    try:
        day = date.fromisoformat(str(ent.value)[:10])
    except ValueError:
        return ""
    return f"{day.year}年{day.month}月{day.day}日"


def _compare(th: Threshold, said: str, value: float, from_date: bool, basis: AgeBasis | None = None) -> FigureCheck:
    in_range = th.low <= value <= th.high
    passed = in_range and value >= th.minimum
    gap = round(th.minimum - value, 4) if in_range and not passed else 0.0
    return FigureCheck(key=th.key, label=th.label, said=said, value=round(value, 4), unit=th.unit,
                       minimum=th.minimum, wording=th.wording, clause=th.clause, in_range=in_range,
                       passed=passed, gap=gap, from_date=from_date, as_of=basis.label if basis else "", basis=basis)
