"""The self-check dialogue as data: ``knowledge/selfcheck_flow.yml`` joined with the indicators.

The flow file says which questions are asked, in what order, how they are worded, which words near a number
name each indicator, and the control vocabulary; types, ranges and thresholds come from indicators.yml only.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from dialogs.selfcheck._indicators import Indicators, load_indicators
from knowledge import KNOWLEDGE_DIR, load_file, read_yaml
from knowledge._memo import per_text
from knowledge.errors import KnowledgeError
from nlu import normalize

FLOW_FILE = "knowledge/selfcheck_flow.yml"
MatchMode = Literal["exact", "prefix", "contains"]
QuestionType = Literal["bool", "enum", "number", "integer", "percent", "functions"]
CONTROL_WORDS = ("cancel", "restart", "back", "skip", "unknown", "correction", "confirm", "edit", "done",
                 "all", "none", "prefill", "fresh", "no", "yes", "verdict", "stop", "go_on", "said", "denied",
                 "all_parts", "sure", "unsure")
_TRAILING = " \t\n。．.！!～~，,、；;…"
_ORG_NOUNS = ("公司", "企业", "集团", "单位", "机构", "中心", "协会", "商会", "事务所", "研究院", "研究所")
_LATIN = re.compile(r"[A-Za-z]")
# what may come before an English control word said first ("Sorry, I don't know", "OK, skip")
_FILLERS = r"(?:(?:sorry|well|um+|uh+|hmm+|oh|ah|ok|okay|so|honestly|actually|then|please)[,.!]?\s)*"


@dataclass(frozen=True)
class Question:
    """One question of the dialogue: an indicator (or the list of functions offered) and how it is asked."""

    key: str
    label: str
    type: QuestionType
    prompt: str
    keywords: tuple[str, ...]
    unit: str | None = None
    function: str | None = None
    choices: Mapping[str, str] = field(default_factory=dict, hash=False)
    says: tuple[str, ...] = ()  # words that state this yes/no fact in passing ("我们是独立法人")
    denies: tuple[str, ...] = ()  # words that state it is not so ("我们是分公司": no legal personality)
    parts: tuple[tuple[str, ...], ...] = ()  # the things a yes/no item names, each by its words: 是 only if all are
    # "管理制度倒是健全的": a heading of the item said with its predicate (and no part named) stands for it whole
    whole: re.Pattern[str] | None = field(default=None, hash=False, compare=False)
    share_of: str | None = None  # a percentage of the count of that item ("其中12个大专以上" of the staff)
    share_unit: str | None = None  # the unit of that item's count (人 of the staff, 家 of the firms served)
    topic: str | None = None  # the question intent about this item ("这个怎么算" asked while it is pending)
    # "小微企业来咨询我们一律免费": a word of each list in one clause states the fact, in either order
    together: re.Pattern[str] | None = field(default=None, hash=False, compare=False)
    not_says: tuple[str, ...] = ()  # phrases with a says word that state nothing of it ("挂牌成立" is a founding)
    all_of: tuple[str, ...] = ()  # words that make a share the whole ("全是本科以上": 100 % of the staff)

    @per_text
    def states(self, clause: str) -> bool:
        """The clause states this yes/no fact, or denies it, in passing."""
        clause = clause.lower()  # English words are written in lower case ("Independent legal person")
        for phrase in self.not_says:
            clause = clause.replace(phrase, "")
        if any(w in clause for w in (*self.says, *self.denies)) or \
                (self.together is not None and self.together.search(clause) is not None):
            return True
        if self.whole is not None and any(w in clause for w in self.parts[0]) and self.whole.search(clause):
            return True  # "制度健全": the first thing's short name with the item's predicate
        linked = squeezed(clause)  # "财务也没问题": 财务没问题 with an adverb between
        return linked != clause and any(w in linked for w in self.says)


@dataclass(frozen=True)
class WordList:
    """Control words. Chinese words match the cleaned text (no spaces) as characters; English words (Latin
    letters) match whole words of the text in lower case, so "no" is not found in "I don't know" and "not sure"
    is not "not"; an English prefix may follow a filler ("Sorry, I don't know")."""

    match: MatchMode
    words: tuple[str, ...]

    def found_in(self, text: str) -> str | None:
        """The longest Chinese word of the list that matches ``text`` (already cleaned), or None."""
        if self.match == "exact":
            return text if text in self._chinese_set else None
        if self.match == "prefix" and not text.startswith(self._chinese):
            return None  # one test for the whole list; the loop below picks the longest word
        if self.match == "contains" and (self._chinese_any is None or not self._chinese_any.search(text)):
            return None
        for word in self._chinese:
            if self.match == "prefix" and text.startswith(word):
                return word
            if self.match == "contains" and word in text:
                return word
        return None

    def found_in_english(self, text: str) -> str | None:
        """The longest English word or phrase of the list that matches ``text`` (as typed), or None."""
        if self._english is None or not _LATIN.search(text):
            return None
        found = self._english.search(english_form(text))
        return found.group("w") if found else None

    @functools.cached_property
    def _chinese(self) -> tuple[str, ...]:
        return tuple(sorted((w for w in self.words if not _LATIN.search(w)), key=len, reverse=True))

    @functools.cached_property
    def _chinese_set(self) -> frozenset[str]:
        return frozenset(self._chinese)

    @functools.cached_property
    def _chinese_any(self) -> re.Pattern[str] | None:
        return re.compile("|".join(map(re.escape, self._chinese))) if self._chinese else None

    @functools.cached_property
    def _english(self) -> re.Pattern[str] | None:
        english = sorted((w.lower() for w in self.words if _LATIN.search(w)), key=len, reverse=True)
        if not english:
            return None
        words = "|".join(r"\s".join(map(re.escape, w.split())) for w in english)
        if self.match == "exact":
            return re.compile(rf"^(?P<w>{words})$")
        if self.match == "prefix":
            return re.compile(rf"^{_FILLERS}(?P<w>{words})(?![\w'])")
        return re.compile(rf"(?<![\w'])(?P<w>{words})(?![\w'])")


@dataclass(frozen=True)  # cached_property below needs an instance __dict__: no slots
class FlowModel:
    indicators: Indicators
    basic_order: tuple[str, ...]
    questions: Mapping[str, Question]
    org_type_synonyms: Mapping[str, tuple[str, ...]]
    function_synonyms: Mapping[str, tuple[str, ...]]
    hints: Mapping[str, str]
    vocabulary: Mapping[str, WordList]
    question_markers: tuple[str, ...]
    question_endings: tuple[str, ...]
    knockouts: tuple[str, ...] = ()  # items whose failure settles the verdict whatever follows

    @property
    def functions_key(self) -> str:
        return self.indicators.functions_key

    def plan(self, offered: tuple[str, ...] | list[str] | None) -> tuple[str, ...]:
        """All questions in the order asked: the basic ones, the functions, then the items of the functions
        offered (none while the functions are not known yet)."""
        items = tuple(i.key for fn in self.indicators.functions if fn.key in (offered or ()) for i in fn.items)
        return (*self.basic_order, *items)

    def full_plan(self) -> tuple[str, ...]:
        """Every question that can be asked (as if every function were offered)."""
        return self._full_plan

    @functools.cached_property
    def _full_plan(self) -> tuple[str, ...]:
        return self.plan([fn.key for fn in self.indicators.functions])

    @functools.cached_property
    def keyword_pattern(self) -> re.Pattern[str]:
        """Any item's keyword (the words that name an item next to its figure)."""
        words = {w for q in self.questions.values() for w in q.keywords}
        return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))

    @functools.cached_property
    def fact_words(self) -> re.Pattern[str]:
        """Any word that can state a fact in passing: a yes/no item's words, a type's name, an organisation noun."""
        words = {w for q in self.questions.values() for w in (*q.says, *q.denies)}
        words |= {w for names in self.org_type_synonyms.values() for w in names}
        words |= set(self.questions["org_type"].choices.values()) | set(_ORG_NOUNS)
        return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.IGNORECASE)

    @per_text
    def word(self, name: str, text: str) -> str | None:
        """The control word ``name`` in ``text`` (traditional characters read as simplified: 剛才說過了)."""
        words = self.vocabulary[name]
        return words.found_in(_cleaned(text)) or words.found_in_english(text)

    def function_name(self, key: str) -> str:
        fn = self.indicators.function(key)
        return fn.name if fn else key



