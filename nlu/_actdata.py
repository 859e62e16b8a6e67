"""The vocabulary of dialogue acts (``nlu/acts.yml``): loaded once, validated with typed errors naming the file
and the key, compiled into the few regular expressions ``nlu._acts`` runs on every message."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from knowledge._memo import per_text
from knowledge.errors import KnowledgeError

__all__ = ["ACTS_FILE", "ActVocabulary", "Topic", "load_vocabulary", "topic_intents", "vocabulary"]

ACTS_FILE = Path(__file__).resolve().parent / "acts.yml"
_FILE = "nlu/acts.yml"
_STRIP = " \t\r\n。．.！!？?～~，,、；;…：:\"'“”‘’（）()"
# "几家" asks, "十几家" and "好几家" say
_JI_BLOCKERS = "十好这那没零百千万0-9"  # "20几家" says
_REQUEST_BLOCKERS = "检监预推观探"  # "检测一下" is not "测一下"
_HEADING = re.compile(r"[:：]")  # "自测：单位名称：…": the request heads what follows
_PROCESS = re.compile("流程|步骤|环节|程序|手续")
_INDEFINITE = re.compile(r"(?:没|没有|不|无)[\u4e00-\u9fff]{0,4}?(?:什么|啥)")
# 能不能, 是不是, 有没有: asks whatever follows ("能不能报要交什么材料" is no indefinite 不…什么)
_A_NOT_A = re.compile(r"([\u4e00-\u9fff])[不没]\1")
# a figure after these words, before the user speaks of their own case, restates the rule ("满意度要80以上对吧我们…")
_RULE_BEFORE = re.compile(r"要|须|起码|至少|不低于|不少于|门槛|标准|规定|要求")
# "80以上", "80%是最低吗", but "大专以上18人" is the user's
_RULE_AFTER = re.compile(r"^(?:[家人次个%]|人次|万元?)?(?:以上|以下|是最低|是最少|是下限|是门槛|是底线)")
_MATERIALS = re.compile("材料|清单|附件")
_NTH = re.compile(r"第\s*([0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*(?:步|项|个|份|条|个环节)")
_STEP_WORD = re.compile("步|环节|step|最后")
_AFTER = re.compile(r"(?:以后|之后|然后|完了|完|后|过后|完成后|好了|结束后)"
                    r"(?:呢|干什么|做什么|干嘛|干啥|做啥|怎么办|是什么|是哪一步)$"
                    r"|^(?:然后|接着|再然后)")
# what may stand around a bare figure in a follow-up ("那如果只有1家呢")
_FILLER = re.compile(r"[\s，,。？?！!]|那么|那|如果|要是|假如|只有|只|才|就|是|我们|我|有|的|呢|了|吧|啊|"
                     r"一年|每年|年|做了|搞了|大概|左右|个|名|位|行不行|行吗|够不够|够吗|可以吗|达标吗|还差多少|差多少")


@dataclass(frozen=True)
class Topic:
    """A family of questions a follow-up can move within: ``ask`` rewrites an elided subject ("{x}有什么要求");
    ``intents`` name their subjects; an ``ordered`` family is a sequence of steps ("之后呢" is the next one)."""

    name: str
    ask: str
    intents: Mapping[str, str]
    ordered: bool = False
    per_subject: bool = False  # two questions of one intent ask of two subjects ("分公司能报吗？子公司能报吗？")


@dataclass(frozen=True)
class ActVocabulary:
    sentence_end: re.Pattern[str]
    list_marker: re.Pattern[str]
    list_inquiry: re.Pattern[str]  # "想了解下：（1）运营年限要求；（2）…": the items listed are asked
    separator: re.Pattern[str]
    english_join: re.Pattern[str]  # "and", "also" left at a clause's end or alone by the separator
    run_on: re.Pattern[str]
    each: re.Pattern[str]
    question_marks: tuple[str, ...]
    question_words: re.Pattern[str]
    question_patterns: tuple[re.Pattern[str], ...]
    question_endings: tuple[str, ...]
    english_starts: frozenset[str]
    rule_markers: re.Pattern[str]
    meaning_markers: re.Pattern[str]
    own_markers: re.Pattern[str]
    verdict_words: re.Pattern[str]  # "请问符合条件吗": asks whether the user's case meets the conditions
    reject_before: tuple[str, ...]
    reject_after: tuple[str, ...]
    correction_words: re.Pattern[str]
    retract: re.Pattern[str]
    affirm: frozenset[str]
    deny: frozenset[str]
    requests: tuple[tuple[str, re.Pattern[str]], ...]
    requests_exact: Mapping[str, str]
    requests_end: tuple[tuple[str, str], ...]  # (word, intent): a request when it ends a statement
    polite: re.Pattern[str]
    courtesy: re.Pattern[str]
    courtesy_intents: frozenset[str]
    preamble_intents: frozenset[str]  # "咨询几个问题：1.…": not answered when questions follow
    rule_words: re.Pattern[str]
    pronouns: re.Pattern[str]
    next_steps: frozenset[str]
    ellipsis: re.Pattern[str]
    conjunctions: re.Pattern[str]
    generic_intents: frozenset[str]
    asked_of_item: frozenset[str]  # questions asked of the n-th item ("第三个要盖章吗")
    ordinals: Mapping[str, int]
    topics: tuple[Topic, ...]

    def bare(self, text: str) -> str:
        """The clause without spaces and punctuation, lower-cased: what is compared with the word lists."""
        return "".join(text.split()).strip(_STRIP).lower()

    @per_text
    def asks(self, clause: str) -> bool:
        bare = self.bare(clause)
        if not bare or bare in self.affirm or bare in self.deny:
            return False
        if clause.rstrip().endswith(self.question_marks) or bare.endswith(self.question_endings):
            return True
        asked = _INDEFINITE.sub("", bare)  # "没拿过什么奖": 什么 is indefinite after a negation
        if self.question_words.search(asked) or any(p.search(asked) for p in self.question_patterns) \
                or _A_NOT_A.search(bare):
            return True
        first = bare.split(maxsplit=1)[0] if bare.isascii() else ""
        words = clause.strip().lower().split()
        return bool(first) and bool(words) and words[0].strip(_STRIP) in self.english_starts

    @per_text
    def about_rule(self, clause: str, message: str) -> bool:
        """A question about what the rule says ("是指…吗", "怎么算"), or a message that does not speak of the
        user's own case ("满意度要80%以上吗"): a figure in it that restates a threshold is the rule's."""
        return self.rule_markers.search(clause) is not None or self.own_markers.search(message) is None

    @per_text
    def plain(self, clause: str) -> str:
        """The question without the courtesies before it ("请问申报需要哪些材料" → "申报需要哪些材料")."""
        return self.polite.sub("", clause.strip()) or clause

    def past_courtesy(self, text: str) -> int:
        """Where the message starts after the greetings and thanks said before it ("你好，…", "谢谢，那…"); 0 when
        it does not start with one or is nothing else."""
        match = self.courtesy.match(text)
        return match.end() if match is not None and self.bare(text[match.end():]) else 0

    def own(self, clause: str) -> bool:
        """The clause speaks of the user's own case ("我们…", "…够吗")."""
        return self.own_markers.search(clause) is not None

    def rule_part(self, clause: str, start: int, end: int, *, asked: bool = True) -> bool:
        """The figure at [start, end) of the clause restates the rule: said with a rule word ("要80以上", "起码2次"),
        before the clause turns to the user's case ("…对吧我们去年是79"). "80以上" alone is the rule's only in a
        question (``asked``): stated, "九成以上" is the user's own figure."""
        own = self.own_markers.search(clause)
        if own is not None and own.start() < start:
            return False
        return _RULE_BEFORE.search(clause[max(0, start - 4):start]) is not None \
            or (asked and _RULE_AFTER.match(clause[end:end + 4]) is not None)

    def means(self, clause: str) -> bool:
        """The clause asks what the rule means ("意思是…吗", "是指…")."""
        return self.meaning_markers.search(clause) is not None

    def rejects(self, clause: str, start: int, end: int) -> bool:
        """Whether the figure at [start, end) of the clause is said to be wrong ("不是80次", "80次是错的")."""
        before = "".join(clause[:start].split())
        after = "".join(clause[end:].split())
        written = before.endswith(("写成", "写的是", "填成", "说成", "记成")) and after.startswith("了")  # "写成58了"
        return before.endswith(self.reject_before) or after.startswith(self.reject_after) or written

    @per_text
    def request(self, clause: str) -> str | None:
        """The intent a statement asks to be carried out ("想测一下" → selfcheck_start, "自测" alone), if any."""
        bare = self.bare(clause)
        exact = self.requests_exact.get(bare) or self.requests_exact.get(_HEADING.split(bare, maxsplit=1)[0])
        found = exact or next((intent for intent, words in self.requests if words.search(clause)), None)
        if found is not None or self.asks(clause):
            return found
        return next((intent for word, intent in self.requests_end if bare.endswith(word)
                     and not bare[:-len(word)].endswith(tuple(_REQUEST_BLOCKERS))), None)

    @per_text
    def states_rule(self, clause: str) -> bool:
        """A statement about the rule ("技术服务3次活动的要求"), not about the user's case."""
        return self.rule_words.search(clause) is not None and not self.own(clause)

    def corrects(self, clause: str) -> bool:
        return self.correction_words.search(clause) is not None

    def retracts(self, clause: str) -> bool:
        """The clause opens by taking back what was just said ("哦不对是88%", "不对", "说错了，是…")."""
        return self.retract.match(self.bare(clause)) is not None

    def ordinal(self, text: str, topic: str | None) -> str | None:
        """"申报流程第一步是什么": the n-th step of the ordered family the question (or the topic) is about."""
        word = next((w for w in self.ordinals if w in text), None)
        numbered = _NTH.search(text)
        n = self.ordinals[word] if word else _small_number(numbered.group(1)) if numbered else 0
        family = self.topic_family(topic)
        if family is None or not family.ordered:  # no topic before: a question on the process or the materials
            family = next((t for t in self.topics if t.ordered and t.name == _family_named(text)), None)
        if not n or family is None:
            return None
        steps = list(family.intents)[1:]  # the first is the family as a whole ("申报审批流程")
        return steps[n - 1] if 0 < n <= len(steps) else steps[-1] if n < 0 else None

    def without_ordinal(self, text: str) -> str:
        """The clause without the words naming the n-th step or item ("第三个要盖章吗" → "要盖章吗")."""
        word = next((w for w in self.ordinals if w in text), None)
        return text.replace(word, "", 1) if word else _NTH.sub("", text, count=1)

    def nth_step(self, text: str) -> int:
        """"第一步做什么", "第3步", "最后一步": which step is asked for (-1 the last), 0 when none — steps only,
        not the n-th item of a list ("第2项")."""
        text = text.lower()
        word = next((w for w in self.ordinals if w in text and _STEP_WORD.search(w)), None)
        if word is not None:
            return self.ordinals[word]
        numbered = _NTH.search(text)
        return _small_number(numbered.group(1)) if numbered and _STEP_WORD.search(numbered.group(0)) else 0

    def asks_next(self, text: str) -> bool:
        """"然后呢", "下一步", "测评完了下一步呢": asks for the step after (the one named, or the last one talked
        about)."""
        bare = self.bare(text)
        return bare in self.next_steps or _AFTER.search(bare) is not None or bare.endswith(tuple(self.next_steps))

    def has_pronoun(self, text: str) -> bool:
        return self.pronouns.search(text) is not None

    def topic_family(self, intent: str | None) -> Topic | None:
        return next((t for t in self.topics if intent in t.intents), None)

    def name(self, intent: str) -> str:
        family = self.topic_family(intent)
        return family.intents[intent] if family else intent

    def next_step(self, text: str, topic: str) -> str | None:
        family = self.topic_family(topic)
        bare = self.bare(text)
        if family is None or not family.ordered or (bare not in self.next_steps and not _AFTER.search(bare)):
            return None  # "之后呢", "填好以后呢", "测评完了下一步呢"
        order = list(family.intents)
        at = order.index(topic)
        return order[at + 1] if at + 1 < len(order) else None

    def rewrite(self, text: str, topic: str, *, within: bool = False) -> str | None:
        """"这个要几份" → "专项审计报告要几份"; "那人员呢" → "人员有什么要求" (the topic's family's way of asking);
        ``within`` the topic's subject: "那讲座呢" after the financing service → "融资服务讲座有什么要求"."""
        family = self.topic_family(topic)
        if family is None:
            return None
        if self.has_pronoun(text):
            return None if within else self.pronouns.sub(family.intents[topic], text, count=1)
        match = self.ellipsis.fullmatch("".join(text.split()).rstrip("？?。.！!"))
        if match is None or self.question_words.search(match.group("x")):
            return None  # "资产要多少呢" asks on its own
        subject = match.group("x")
        return family.ask.format(x=family.intents[topic] + subject if within else subject)

    def only_figure(self, text: str, entities: tuple[Any, ...]) -> bool:
        """"那如果是98万呢", "我们只有78%呢": nothing but a figure (no other subject) is said."""
        rest = text
        for ent in sorted(entities, key=lambda e: -e.start):
            rest = rest.replace(ent.text, "")
        return not _FILLER.sub("", rest)


