"""Reading a free-text answer: yes/no, a choice, and the numbers in it mapped to indicators.

Numbers, money, percentages, counts, durations and dates are found by ``nlu.extract_entities``; this module
only decides which indicator each of them answers (the pending question, or the one named by a keyword near
it: "我们成立5年，资产300万，去年服务了45家企业") and converts it to the indicator's unit.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from dialogs.selfcheck._flowmodel import FlowModel, Question, clean
from knowledge import age_in_years, format_number, years_between
from nlu import Entity, extract_entities

Extractor = Callable[..., tuple[Entity, ...]]
_CLAUSE_SEP = re.compile(r"[，,。；;！!？?\n、]")
_NEGATIVE_MARKS = ("负", "-", "−", "－")
_PER_YEAR = re.compile(r"(?:一|1)年$")  # "一年一次" is a rate, not an age
_NOT_ASSETS = re.compile(r"营收|营业收入|营业额|收入|利润|产值|注册资本|注册资金|纳税|税收")
_FOUNDING_WORDS = ("成立", "创立", "创办", "注册", "开始运营", "建立", "组建", "开办", "营业执照", "执照", "登记")
_YUAN_WORDS = ("万", "亿", "元", "千", "块")
_MIN_YUAN_AS_PLAIN = 100_000  # a bare number this large, asked in 万元, is read as 元 ("1200000")
_ONE = re.compile(r"(?<![第每])一(?:家|个|位|名|人次|人|次|场)")
_AROUND_BEFORE = re.compile(r"(?:将近|接近|快要|快到|快|还不到|不到|不足|不满|低于|最多|至少|超过|不止|"
                            r"大概|大约|约|差不多|近|小)$")
_AROUND_AFTER = re.compile(r"以上|以下|出头|左右|上下|不到|都不到|开外")
# before a head count, words that make it people served, trained or qualified, not the staff ("培训了200人")
_NOT_STAFF = re.compile(r"培训|学员|参训|参加|参会|接待|来访|服务了|服务过|帮助|帮扶|带动|就业|吸纳|招聘|其中|"
                        r"本科|大专|研究生|硕士|博士|职称|中级|高级|专家|老师|客户|企业")
# after a duration, what makes it the span of a plan or a period ("三年发展规划", "五年计划", "三年内")
_PERIOD_OF = re.compile(r"\s?(?:的)?(?:发展|工作|服务|行动|战略|建设|中长期|滚动)?"
                        r"(?:规划|计划|目标|行动|战略|愿景|合同|协议|任期|期内|内|以内|之内)")
# before a duration, what makes it a period looked back on ("近两年", "最近三年", "过去两年"); after a founding word
# it is how long ("成立近两年")
_PERIOD_BEFORE = re.compile(r"[\u4e00-\u9fff]{0,4}(?:最近|近|过去|这|前|头|未来|今后|连续)\s?$")
_OPERATED = re.compile(r"成立|创立|创办|注册|运营|经营|营业|开业|干了|做了|办了|搞了|开了|有")
# right after a count of 家: the service organisations gathered ("6家服务机构入驻", "等6家专业服务机构")
_ORGS_AFTER = re.compile(r"\s?(?:专业|第三方|社会化|中介)?(?:服务机构|中介机构|合作机构)")
_RESPECTIVELY = re.compile(r"分别|依次")
_SENTENCE_END = re.compile(r"[。；;！!？?\n]")
_CALENDAR_YEAR = re.compile(r"(?<!\d)(20\d\d)\s?年(?:度)?(?![\d一二三四五六七八九十]{1,2}月)")
# a count of 家 said of the firms served, without the year ("我们服务了60家企业", "服务企业60多家")
_SERVED_FIRMS = re.compile(r"服务.*(?:企业|客户)|(?:企业|客户).*服务(?!机构|中心|平台)")
_YEAR_SERVED = "smes_served_last_year"
_YEAR_NOT_SAID = "您没有说是哪一年，按上一年记录；如不是上一年的数字，请更正"
_EACH_YEAR = re.compile(r"每年|年均|平均每年|一年")
_YEARLY = "按每年的数字记为上一年；如上一年不同，请更正"
# after a figure in years, an event: the year it happened ("15年被评为市级示范平台"), not how long it has operated
_EVENT_AFTER = re.compile(r"\s?(?:的时候|时|就)?(?:被|获|荣获|评为|评上|拿到|拿了|拿过|得到|受到|入选|通过|认定|授牌)")
_PART_OF = re.compile(r"\s*(?:其中|里面|这里面|当中)")  # a clause opening with it is a part of the figure before
# a total, a correction or a choice said with several counts: they are no parts to add up
_NOT_PARTS = re.compile(r"总共|一共|合计|共计|总计|加起来|不对|错|更正|不是|或者|或是|还是|也可能|要么|分别|"
                        r"去年|前年|上一年|前一年")
_TOTAL = re.compile(r"总共|一共|合计|共计|总计|加起来|全部加起来")
_ORG_KINDS = (r"(?:律所|律师事务所|会计所|会计师事务所|事务所|银行|金融机构|担保公司|保险公司|评估机构|咨询公司|"
              r"代理机构|检测机构|培训机构|协会|商会|中介|机构|公司)")
_KIND_AFTER = re.compile(rf"\s?(?:的)?[\u4e00-\u9fff]{{0,4}}?{_ORG_KINDS}")
_KIND_BEFORE = re.compile(rf"{_ORG_KINDS}(?:有|是|共)?\s?$")
_SUMMED = re.compile(r"按([\d.+]+)合计")
_PART_TIME = re.compile(r"兼职|外聘|临时|劳务派遣|实习")
_FULL_TIME = re.compile(r"专职|全职|正式|在编|在职")
_PART_TIME_NOTE = "兼职人员未计入；如需计入，请告诉我合计人数"
_NUMERIC_KINDS = frozenset({"money", "percent", "count", "duration", "date", "number"})


@dataclass(frozen=True)
class Fact:
    """A value for one indicator read from the user's words (already in the indicator's unit)."""

    key: str
    value: Any
    source: str
    note: str = ""
    entity: str = ""  # the kind of figure it was read from (count, number, percent…), "" for words


@dataclass
class Reading:
    facts: list[Fact] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (key, message)

    def covered(self) -> set[str]:
        return {f.key for f in self.facts} | {k for k, _ in self.problems}


def read_answer(model: FlowModel, text: str, pending: str | None, allowed: Collection[str], today: date,
                extract: Extractor = extract_entities, *, entities: Sequence[Entity] | None = None) -> Reading:
    """Every value the message gives: numbers mapped to indicators, and a yes/no or a choice for the
    pending question. ``allowed`` limits the indicators a number may be mapped to by keyword. ``entities``:
    the figures already found in ``text`` (the NLU's, without those the user said were wrong)."""
    reading = Reading()
    found = extract(text, today=today) if entities is None else entities
    entities = [e for e in found if e.entity in _NUMERIC_KINDS]
    _map_entities(model, text, entities, pending, allowed, today, reading)
    question = model.questions.get(pending or "")
    if question is not None and pending not in reading.covered():
        value = _plain_answer(model, question, text, entities, bool(reading.facts))
        if value is not None:
            reading.facts.insert(0, Fact(question.key, value, text))
    return reading


def read_corrections(model: FlowModel, text: str, kept: Sequence[Entity], rejected: Sequence[Entity],
                     profile: Mapping[str, Any], today: date) -> list[Fact]:
    """"是8次，不是80次" said after 80 was recorded for some item: the item that holds the rejected figure gets the
    figure kept in its place."""
    facts: list[Fact] = []
    for wrong in rejected:
        target = next((key for key, value in profile.items() if key in model.questions
                       and _converted(model.questions[key], wrong, text, today) == value), None)
        if target is None:  # "资产120万，不对，是150万": the item the wrong figure was said for
            target = _keyword_key(model, text, *_clause_bounds(text, wrong), wrong, tuple(model.questions))
        if target is None:
            continue
        question = model.questions[target]
        right = next((e for e in kept if _compatible(question, e, strict_unit=False)
                      and _converted(question, e, text, today) is not None), None)
        if right is not None:
            facts.append(Fact(target, _converted(question, right, text, today), right.text))
    return facts


def _converted(question: Question, ent: Entity, text: str, today: date) -> Any:
    converted = _convert(question, ent, text, today)
    return None if converted is None or isinstance(converted[0], str) else converted[0]


def _plain_answer(model: FlowModel, question: Question, text: str, entities: list[Entity],
                  other_facts: bool) -> bool | str | int | None:
    """A yes/no, a choice, or "没有" for a count (0 家、0 次), given without a number."""
    first = _first_clause(text, entities)
    if other_facts and question.type != "enum" and _names_another(model, first, question.key):
        return None  # "资产是150万": the 是 belongs to the assets (a type's name is no 是: "检测认证类的技术服务机构")
    if question.type == "bool":
        return read_bool(model, first)
    if question.type == "enum":
        return read_choice(model, question, text)
    if question.type == "integer" and not any(e.entity in ("count", "number") for e in entities):
        if read_bool(model, first) is False:
            return 0
        if _ONE.search(first):
            return 1  # "就一家": the NLU leaves 一家 alone (an article in "我们是一家公司")
    return None


def read_bool(model: FlowModel, text: str) -> bool | None:
    """是/有/具备… → True, 否/没有/不是… → False (negations first: 没有 contains 有, but 没问题 and 不错 say yes),
    else None. A don't-know ("不清楚", "not sure", "I don't know") is neither, though it contains 不 / "sure"."""
    if model.word("unknown", text):
        return None
    if model.word("sure", text):
        return True
    if model.word("no", text):
        return False
    if model.word("yes", text):
        return True
    return None


def read_choice(model: FlowModel, question: Question, text: str) -> str | None:
    """The enum choice named by its label or a known synonym (the longest match wins)."""
    cleaned = clean(text).lower()  # "Research Institute" as "researchinstitute"
    best: tuple[int, str] | None = None
    for key, label in question.choices.items():
        for word in (label, *model.org_type_synonyms.get(key, ())):
            word = "".join(word.split()).lower()
            if word in cleaned and (best is None or len(word) > best[0]):
                best = (len(word), key)
    return best[1] if best else None


def read_functions(model: FlowModel, text: str) -> list[str]:
    """The functions named in the text, in the order of the notice ("信息服务和培训服务")."""
    cleaned = clean(text)
    return [key for key, words in model.function_synonyms.items() if any(w in cleaned for w in words)]


years_since = years_between  # kept for callers of the earlier name


def _names_another(model: FlowModel, clause: str, key: str) -> bool:
    """"资产是150万": the 是 belongs to another indicator, not to the pending yes/no question."""
    return any(w in clause for k, q in model.questions.items() if k != key for w in q.keywords)


def _first_clause(text: str, entities: list[Entity]) -> str:
    end = min([m.start() for m in _CLAUSE_SEP.finditer(text)] + [e.start for e in entities] + [len(text)])
    return text[:end] or text


@dataclass(frozen=True)
class _Scan:
    """One message being read: its text (and the text with calendar years as 去年/前年), its figures, the items
    they may be of, the pending one."""

    model: FlowModel
    text: str
    named: str
    entities: list[Entity]
    allowed: Collection[str]
    pending: str | None
    today: date


def _map_entities(model: FlowModel, text: str, entities: list[Entity], pending: str | None,
                  allowed: Collection[str], today: date, reading: Reading) -> None:
    scan = _Scan(model, text, _years_as_words(text, today), entities, allowed, pending, today)
    previous: str | None = None
    part_time = ""
    totals: set[str] = set()
    respective = _respectively(model, scan.named, entities, allowed)
    for ent in entities:
        lo, hi = _clause_bounds(text, ent)
        if _rate(ent, entities, hi) or text.startswith("年度", ent.end) or _period_of(ent, text):
            continue  # "一年搞了3次银企对接": how often, not how long; "申报2022年度…": the round
        if ent.entity == "date" and scan.named[ent.start:ent.end] != text[ent.start:ent.end] \
                and _labels_figure(ent, entities, text):
            continue  # "2024年、2025年服务企业数分别为…": the years name the items, they are no founding
        key, guessed = (respective[ent.start], False) if ent.start in respective else _key_of(scan, ent, previous)
        if key is None or _part_of_another(scan, key, ent, reading, totals):
            continue
        if model.questions[key].unit == "人" and _part_time(text, lo, ent, entities):
            part_time = key  # "专职12个，兼职5个": the part-timers neither added nor put in place of the staff
            continue
        converted = _convert(model.questions[key], ent, text, today)
        if converted is None:
            continue
        _record(scan, key, ent, converted, guessed, reading)
        previous = key
    reading.facts = [replace(f, note="；".join(n for n in (f.note, _PART_TIME_NOTE) if n)) if f.key == part_time else f
                     for f in reading.facts]


def _key_of(scan: _Scan, ent: Entity, previous: str | None) -> tuple[str | None, bool]:
    """The item a figure is of, and whether its year was guessed ("我们服务了60家企业": the last year's)."""
    model, text, allowed, pending = scan.model, scan.text, scan.allowed, scan.pending
    lo, hi = _clause_bounds(text, ent)
    later = [e.start for e in scan.entities if e.start > ent.end]
    key = _keyword_key(model, scan.named, lo, hi, ent, allowed, later)
    if key is None and ent.unit == "家" and "aggregated_orgs" in allowed and _ORGS_AFTER.match(text, ent.end):
        key = "aggregated_orgs"  # "集聚了律所、会计所等6家服务机构": the keyword is in another clause
    if key is None and previous is not None and _compatible(model.questions[previous], ent, strict_unit=False) \
            and _convert(model.questions[previous], ent, text, scan.today):
        key = previous  # "资产120万，不对，是150万"
    if key is None and _served_firms(model, text, lo, hi, ent, allowed, pending):
        return _YEAR_SERVED, True  # "我们服务了60家企业": the year is not said, the last one is taken
    if key is None and pending is not None and pending in model.questions \
            and _accepts_unlabelled(model, text, lo, hi, ent, pending):
        key = pending
    if key is None and ent.entity == "date" and "years_operating" in allowed and _alone(text, lo, hi, ent):
        key = "years_operating"  # "有 中介 2020年的": a year alone in its clause is the founding
    if key is None and ent.entity == "duration" and "years_operating" in allowed and not _PER_YEAR.match(ent.text) \
            and not _EVENT_AFTER.match(text, ent.end):
        key = "years_operating"  # "搞技术服务十二年了": only the operating years are counted in years
    if key is None and ent.entity == "count" and ent.unit == "人" and not _NOT_STAFF.search(text, lo, ent.start):
        key = _people_item(model, allowed)  # "我们单位二十来号人", "一共12个人": the staff
    return key, False


def _part_of_another(scan: _Scan, key: str, ent: Entity, reading: Reading, totals: set[str]) -> bool:
    """The figure is a part of one already read for the item: of a total ("总共5家，律所3家，会计所2家") or of the
    figure before a 其中 clause ("去年服务的企业有48家，其中小微企业40家"). Notes the totals said in ``totals``."""
    lo, _ = _clause_bounds(scan.text, ent)
    said_total = ent.unit == "家" and _TOTAL.search(scan.text, lo, ent.start) is not None  # not "一共20人，专职12个"
    if key in totals and not said_total:
        return True
    totals |= {key} if said_total else set()
    return _PART_OF.match(scan.text, lo) is not None and scan.model.questions[key].type != "percent" \
        and any(f.key == key for f in reading.facts)


def _record(scan: _Scan, key: str, ent: Entity, converted: tuple[Any, str], guessed: bool, reading: Reading) -> None:
    """Record the figure for ``key`` (or the problem with it), with the note the reply shows."""
    question, text = scan.model.questions[key], scan.text
    value, note = converted
    earlier = next((f for f in reading.facts if f.key == key), None)
    if ent.below:  # "将近20家": under 20, by how much is not said; recording 20 could pass the threshold
        value = f"您说的是“{_said(ent, text)}”，比{format_number(value)}{question.unit or ''}少一些。" \
                f"请告诉我{question.label}的具体数字，以便准确判断。"
    if isinstance(value, str):  # a problem, not a value
        reading.problems.append((key, value))
        return
    if earlier is not None and earlier.entity == "percent" and _whole_of(earlier, ent):
        return  # "大专以上的10个，总共16个": the 16 is the whole of the share already read
    value, note = _shares(ent, earlier, value, note or _loose_note(ent, text))
    if earlier is not None and _adds_up(earlier, ent, text):  # "律所3家，会计所2家": the parts add up
        summed = _SUMMED.fullmatch(earlier.note)
        parts = summed.group(1) if summed else format_number(earlier.value)
        value, note = earlier.value + value, f"按{parts}+{format_number(value)}合计"
    lo, hi = _clause_bounds(text, ent)
    year = (_YEARLY if _EACH_YEAR.search(text, lo, hi) else _YEAR_NOT_SAID) if guessed else ""
    note = "；".join(n for n in (note, year) if n)
    reading.facts = [f for f in reading.facts if f.key != key]
    reading.facts.append(Fact(key, value, ent.text, note, ent.entity))


def _adds_up(earlier: Fact, ent: Entity, text: str) -> bool:
    """Two counts of organisations for the same item, each said with its own kind ("带动了三家律所和两家会计所",
    "律所3家，会计所2家"): parts of one total, unless a total or a correction is said. Not a count said without its
    kind ("5家，3家律所…": the 5 is the total), nor head counts ("员工20人，服务人员12人" names a part)."""
    if not (earlier.entity == ent.entity == "count" and ent.unit == "家") or ent.high is not None or ent.at_least \
            or ent.approx or _NOT_PARTS.search(text) or (earlier.note and not _SUMMED.fullmatch(earlier.note)):
        return False
    at = text.rfind(earlier.source, 0, ent.start)
    return at >= 0 and _of_a_kind(text, at, at + len(earlier.source)) and _of_a_kind(text, ent.start, ent.end)


def _of_a_kind(text: str, start: int, end: int) -> bool:
    """The count is said with the kind of organisation counted, right before or after it ("律所3家", "三家律所")."""
    return _KIND_AFTER.match(text, end) is not None or _KIND_BEFORE.search(text[max(0, start - 8):start]) is not None


def _part_time(text: str, lo: int, ent: Entity, entities: list[Entity]) -> bool:
    """The head count is of part-time staff ("兼职5个"), and a full-time one is said too ("专职12个")."""
    if not _PART_TIME.search(text, lo, ent.start):
        return False
    return any(_FULL_TIME.search(text, *_clause_bounds(text, e)) for e in entities if e is not ent)


def _served_firms(model: FlowModel, text: str, lo: int, hi: int, ent: Entity, allowed: Collection[str],
                  pending: str | None) -> bool:
    """A count of 家 said of the firms served, its year not said ("我们服务了60家企业", "服务企业60多家"), while
    no item of firms served is asked (that one takes it)."""
    asked = model.questions.get(pending or "")
    if asked is not None and _SERVED_FIRMS.search(asked.label):
        return False
    return ent.unit == "家" and _YEAR_SERVED in allowed and _SERVED_FIRMS.search(text, lo, hi) is not None


def _people_item(model: FlowModel, allowed: Collection[str]) -> str | None:
    """The one item counted in persons (人), which a head count said without its keyword belongs to."""
    found = [k for k in allowed if (q := model.questions.get(k)) is not None and q.type == "integer" and q.unit == "人"]
    return found[0] if len(found) == 1 else None


def _alone(text: str, lo: int, hi: int, ent: Entity) -> bool:
    """The entity is all its clause says, or all of its space-separated piece ("有 中介 2020年的")."""
    start = max(text.rfind(" ", lo, ent.start) + 1, lo)
    end = min((i for i in (text.find(" ", ent.end, hi),) if i >= 0), default=hi)
    return any(len((text[a:ent.start] + text[ent.end:b]).strip(" 的了吧")) <= 1 for a, b in ((lo, hi), (start, end)))


def _respectively(model: FlowModel, text: str, entities: list[Entity], allowed: Collection[str]) -> dict[int, str]:
    """"去年、前年分别为52家、41家": the items named before 分别 take the figures after it in their order (by the
    entity's start), when there are as many of each and each figure fits its item."""
    out: dict[int, str] = {}
    for mark in _RESPECTIVELY.finditer(text):
        start = max((m.end() for m in _SENTENCE_END.finditer(text, 0, mark.start())), default=0)
        end = next((m.start() for m in _SENTENCE_END.finditer(text, mark.end())), len(text))
        keys = _named_in_order(model, text[start:mark.start()], allowed)
        figures = [e for e in entities if mark.end() <= e.start < end]
        if len(keys) < 2 or len(keys) != len(figures) \
                or not all(_compatible(model.questions[k], e) for k, e in zip(keys, figures, strict=True)):
            continue
        out.update({e.start: k for k, e in zip(keys, figures, strict=True)})
    return out


def _named_in_order(model: FlowModel, text: str, allowed: Collection[str]) -> list[str]:
    """The items whose keywords occur in ``text``, by where they first occur; a keyword inside another item's
    longer keyword does not count."""
    spans: list[tuple[int, int, str]] = []
    for key in allowed:
        question = model.questions.get(key)
        words = question.keywords if question else ()
        found = [(m.start(), m.end()) for w in words for m in re.finditer(re.escape(w), text)]
        if found:
            spans.append((*min(found), key))
    kept = [s for s in spans if not any(o != s and o[0] <= s[0] and s[1] <= o[1] and o[1] - o[0] > s[1] - s[0]
                                        for o in spans)]
    return [key for _, _, key in sorted(kept)]


def _labels_figure(year: Entity, entities: list[Entity], text: str) -> bool:
    """A figure follows the year in its sentence ("2025年服务了60家"): the year says which year the figure is of."""
    return any(e.entity != "date" and e.start >= year.end and not _SENTENCE_END.search(text, year.end, e.start)
               for e in entities)


def _years_as_words(text: str, today: date) -> str:
    """"2025年服务了60家" said in 2026 is 去年 (上一年), "2024年" 前年: the calendar year written as the word the
    items are named by, the text padded to its length (not a founding: "2025年成立", "成立于2025年")."""
    words = {today.year - 1: "去年", today.year - 2: "前年"}

    def word(match: re.Match[str]) -> str:
        said = words.get(int(match.group(1)))
        around = text[max(0, match.start() - 4):match.start()] + "|" + text[match.end():match.end() + 4]
        if said is None or any(w in around for w in _FOUNDING_WORDS):
            return match.group(0)
        return said + " " * (len(match.group(0)) - len(said))

    return _CALENDAR_YEAR.sub(word, text)


def _period_of(ent: Entity, text: str) -> bool:
    """"三年发展规划", "五年计划", "三年内", "近两年": a duration that is the span of a plan or a period, not how
    long the organisation has operated ("成立近两年" is)."""
    if ent.entity != "duration":
        return False
    before = _PERIOD_BEFORE.search(text, max(0, ent.start - 6), ent.start)
    return _PERIOD_OF.match(text, ent.end) is not None or (before is not None and not _OPERATED.search(before.group()))


def _rate(ent: Entity, entities: list[Entity], hi: int) -> bool:
    """"一年" before a count in its clause ("一年搞了3次", "1年办讲座2次") is a period of a rate."""
    return ent.entity == "duration" and _PER_YEAR.match(ent.text) is not None \
        and any(e.entity == "count" and ent.end <= e.start < hi for e in entities)


def _whole_of(share: Fact, ent: Entity) -> bool:
    found = re.search(r"按[\d.]+/([\d.]+)计算", share.note)
    return found is not None and isinstance(ent.value, int | float) and float(found.group(1)) == float(ent.value)


def _said(ent: Entity, text: str) -> str:
    """The figure as the user said it, with the words around it that make it loose ("将近20家", "八成以上")."""
    before = _AROUND_BEFORE.search(text, 0, ent.start)
    after = _AROUND_AFTER.match(text, ent.end)
    return (before.group(0) if before else "") + ent.text + (after.group(0) if after else "")


def _loose_note(ent: Entity, text: str) -> str:
    """"五六家", "20多家", "八成以上" are recorded at their lower bound, and the reply says so."""
    said = _said(ent, text)
    if ent.ratio is not None:
        part, whole = ent.ratio
        lower = ent.high is not None or ent.at_least  # "七八个", "一半多"
        return f"按{format_number(part)}/{format_number(whole)}计算" + ("，取下限" if lower else "")
    if ent.high is not None or ent.at_least:
        return f"您说的是“{said}”，按下限记录"  # "五六家", "20多家", "二十出头"
    if ent.approx:
        return f"您说的是约数“{said}”，按这个数记录"  # "大概120万"
    return ""


def _shares(ent: Entity, earlier: Fact | None, value: Any, note: str) -> tuple[Any, str]:
    """"15个人里8个本科，3个大专": shares of the same whole add up (11/15)."""
    if ent.ratio is None or earlier is None or not earlier.note.startswith("按"):
        return value, note
    part, whole = ent.ratio
    before = re.match(r"按([\d.]+)/([\d.]+)计算", earlier.note)
    if before is None or float(before.group(2)) != float(whole):
        return value, note
    total = float(before.group(1)) + float(part)
    return _tidy(round(total / float(whole) * 100, 2)), f"按{format_number(total)}/{format_number(whole)}计算"


def _clause_bounds(text: str, ent: Entity) -> tuple[int, int]:
    cuts = [m.start() for m in _CLAUSE_SEP.finditer(text)]
    lo = max([c + 1 for c in cuts if c < ent.start], default=0)
    hi = min([c for c in cuts if c >= ent.end], default=len(text))
    return lo, hi


_SUBSET = re.compile(r"(?:里|里面|里头|当中|之中|其中|中)(?:有|是|的)?\s*$")  # right before the figure


def _keyword_key(model: FlowModel, text: str, lo: int, hi: int, ent: Entity, allowed: Collection[str],
                 later: Sequence[int] = ()) -> str | None:
    """The indicator named by the keyword nearest to the entity in its clause (before it, else after it: not a
    keyword that names the next figure, "十五个 大专以上十二个": 大专 names the 12). ``later``: where the figures after
    the entity start."""
    best: tuple[int, int, int, str] | None = None
    for key in allowed:
        question = model.questions.get(key)
        if question is None or not question.keywords or not _compatible(question, ent) \
                or _any_keyword(question.keywords).search(text, lo, hi) is None:
            continue  # one search for all its keywords: most items are not named in the clause
        for word in question.keywords:
            before = text.rfind(word, lo, ent.start)
            if before >= 0 and _SUBSET.search(text[before + len(word):ent.start]):
                before = -1  # "去年服务的企业里有40家给了好评": the word names the whole the figure is part of
            after = text.find(word, ent.end, hi)
            if after >= 0 and _names_next(model, text, after + len(word), hi, later):
                after = -1
            if before >= 0:  # nearest first; of keywords ending at the same place the longer one
                rank = (0, ent.start - before - len(word), -len(word), key)
            elif after >= 0:
                rank = (1, after - ent.end, -len(word), key)
            else:
                continue
            if best is None or rank[:3] < best[:3]:
                best = rank
    return best[3] if best else None


def _names_next(model: FlowModel, text: str, end: int, hi: int, later: Sequence[int]) -> bool:
    """A figure follows the keyword ending at ``end`` in its clause with no other keyword between them: the keyword
    is that figure's ("大专以上十二个"), not the one before it's ("2014年成立 资产3000万": 资产 names the 3000万)."""
    following = min((at for at in later if end <= at < hi), default=None)
    return following is not None and model.keyword_pattern.search(text, end, following) is None


@functools.lru_cache(maxsize=256)
def _any_keyword(keywords: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, keywords)))