@functools.lru_cache(maxsize=2048)
def simplified(text: str) -> str:
    """Traditional → simplified, full-width → half-width (the same length), once per text."""
    return normalize(text) if not text.isascii() else text


@functools.lru_cache(maxsize=2048)
def _cleaned(text: str) -> str:
    return clean(simplified(text))


# adverbs and links said between a fact's words ("财务也没问题", "经营一直很规范"): dropped to find the fact
_LINKS = re.compile(r"也都|也|都|还|倒是|倒|一直|一向|向来|方面|这块|这一块|挺|很|非常|比较|特别")


@functools.lru_cache(maxsize=2048)
def squeezed(text: str) -> str:
    """The text without the adverbs said between a fact's words ("财务也没问题" → "财务没问题")."""
    return _LINKS.sub("", text)


def clean(text: str) -> str:
    """Drop whitespace inside and punctuation at the end, for matching control words."""
    return "".join(text.split()).strip(_TRAILING)


def english_form(text: str) -> str:
    """Lower case, one space between words, typographic apostrophes made plain, punctuation at the end dropped:
    how English control words are matched."""
    return " ".join(text.lower().replace("’", "'").split()).strip(_TRAILING)


@functools.cache
def load_flow() -> FlowModel:
    """Load and validate ``knowledge/selfcheck_flow.yml`` against the indicators, once per process."""
    return parse_flow(read_yaml(KNOWLEDGE_DIR / "selfcheck_flow.yml"), load_indicators())