def topic_intents() -> frozenset[str]:
    """The intents a follow-up can refer back to (those of the topics of ``nlu/acts.yml``)."""
    return frozenset(i for t in vocabulary().topics for i in t.intents)


@functools.cache
def vocabulary() -> ActVocabulary:
    """The validated vocabulary of ``nlu/acts.yml``, once per process."""
    return load_vocabulary(ACTS_FILE)


def load_vocabulary(path: Path) -> ActVocabulary:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeError(_FILE, "-", f"无法读取：{exc}") from exc
    root = _mapping(data, "-")
    question = _mapping(root.get("question"), "question")
    correction = _mapping(root.get("correction"), "correction")
    followup = _mapping(root.get("followup"), "followup")
    return ActVocabulary(
        sentence_end=re.compile(_any_of(_words(root, "sentence_ends")).pattern + "|" + _regex(root, "emoji")),
        list_marker=re.compile(_regex(root, "list_marker")),
        list_inquiry=_any_of(_words(root, "list_inquiry")),
        separator=_separator(_words(root, "separators"), bool(root.get("cjk_space")),
                             _words(root, "cjk_separators"), _words(root, "english_joins"),
                             _words(question, "english_starts", "question.")),
        english_join=re.compile(rf"(?:^|[,\s]+)(?:{_any_of(_words(root, 'english_joins')).pattern})$"),
        run_on=re.compile(_regex(root, "run_on")),
        each=_any_of(_words(followup, "each", "followup.")),
        question_marks=tuple(_words(question, "marks", "question.")),
        question_words=_question_words(_words(question, "words", "question.")),
        question_patterns=_patterns(_words(question, "patterns", "question.")),
        question_endings=tuple(_words(question, "endings", "question.")),
        english_starts=frozenset(w.lower() for w in _words(question, "english_starts", "question.")),
        rule_markers=_any_of(_words(root, "rule_markers")),
        own_markers=_any_of(_words(root, "own_markers")),
        verdict_words=_any_of(_words(root, "verdict_words")),
        meaning_markers=_any_of(_words(root, "meaning_markers")),
        reject_before=tuple(_words(correction, "before", "correction.")),
        reject_after=tuple(_words(correction, "after", "correction.")),
        correction_words=_any_of(_words(correction, "words", "correction.")),
        retract=_retract(_words(correction, "retract", "correction."),
                         _words(correction, "retract_leads", "correction.")),
        affirm=frozenset(w.lower() for w in _words(root, "affirm")),
        deny=frozenset(w.lower() for w in _words(root, "deny")),
        requests=_requests(_mapping(root.get("requests"), "requests")),
        requests_exact=_requests_exact(_mapping(root.get("request_exact"), "request_exact")),
        requests_end=_requests_end(_mapping(root.get("request_end"), "request_end")),
        polite=re.compile(rf"^(?:(?:{_any_of(_words(root, 'polite')).pattern})[，,：:、\s!！]*)+"),
        courtesy=_courtesy(_words(root, "courtesy")),
        courtesy_intents=frozenset(_words(root, "courtesy_intents")),
        preamble_intents=frozenset(_words(root, "preamble_intents")),
        rule_words=_any_of(_words(root, "rule_words")),
        pronouns=_any_of(_words(followup, "pronouns", "followup.")),
        next_steps=frozenset(w.lower().replace(" ", "") for w in _words(followup, "next_step", "followup.")),
        ellipsis=_ellipsis(_words(followup, "ellipsis_prefixes", "followup."),
                           _words(followup, "ellipsis_endings", "followup.")),
        conjunctions=_any_of(_words(followup, "conjunctions", "followup.")),
        generic_intents=frozenset(_words(followup, "generic_intents", "followup.")),
        asked_of_item=frozenset(_words(followup, "asked_of_item", "followup.")),
        ordinals=_ordinals(_mapping(followup.get("ordinals"), "followup.ordinals")),
        topics=_topics(_mapping(root.get("topics"), "topics")),
    )