def _accepts_unlabelled(model: FlowModel, text: str, lo: int, hi: int, ent: Entity, pending: str) -> bool:
    """A number without a keyword answers the pending question; a date only when it plainly is one
    ("2019年3月", "成立于2019年3月"), not "去年3月服务了…"."""
    question = model.questions[pending]
    clause = text[lo:hi]
    if ent.entity == "date":
        rest = (text[lo:ent.start] + text[ent.end:hi]).strip()
        return pending == "years_operating" and (len(rest) <= 3 or any(w in rest for w in _FOUNDING_WORDS))
    if question.unit == "万元" and _NOT_ASSETS.search(clause):
        return False  # "去年营收300万" says nothing of the assets
    if ent.entity == "count" and ent.unit and question.unit and ent.unit != question.unit \
            and question.unit in ("家", "次", "人", "人次"):
        return False  # "搞了4次活动" is no number of firms
    return _compatible(question, ent, strict_unit=False)


def fits_exactly(question: Question, ent: Entity) -> bool:
    """The figure is of the item's own kind and unit ("3家" for a number of firms, "120万" for assets)."""
    if question.type == "percent":
        return ent.entity == "percent"
    if question.unit == "万元":
        return ent.entity == "money"
    return question.type in ("integer", "number") and ent.entity == "count" and ent.unit == question.unit