def parse_flow(data: Any, ind: Indicators) -> FlowModel:
    root = _mapping(data, "-")
    order = tuple(_strings(root.get("order"), "order"))
    basic = {i.key for i in ind.basic}
    if set(order) != basic | {ind.functions_key} or len(order) != len(set(order)):
        problem = "须恰好列出 indicators.yml 的全部基本条件键和 functions_offered 各一次"
        raise KnowledgeError(FLOW_FILE, "order", problem)
    raw_q = _mapping(root.get("questions"), "questions")
    questions = {key: _question(key, raw_q.get(key), ind) for key in ind.all_keys()}
    vocab = _mapping(root.get("vocabulary"), "vocabulary")
    hints = _mapping(root.get("hints"), "hints")
    for kind in ("bool", "enum", "number", "integer", "percent", "functions"):
        if not isinstance(hints.get(kind), str):
            raise KnowledgeError(FLOW_FILE, f"hints.{kind}", "缺少该类问题的回答提示")
    return FlowModel(
        indicators=ind,
        basic_order=order,
        questions=questions,
        org_type_synonyms=_synonyms(root, "org_type_synonyms", set(ind["org_type"].choices)),
        function_synonyms=_synonyms(root, "function_synonyms", {fn.key for fn in ind.functions}),
        hints={k: str(v) for k, v in hints.items()},
        vocabulary={name: _word_list(vocab.get(name), f"vocabulary.{name}") for name in CONTROL_WORDS},
        question_markers=tuple(_strings(root.get("question_markers"), "question_markers")),
        question_endings=tuple(_strings(root.get("question_endings"), "question_endings")),
        knockouts=_knockouts(root.get("knockouts", []), questions),
    )


def _intents() -> set[str]:
    return set((load_file("intents.yml") or {}).get("intents") or {})


def _knockouts(raw: Any, questions: Mapping[str, Question]) -> tuple[str, ...]:
    keys = _strings(raw, "knockouts", allow_empty=True)
    unknown = [k for k in keys if k not in questions]
    if unknown:
        raise KnowledgeError(FLOW_FILE, "knockouts", f"不是自测项目：{'、'.join(unknown)}")
    return tuple(keys)