def _question_words(words: list[str]) -> re.Pattern[str]:
    parts = [(f"(?<![{_JI_BLOCKERS}])" if w.startswith("几") else "") + re.escape(w)
             for w in sorted(words, key=len, reverse=True)]
    return re.compile("|".join(parts))


def _family_named(text: str) -> str | None:
    """The ordered family a question without a topic names: the process ("流程第一步") or the materials."""
    if _PROCESS.search(text):
        return "process"
    return "materials" if _MATERIALS.search(text) else None


def _small_number(raw: str) -> int:
    if raw.isdigit():
        return int(raw)
    digits = "一二三四五六七八九"
    if raw == "十":
        return 10
    if raw.startswith("十"):
        return 10 + digits.index(raw[1]) + 1
    if "十" in raw:
        tens, _, ones = raw.partition("十")
        return (digits.index(tens) + 1) * 10 + (digits.index(ones) + 1 if ones else 0)
    return digits.index(raw) + 1 if raw in digits else 0


def _patterns(sources: list[str]) -> tuple[re.Pattern[str], ...]:
    try:
        return tuple(re.compile(p) for p in sources)
    except re.error as exc:
        raise KnowledgeError(_FILE, "question.patterns", f"正则表达式有误：{exc}") from exc


def _separator(words: list[str], cjk_space: bool, between_cjk: list[str], joins: list[str],
               starts: list[str]) -> re.Pattern[str]:
    """The separators of clauses; first, an English join before a question ("what is the minimum total assets and
    how many staff are required", ", and where do we submit them")."""
    asked = "|".join(re.escape(w.lower()) for w in starts)
    pattern = rf",?\s+(?:{_any_of(joins).pattern})\s+(?=(?:{asked})\b)|" + _any_of(words).pattern
    marks = "".join(re.escape(w) for w in between_cjk) + (" \u3000" if cjk_space else "")
    if marks:  # "资产要多少 满意度多少", "资产多少/人员多少"; not English spaces, nor the slash of 2/3
        pattern += rf"|(?<=[\u4e00-\u9fff0-9%])[{marks}]+(?=[\u4e00-\u9fff0-9])"
    return re.compile(pattern)