def _compatible(question: Question, ent: Entity, *, strict_unit: bool = True) -> bool:
    """Whether an entity can be a value of that indicator (a count's unit must match when the indicator
    was found by keyword; the pending question takes any count)."""
    if question.key == "years_operating":
        return ent.entity in ("duration", "date", "number")
    if question.unit == "万元":
        return ent.entity in ("money", "number")
    if question.type == "percent":  # a count only for a share of that count ("其中8人", "40家给了好评")
        return ent.entity in ("percent", "number") or (question.share_of is not None and ent.entity == "count"
                                                        and ent.unit == question.share_unit)
    if question.type in ("integer", "number"):
        unit_ok = not strict_unit or ent.unit in (None, question.unit)
        return ent.entity == "number" or (ent.entity == "count" and unit_ok)
    return False


def _convert(question: Question, ent: Entity, text: str, today: date) -> tuple[Any, str] | None:
    """(value in the indicator's unit, note) — value is a str when it is a problem to report."""
    if question.key == "years_operating":
        return _years(ent, text, today)
    if not isinstance(ent.value, int | float) or ent.entity in ("date", "duration"):
        return None
    sign = -1 if ent.start > 0 and text[ent.start - 1] in _NEGATIVE_MARKS else 1
    value = float(ent.value) * sign
    if question.unit == "万元":
        as_yuan = ent.entity == "money" or any(w in ent.text for w in _YUAN_WORDS) or value >= _MIN_YUAN_AS_PLAIN
        return (_tidy(value / 10_000 if as_yuan else value), "")
    if question.type in ("percent", "integer", "number"):
        return (_tidy(value), "")
    return None


def _years(ent: Entity, text: str, today: date) -> tuple[Any, str] | None:
    if ent.entity in ("duration", "number") and isinstance(ent.value, int | float):
        sign = -1 if ent.start > 0 and text[ent.start - 1] in _NEGATIVE_MARKS else 1
        return (_tidy(float(ent.value) * sign), "")
    if ent.entity != "date" or not isinstance(ent.value, str):
        return None
    founded = date.fromisoformat(ent.value)
    if founded > today:
        return (f"成立时间 {founded.isoformat()} 晚于今天（{today.isoformat()}），请核对后重新回答。", "")
    years, basis = age_in_years(founded, today)
    start = f"{founded.year}年{founded.month}月{founded.day}日"
    return (years, f"按成立时间{start}，计算至{basis.day_text}，即{basis.reason}")


def _tidy(value: float) -> int | float:
    rounded = round(value, 4)
    return int(rounded) if rounded.is_integer() else rounded


def labels_of(model: FlowModel) -> Mapping[str, str]:
    return {k: q.label for k, q in model.questions.items()}