def _question(key: str, raw: Any, ind: Indicators) -> Question:
    entry = _mapping(raw, f"questions.{key}")
    prompt = entry.get("prompt")
    if not isinstance(prompt, str) or not prompt.strip():
        raise KnowledgeError(FLOW_FILE, f"questions.{key}.prompt", "缺少提问文字")
    keywords = tuple(_strings(entry.get("keywords", []), f"questions.{key}.keywords", allow_empty=True))
    topic = entry.get("topic")
    if topic is not None and topic not in _intents():
        raise KnowledgeError(FLOW_FILE, f"questions.{key}.topic", f"“{topic}”不是 intents.yml 中的意图")
    if key == ind.functions_key:
        return Question(key, ind.functions_label, "functions", prompt, keywords, topic=topic)
    indicator = ind[key]
    says = tuple(_strings(entry.get("says", []), f"questions.{key}.says", allow_empty=True))
    denies = tuple(_strings(entry.get("denies", []), f"questions.{key}.denies", allow_empty=True))
    raw_parts = entry.get("parts", [])
    if not isinstance(raw_parts, list) or any(not isinstance(p, list) for p in raw_parts):
        raise KnowledgeError(FLOW_FILE, f"questions.{key}.parts", "应为列表的列表，每项列出一件事的说法")
    parts = tuple(tuple(_strings(p, f"questions.{key}.parts[{i}]")) for i, p in enumerate(raw_parts))
    whole = _whole(entry.get("whole"), key) if parts else None
    together = _together(entry.get("together"), key)
    not_says = tuple(_strings(entry.get("not_says", []), f"questions.{key}.not_says", allow_empty=True))
    if (says or parts or denies or together) and indicator.type != "bool":
        raise KnowledgeError(FLOW_FILE, f"questions.{key}", "says、denies 与 parts 只用于是/否题")
    share_of = entry.get("share_of")
    if share_of is not None and (indicator.type != "percent" or share_of not in ind.all_keys()):
        raise KnowledgeError(FLOW_FILE, f"questions.{key}.share_of", "只用于百分比题，且须是另一个计数项目的键")
    share_unit = ind[share_of].unit if share_of is not None else None
    all_of = tuple(_strings(entry.get("all_of", []), f"questions.{key}.all_of", allow_empty=True))
    if all_of and share_of is None:
        raise KnowledgeError(FLOW_FILE, f"questions.{key}.all_of", "只用于有 share_of 的百分比题")
    return Question(key, indicator.label, indicator.type, prompt, keywords, indicator.unit, indicator.function,
                    dict(indicator.choices), says, denies, parts, whole, share_of, share_unit, topic, together,
                    not_says, all_of)


def _together(raw: Any, key: str) -> re.Pattern[str] | None:
    """``together: [[words…], [words…]]``: a word of each list in one clause, either first."""
    if raw is None:
        return None
    if not isinstance(raw, list) or len(raw) != 2 or any(not isinstance(p, list) for p in raw):
        raise KnowledgeError(FLOW_FILE, f"questions.{key}.together", "应为两个列表：同一小句中各出现一个词")
    first, second = ("|".join(map(re.escape, _strings(p, f"questions.{key}.together[{i}]"))) for i, p in enumerate(raw))
    return re.compile(f"(?:{first}).*?(?:{second})|(?:{second}).*?(?:{first})")


def _whole(raw: Any, key: str) -> re.Pattern[str] | None:
    """``whole: [[headings…], [predicates…]]``: a heading, then within a few characters one of its predicates."""
    if raw is None:
        return None
    if not isinstance(raw, list) or len(raw) != 2 or any(not isinstance(p, list) for p in raw):
        raise KnowledgeError(FLOW_FILE, f"questions.{key}.whole", "应为两个列表：整项的说法，和说它具备的词")
    heads, predicates = (_strings(p, f"questions.{key}.whole[{i}]") for i, p in enumerate(raw))
    return re.compile(f"(?:{'|'.join(map(re.escape, heads))}).{{0,4}}?(?:{'|'.join(map(re.escape, predicates))})")


def _synonyms(root: Mapping[str, Any], name: str, keys: set[str]) -> dict[str, tuple[str, ...]]:
    raw = _mapping(root.get(name), name)
    if set(raw) != keys:
        raise KnowledgeError(FLOW_FILE, name, f"须为以下每个键给出说法：{'、'.join(sorted(keys))}")
    return {k: tuple(_strings(v, f"{name}.{k}")) for k, v in raw.items()}


def _word_list(raw: Any, where: str) -> WordList:
    entry = _mapping(raw, where)
    match = entry.get("match")
    if match not in ("exact", "prefix", "contains"):
        raise KnowledgeError(FLOW_FILE, f"{where}.match", "应为 exact、prefix 或 contains")
    return WordList(match, tuple(_strings(entry.get("words"), f"{where}.words")))


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise KnowledgeError(FLOW_FILE, where, "应为键值映射")
    return value


def _strings(value: Any, where: str, *, allow_empty: bool = False) -> list[str]:
    if not isinstance(value, list) or (not value and not allow_empty):
        raise KnowledgeError(FLOW_FILE, where, "应为非空的字符串列表")
    if not all(isinstance(v, str) and v for v in value):
        raise KnowledgeError(FLOW_FILE, where, "列表中每一项都应为非空字符串")
    return [str(v) for v in value]