def _regex(root: Mapping[str, Any], key: str) -> str:
    value = root.get(key)
    if not isinstance(value, str) or not value:
        raise KnowledgeError(_FILE, key, "应为正则表达式")
    try:
        re.compile(value)
    except re.error as exc:
        raise KnowledgeError(_FILE, key, f"正则表达式有误：{exc}") from exc
    return value


def _ordinals(raw: Mapping[str, Any]) -> dict[str, int]:
    if not raw or not all(isinstance(v, int) and not isinstance(v, bool) and v != 0 for v in raw.values()):
        raise KnowledgeError(_FILE, "followup.ordinals", "应为 说法: 序号 的映射（序号为非零整数，-1 表示最后一步）")
    return {str(k): int(v) for k, v in raw.items()}


def _requests_exact(raw: Mapping[str, Any]) -> dict[str, str]:
    return {w.lower(): str(intent) for intent in raw for w in _words(raw, str(intent), "request_exact.")}


def _requests_end(raw: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """The words that request when they end a statement, longest first."""
    pairs = [("".join(w.split()).lower(), str(intent))
             for intent in raw for w in _words(raw, str(intent), "request_end.")]
    return tuple(sorted(pairs, key=lambda p: len(p[0]), reverse=True))


def _requests(raw: Mapping[str, Any]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    out = []
    for intent in raw:
        words = _any_of(_words(raw, str(intent), "requests.")).pattern
        out.append((str(intent), re.compile(rf"(?<![{_REQUEST_BLOCKERS}])(?:{words})", re.IGNORECASE)))
    return tuple(out)


def _any_of(words: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


def _courtesy(words: list[str]) -> re.Pattern[str]:
    """Greetings and thanks at the start of a message, each followed by any punctuation ("你好，", "在吗？")."""
    return re.compile(rf"^\s*(?:(?:{_any_of(words).pattern})(?![a-z])[，,。.！!？?～~、：:\s]*)+", re.IGNORECASE)


def _retract(words: list[str], leads: list[str]) -> re.Pattern[str]:
    """A retraction word at the start of a clause, after any interjections ("哦不对", "哎呀说错了")."""
    return re.compile(rf"(?:{_any_of(leads).pattern})*(?:{_any_of(words).pattern})")


def _ellipsis(prefixes: list[str], endings: list[str]) -> re.Pattern[str]:
    """"那人员呢", "培训服务呢", "还有分公司怎么样": an optional lead word, the subject, an ending that asks."""
    pre = "|".join(re.escape(p) for p in sorted(prefixes, key=len, reverse=True))
    end = "|".join(re.escape(e) for e in sorted(endings, key=len, reverse=True))
    return re.compile(rf"(?:{pre})?(?P<x>.{{1,12}}?)(?:{end})")


def _topics(raw: Mapping[str, Any]) -> tuple[Topic, ...]:
    topics = []
    for name, entry in raw.items():
        where = f"topics.{name}"
        item = _mapping(entry, where)
        ask = item.get("ask")
        if not isinstance(ask, str) or "{x}" not in ask:
            raise KnowledgeError(_FILE, f"{where}.ask", "应为含 {x} 的问法")
        intents = _mapping(item.get("intents"), f"{where}.intents")
        if not intents or not all(isinstance(v, str) and v for v in intents.values()):
            raise KnowledgeError(_FILE, f"{where}.intents", "应为 意图: 名称 的映射，名称不为空")
        topics.append(Topic(str(name), ask, {str(k): str(v) for k, v in intents.items()}, bool(item.get("ordered")),
                            bool(item.get("per_subject"))))
    return tuple(topics)


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise KnowledgeError(_FILE, where, "应为键值映射")
    return value


def _words(parent: Mapping[str, Any], key: str, prefix: str = "") -> list[str]:
    value = parent.get(key)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
        raise KnowledgeError(_FILE, prefix + key, "应为非空的字符串列表")
    return [str(v) for v in value]
