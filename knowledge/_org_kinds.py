"""Can a kind of organisation apply (org_kinds.yml): the kinds a message names, and the judgement on the
organisation it describes, by the two tests of 二、申报条件（一）第1项 — independent legal personality and one
of the five listed types. A message is read with the words of its language (``lang``: ``zh`` or ``en``); the
English words and wording of each kind are next to the Chinese ones (``en:``)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from itertools import pairwise
from pathlib import Path
from typing import Any

from knowledge._loader import read_yaml
from knowledge._memo import per_text
from knowledge._words import (
    Index,
    Phrases,
    as_map,
    checked_key,
    flag_of,
    text_of,
    word_index,
    words_of,
)
from knowledge.errors import KnowledgeError

FILE = "org_kinds.yml"
VERDICTS = ("can", "cannot", "depends")
_PUNCTUATION = " ，,。.；;！!？?、～~…"
_TRAILING = f"{_PUNCTUATION}啊呀哈嘛啦哦"  # a question's end, with the particles said after it ("基金会行不行啊")
_PARTICLES = "啊呀啦哈嘛哦噢"  # said at the end of a question, asking nothing more ("为啥不行啊", "能报不能报呀")
_MO = re.compile(r"(?<=[报请加与格以行能])么$")  # the question particle 么 (not that of 什么, 怎么)
_THEN = ("那么", "那")  # said before a follow-up ("那为啥", "那么要什么证明")
_CLAUSE_BREAK = re.compile(r"[\s,、；;。.！!？?]+")
_SEPARATED = re.compile(r"[\s,，、；;。.！!？?]")  # a clause break, in either width
_ARTICLES = re.compile(r"\b(?:a|an|the)\b", re.IGNORECASE)
# a body the organisation is under, not its form ("基金会下面设立的研究院", "事业单位里的检测中心")
_UNDER = re.compile(r"下属|下面|下设|旗下|所属|设立|举办|主管|挂靠|开办|内设|里的|里面的|内部的|\bunder\b|\bof\b"
                    r"|\bset up by\b", re.IGNORECASE)
# right after a kind, it is the body the organisation is under ("我们是挂靠在协会下面的"), not the organisation
_OVER = ("下面", "下属", "名下", "旗下", "底下", "下边")
_MEASURES = ("个",)  # a word that begins with a measure word: after a number it counts ("8个人")
_DOING = ("做", "搞", "提供", "从事")  # a kind said as what the organisation does ("做检测的")
BELOW = "subordinate"  # the kind of a unit under a body named ("街道办下面的服务中心")
_NUMERALS = "0123456789０１２３４５６７８９零一二三四五六七八九十百千万两几多"
HEADS = ("first", "last")
# what comes right before a unit the organisation has, not is ("我们在日喀则还有个分公司", "下设两个办事处")
# (not the 有 of 国有, 所有, 具有, 有限公司)
_OWNS = re.compile(r"(?:(?<![国所私公具拥])(?<!^)有(?!限)|开了|开有|设了|设有|设立了|成立了|下设|旗下)"
                   r"(?:[一两几]?[个家所处]|一些|多个|多家)?[\u4e00-\u9fff]{0,4}$")


def bare(text: str, *, then: bool = True) -> str:
    """``text`` without the marks and particles around it and (``then``) the "那" said before a follow-up
    ("那为啥不行啊？" → "为啥不行")."""
    text = _MO.sub("吗", text.strip(_PUNCTUATION).rstrip(_PARTICLES).rstrip(_PUNCTUATION))  # "能报么" is "能报吗"
    return next((text[len(w):] for w in _THEN if text.startswith(w)), text).strip(_PUNCTUATION) if then else text


def owned(before: str) -> bool:
    """``before`` (the text before a unit's name) says the organisation has that unit: it is not that unit."""
    return _OWNS.search(before) is not None


@dataclass(frozen=True)
class KindWording:
    """A kind's English wording (``kinds.<key>.en``): ``label`` with its article ("a branch office"), the
    reason, what a "depends" verdict depends on, the advice, and the listed type it is, in English."""

    label: str = ""
    reason: str = ""
    depends_on: str = ""
    advice: str = ""
    listed: str = ""
    if_legal: str = ""


@dataclass(frozen=True)
class OrgKind:
    """A kind of organisation and whether it can apply (``verdict``: can / cannot / depends on ``depends_on``).
    ``listed``: the listed type it is (a label of org_type), if it is one; ``legal_person``: it is one by
    definition (a 子公司); ``confirm``: a loose self-description ("我们是建筑公司") to confirm against the five."""

    key: str
    label: str
    words: tuple[str, ...]
    verdict: str
    reason: str
    depends_on: str = ""
    advice: str = ""
    unnamed: bool = False
    listed: str = ""
    legal_person: bool = False
    confirm: bool = False
    parent: bool = False  # named with another kind, it is where that one belongs (集团, 高校), not the one asked about
    describes: bool = False  # named with another kind, it describes that one ("我们是学会，挂靠在科协": 挂靠)
    no_legal: bool = False  # no legal person by definition (分公司, 个体户): said to become one, its type decides
    if_legal: str = ""  # what a "depends" verdict depends on once the message says it is a legal person
    by_label: bool = False  # its words are phrases ("注册个公司"): the answer names it by its label
    en: KindWording = KindWording()


@dataclass(frozen=True)
class Judgement:
    """The verdict on the organisation called ``word``, and its ground (``basis``): ``own`` (the kind's own
    verdict), ``legal_yes`` / ``legal_no`` (a listed type whose legal personality the message affirms / denies),
    ``legal_unknown`` (a listed type inside ``context``, e.g. 高校下属的研究院), ``blocked`` (``context`` has no
    legal personality, e.g. a 分公司), ``legal_known`` (a kind that depends, said to be a legal person: it depends on
    ``if_legal`` only), ``became_legal`` (a kind that is no legal person by definition, said to become one:
    "分公司…改成独立法人" depends on its type)."""

    word: str
    kind: OrgKind
    verdict: str
    basis: str = "own"
    context: OrgKind | None = None
    own: bool = False  # the user speaks of their own organisation ("我们是…")
    form: OrgKind | None = None  # the legal form the notice does not name ("事业单位性质的研究所": 事业单位)

    @property
    def to_confirm(self) -> bool:
        """The user describes their own organisation loosely: ask which of the five types it is."""
        return self.own and self.kind.confirm and self.basis == "own"


@dataclass(frozen=True)
class KindWords:
    """The words a message of one language is read with."""

    index: Index
    affirm: Phrases  # the message says the organisation is a legal person
    deny: Phrases  # …that it is not
    coordinators: Phrases  # 和、还是: the kinds named are asked about one by one
    ours: Phrases  # 我们: the user speaks of their own organisation
    alone: Phrases  # 行不行, 能不能申报: a clause of only these (and kinds) asks whether the kind named can apply
    recommend: Phrases  # 能推荐吗: the same, asked by a recommending body of an organisation in its area
    asked_of: Phrases  # 这个示范平台: what a can-we applies for, said after it ("能不能申报这个示范平台")
    what_now: Phrases  # 那怎么办: after a can-we answer, asks what the organisation of that answer can do
    why: Phrases  # 为什么: after a can-we answer, asks for its reason
    confirm: Phrases  # 找谁确认: after a can-we answer, asks whom to confirm it with (the recommending bodies)
    others: Phrases  # 帮朋友问, 他们是: the organisation is someone else's, whatever 我们 / 我是 the message says
    which: Phrases  # 哪个: the kinds named are compared, each answered ("我们是事业单位，下面还有个子公司，哪个能报")
    proof: Phrases  # 要什么证明: after a can-we answer, asks how the organisation proves it is a legal person
    head_first: bool = False  # the organisation is named before what describes it ("a subsidiary of a SOE")
    english: bool = False
    typos: tuple[tuple[str, str], ...] = ()  # 事业单为 → 事业单位, read (and named) as the right word
    became: tuple[str, ...] = ()  # 改成, 现在是: the kinds named after it are what the organisation is now
    refers: tuple[str, ...] = ()  # 它, 那个: at the start of a can-we, the organisation named before (longest first)
    denied: tuple[str, ...] = ()  # 不是: right before a kind, the organisation is not that kind ("不是分公司是子公司")

    def denies(self, before: str) -> bool:
        """``before`` (the text before a kind's name) ends by saying the organisation is not that kind."""
        before = before.rstrip(_PUNCTUATION)
        if self.english:
            before = _ARTICLES.sub("", before[-20:]).rstrip()
            return any(re.search(rf"\b{re.escape(w)}$", before, re.I) for w in self.denied)
        return before.endswith(self.denied)

    def corrected(self, text: str) -> str:
        if self._typo is None or self._typo.search(text) is None:  # most messages hold no typo
            return text
        for wrong, right in self.typos:
            text = text.replace(wrong, right)
        return text

    @functools.cached_property
    def _typo(self) -> re.Pattern[str] | None:
        return re.compile("|".join(re.escape(w) for w, _ in self.typos)) if self.typos else None

    @per_text
    def legal(self, text: str) -> bool | None:
        """What the message says of the organisation's legal personality (a denial first), if anything. In Chinese
        the clauses are marked off by "，" at both ends, however they were separated ("事业单位 独立法人 做科研的":
        "，独立法人，" is a clause of its own)."""
        if not self.english:
            text = f"，{_CLAUSE_BREAK.sub('，', text)}，"
        return False if self.deny.any_in(text) else True if self.affirm.any_in(text) else None

    def unreferred(self, clause: str) -> str:
        """``clause`` without the word that refers to the organisation named before ("它能报吗", "那个能单独报不")
        and, in English, without articles ("can a … apply")."""
        if self.english:
            clause = _ARTICLES.sub(" ", clause)
            return re.sub(rf"^\s*(?:{'|'.join(map(re.escape, self.refers))})\b", " ", clause, flags=re.I) \
                if self.refers else clause
        if not clause.startswith(self.refers):  # one test for all the words (most clauses refer to nothing)
            return clause
        return next((clause[len(w):] for w in self.refers if clause.startswith(w)), clause)

    @per_text
    def changed_at(self, text: str) -> int:
        """Where ``text`` last says the organisation changed ("办事处改成子公司", "后来注册成有限公司了"), or -1."""
        if self.english:
            found = (m.start() for w in self.became for m in re.finditer(rf"\b{re.escape(w)}\b", text, re.I))
            return max(found, default=-1)
        if self._became is None or self._became.search(text) is None:  # most messages say no change
            return -1
        return max((text.rfind(w) for w in self.became), default=-1)

    @functools.cached_property
    def _became(self) -> re.Pattern[str] | None:
        return re.compile("|".join(map(re.escape, self.became))) if self.became else None


@dataclass(frozen=True)
class KindData:
    clause: str
    kinds: dict[str, OrgKind]
    zh: KindWords
    en: KindWords

    def words(self, lang: str) -> KindWords:
        return self.en if lang == "en" else self.zh

    @per_text
    def bare_can_we(self, clause: str, lang: str = "zh") -> bool:
        """The clause, the kinds it names aside, is a bare can-we: "能不能申报", "办事处行不行", "branch office ok?"."""
        return self.words(lang).alone.equals(self._rest(clause, lang))

    def asks_why(self, clause: str, lang: str = "zh") -> bool:
        """The clause, the kinds it names aside, asks why: "分公司为啥不行", "why can't a branch office apply"."""
        return self.words(lang).why.equals(self._rest(clause, lang))

    @per_text
    def asks_to_recommend(self, clause: str, lang: str = "zh") -> bool:
        """The clause, the kinds it names aside, asks whether it can be recommended: "能推荐吗", "can we recommend
        it"."""
        rest = self._rest(clause, lang)  # "能推荐分公司吗": "能推荐 吗", the kind's place left as a space
        return self.words(lang).recommend.equals(rest if lang == "en" else "".join(rest.split()))

    def _rest(self, clause: str, lang: str) -> str:
        """The clause without the kinds it names, what it applies for and a word referring to the kind."""
        words = self.words(lang)
        rest = words.corrected(clause)
        for word, start, _ in reversed(_named(words, rest)):
            rest = rest[:start] + " " + rest[start + len(word):]
        rest = words.unreferred(words.asked_of.removed_from(rest.rstrip(_TRAILING)).strip(_PUNCTUATION))
        return bare(rest)

    @per_text
    def without_kinds(self, clause: str, lang: str = "zh") -> str:
        """The clause with the kinds it names left out ("街道办下属的中小企业服务中心能报吗" → "下属的能报吗")."""
        words = self.words(lang)
        rest = words.corrected(clause)
        for word, start, _ in reversed(_named(words, rest)):
            rest = rest[:start] + rest[start + len(word):]
        return rest

    @per_text
    def ends_can_we(self, clause: str, lang: str = "zh") -> bool:
        """The clause names a kind and ends with a bare can-we, whatever describes the kind before it ("企业内设的
        研发中心能报吗")."""
        words = self.words(lang)
        rest = words.corrected(clause)
        if not _named(words, rest):
            return False
        return words.alone.ends(words.asked_of.removed_from(rest.rstrip(_TRAILING)).strip(_PUNCTUATION))

    def slots(self, text: str, lang: str = "zh") -> frozenset[str]:
        """What the kinds ``text`` names say of an organisation (``slot_of``), the kinds said not to be aside."""
        words = self.words(lang)
        text = words.corrected(text)
        found = _affirmed([(w, at, self.kinds[key]) for w, at, key in _named(words, text)], text, words)
        return frozenset(slot_of(kind) for _, _, kind in found)

    @per_text
    def judge(self, text: str, lang: str = "zh") -> tuple[Judgement, ...]:
        """One judgement per organisation the message asks about (none when it names no kind)."""
        words = self.words(lang)
        text = words.corrected(text)
        found = _affirmed([(word, start, self.kinds[key]) for word, start, key in _named(words, text)], text, words)
        if len(found) > 1 and (all(words.coordinators.equals(_between(text, a, b)) for a, b in pairwise(found))
                               or _compared(found, text, words)):
            named = _names(found, words)
            if len(named) > 1:
                return tuple(Judgement(w, kind, kind.verdict) for kind, w in named.items())
            found = [found[0]]  # "律所和会计所能报吗": one kind, named in the answer by all its names
        else:
            named = {}
        if not found:
            return ()
        asked = [(word, kind) for word, _, kind in _asked(_current(found, words.changed_at(text)), text, words)]
        below = self.kinds.get(BELOW)
        if below is not None and not words.english and _only_over(asked, text):
            asked.append((below.label, below))  # "街道办下面的服务中心能报吗": the unit under it, not the 街道办
        judgement = _one(asked, text, words)
        judgement = replace(judgement, word=named.get(judgement.kind) or _noun(judgement, asked))
        at = next((start for word, start, kind in found if kind is judgement.kind), 0)
        own = words.ours.any_in(text) and not words.others.any_in(text) \
            and (words.english or not owned(text[:at]))  # not "我们还有个分公司，它能报吗"
        return (replace(judgement, own=own),)


def _only_over(asked: list[tuple[str, OrgKind]], text: str) -> bool:
    """No listed type is named, and each kind named is a body the organisation is under ("我们是集团下面的")."""
    return not any(k.listed for _, k in asked) and any(_over(w, text) for w, _ in asked) \
        and all(k.parent or _over(w, text) for w, k in asked)


def _noun(judgement: Judgement, asked: list[tuple[str, OrgKind]]) -> str:
    """The name of the organisation judged: a listed type said as what it does ("集团的全资子公司，做检测的") is named
    by the other kind said of it (全资子公司), when no legal form names it."""
    if not judgement.word.startswith(_DOING) or judgement.form is not None:
        return judgement.word
    return next((w for w, k in reversed(asked) if k is not judgement.kind and not k.parent
                 and not w.startswith(_DOING)), judgement.word)


def _names(found: list[tuple[str, int, OrgKind]], words: KindWords) -> dict[OrgKind, str]:
    """Each kind coordinated in the message, its names joined ("个体户和合伙企业": one kind, "个体户、合伙企业")."""
    names: dict[OrgKind, list[str]] = {}
    for word, _, kind in found:
        if word not in names.setdefault(kind, []):
            names[kind].append(word)
    joiner = " / " if words.english else "、"
    return {kind: joiner.join(ws) for kind, ws in names.items()}


def slot_of(kind: OrgKind) -> str:
    """What a kind says of an organisation, so that a later word on the same replaces it ("分公司" → "子公司" are both
    its unit; "事业单位" → "民非" both its legal form): ``listed`` (one of the five types), ``legal`` (only whether it
    is a legal person), ``unit`` (a unit of a legal person or a legal person by definition: 分公司, 子公司),
    ``parent`` (the body it belongs to: 集团, 总公司), ``form`` (a legal form the notice does not name: 事业单位,
    民非), else the kind's key."""
    if kind.listed:
        return "listed"
    if kind.no_legal and kind.by_label:
        return "legal"
    if kind.parent:
        return "parent"  # "不过总公司在拉萨": the body it belongs to, not what it is
    if kind.no_legal or kind.legal_person:
        return "unit"
    return "form" if kind.unnamed else kind.key


def _named(words: KindWords, text: str) -> list[tuple[str, int, str]]:
    """The kinds' words in ``text``, but a measure word after a number ("8个人" is eight people, not 个人)."""
    return [f for f in words.index.found(text)
            if not (f[0].startswith(_MEASURES) and f[1] > 0 and text[f[1] - 1] in _NUMERALS)]


def _affirmed(found: list[tuple[str, int, OrgKind]], text: str, words: KindWords) -> list[tuple[str, int, OrgKind]]:
    """Without the kinds the organisation is said not to be ("不是分公司，是子公司", "是子公司不是分公司"), when
    another kind is named."""
    kept = [f for f in found if not words.denies(text[:f[1]])]
    return kept or found


def _current(found: list[tuple[str, int, OrgKind]], at: int) -> list[tuple[str, int, OrgKind]]:
    """The kinds named after the last change (``at``), when there are any: the others are what it was ("我是个体户，
    后来注册成有限公司了")."""
    after = [f for f in found if f[1] >= at]
    return after if at >= 0 and after else found


def _asked(found: list[tuple[str, int, OrgKind]], text: str, words: KindWords) -> list[tuple[str, int, OrgKind]]:
    """Without the units the organisation is said to have after it is named ("集团总部能报吗，我们下面有好几个子公司");
    a unit referred to after all ("新成立了一个子公司，做检测的，它能报吗") is what it asks about."""
    last = found[-1][1] + len(found[-1][0])
    if words.english or any(w in text[last:] for w in words.refers):
        return found
    asked = [f for f in found if not owned(text[:f[1]])]
    return asked or found


def _one(found: list[tuple[str, OrgKind]], text: str, words: KindWords) -> Judgement:
    """The organisation is the listed type named (the last one; in English the first), else the kind named
    last (first) that is not a parent of another ("子公司能报吗，需要集团同意吗" asks about the 子公司); the others
    describe it."""
    order = found if words.head_first else found[::-1]
    heads = (f for f in order if not f[1].parent and not _over(f[0], text))
    word, kind = next((f for f in order if f[1].listed),
                      next((f for f in heads if not f[1].describes), _head(order, text)))
    others = [k for _, k in found if k is not kind]
    legal = words.legal(text)
    if legal is None and any(k.legal_person for k in others):
        legal = True
    blocker = next((k for k in others if k.no_legal), None)  # not a 管委会: a company under it is a legal person
    if legal is False and (kind.listed or (blocker is None and kind.verdict != "cannot")):
        return Judgement(word, kind, "cannot", "legal_no")  # "律所…我们是个人所": the firm, not a 个人
    if blocker is not None:
        return Judgement(word, kind, "cannot", "blocked", blocker)
    if legal and kind.no_legal and words.changed_at(text) >= 0:
        return Judgement(word, kind, "depends", "became_legal")
    if legal and kind.if_legal and not kind.listed:
        return Judgement(word, kind, "depends", "legal_known")
    form = _form(found, word, text)
    if kind.listed and legal:
        return Judgement(word, kind, "can", "legal_yes", form=form)
    if kind.listed and others:
        return Judgement(word, kind, "depends", "legal_unknown", others[0], form=form)
    return Judgement(word, kind, kind.verdict)


def _head(order: list[tuple[str, OrgKind]], text: str) -> tuple[str, OrgKind]:
    """The organisation when only kinds that describe it or that it is under are named ("挂靠在协会下面的": 挂靠)."""
    return next((f for f in order if not f[1].parent and not _over(f[0], text)), order[0])


def _over(word: str, text: str) -> bool:
    """The kind called ``word`` is said to be what the organisation is under ("挂靠在协会下面的": 协会)."""
    at = text.find(word)
    return at >= 0 and text.startswith(_OVER, at + len(word))


def _form(found: list[tuple[str, OrgKind]], head: str, text: str) -> OrgKind | None:
    """The legal form, not named by the notice, that the organisation called ``head`` is said to have ("事业单位性质的
    研究所", "民非，做技术服务的"); not a body it is under ("基金会下面设立的研究院")."""
    at = text.find(head)
    for word, kind in found:
        if not (kind.unnamed and kind.if_legal):
            continue
        start = text.find(word)
        between = text[start + len(word):at] if start < at else text[at + len(head):start]
        if not _UNDER.search(between):
            return kind
    return None


def _compared(found: list[tuple[str, int, OrgKind]], text: str, words: KindWords) -> bool:
    """The message asks which of the kinds named can apply ("我们是事业单位，下面还有个子公司，哪个能报", "事业单位 民非
    子公司 分别能不能报"), each said in a clause of its own: not one kind describing the next ("集团下属子公司可以分别
    申报吗" asks about the subsidiaries)."""
    if not words.which.any_in(text):
        return False
    return all(_SEPARATED.search(text[a[1] + len(a[0]):b[1]]) or words.coordinators.equals(_between(text, a, b))
               for a, b in pairwise(found))


def _between(text: str, a: tuple[str, int, OrgKind], b: tuple[str, int, OrgKind]) -> str:
    return text[a[1] + len(a[0]):b[1]].strip()


def _wording(raw: dict[str, Any], path: str, verdict: str, advice: bool, listed: str) -> KindWording:
    """``kinds.<key>.en``: every text the Chinese kind has, in English."""
    path = f"{path}.en"
    en = as_map(raw.get("en"), FILE, path)
    return KindWording(label=text_of(en, "label", FILE, path, english=True),
                       reason=text_of(en, "reason", FILE, path, english=True),
                       if_legal=text_of(en, "if_legal", FILE, path, required=bool(raw.get("if_legal")), english=True),
                       depends_on=text_of(en, "depends_on", FILE, path, required=verdict == "depends", english=True),
                       advice=text_of(en, "advice", FILE, path, required=advice, english=True), listed=listed)


def _kind(key: str, raw: Any, types: dict[str, str], en_types: dict[str, str]) -> OrgKind:
    path = f"kinds.{key}"
    raw = as_map(raw, FILE, path)
    verdict = raw.get("verdict")
    if verdict not in VERDICTS:
        raise KnowledgeError(FILE, f"{path}.verdict", f"应为 {', '.join(VERDICTS)} 之一")
    listed = raw.get("type")
    if listed is not None and listed not in types:
        raise KnowledgeError(FILE, f"{path}.type", f"“{listed}”不是 indicators.yml 中 org_type 所列的五类之一")
    advice = text_of(raw, "advice", FILE, path, required=False)
    return OrgKind(key=key, label=text_of(raw, "label", FILE, path), words=words_of(raw.get("words"), FILE,
                   f"{path}.words"), verdict=verdict, reason=text_of(raw, "reason", FILE, path),
                   depends_on=text_of(raw, "depends_on", FILE, path, required=verdict == "depends"), advice=advice,
                   unnamed=flag_of(raw, "unnamed", FILE, path), listed=types.get(listed or "", ""),
                   legal_person=flag_of(raw, "legal_person", FILE, path), confirm=flag_of(raw, "confirm", FILE, path),
                   parent=flag_of(raw, "parent", FILE, path), describes=flag_of(raw, "describes", FILE, path),
                   no_legal=flag_of(raw, "no_legal", FILE, path),
                   if_legal=text_of(raw, "if_legal", FILE, path, required=False),
                   by_label=flag_of(raw, "by_label", FILE, path),
                   en=_wording(raw, path, verdict, bool(advice), en_types.get(listed or "", "")))


def _kind_words(data: dict[str, Any], english: bool) -> KindWords:
    """The words of one language: the Chinese ones at the top of the file and under each kind, the English ones
    under ``en`` at the top and under each kind (``kinds.<key>.en.words``)."""
    top = as_map(data.get("en"), FILE, "en") if english else data
    at = "en." if english else ""
    entries = {k: words_of(as_map(raw, FILE, f"kinds.{k}").get("en", {}).get("words") if english else raw.get("words"),
                           FILE, f"kinds.{k}.{at}words") for k, raw in data["kinds"].items()}
    legal = as_map(top.get("legal_person"), FILE, f"{at}legal_person")

    def phrases(value: Any, key: str) -> Phrases:
        return Phrases(words_of(value, FILE, f"{at}{key}"), english)

    head = top.get("head", "last")
    if head not in HEADS:
        raise KnowledgeError(FILE, f"{at}head", f"应为 {', '.join(HEADS)} 之一")
    index = word_index(entries, FILE, "kinds", english=english, suffix=f"{at}words")
    typos = () if english else (*_typos(top.get("typos")), *_not_kinds(top.get("not_kinds"), index))
    return KindWords(index=index,
                     affirm=phrases(legal.get("affirm"), "legal_person.affirm"),
                     deny=phrases(legal.get("deny"), "legal_person.deny"),
                     coordinators=phrases(top.get("coordinators"), "coordinators"),
                     ours=phrases(top.get("ours"), "ours"), alone=phrases(top.get("alone"), "alone"),
                     recommend=phrases(top.get("recommend_alone"), "recommend_alone"),
                     asked_of=phrases(top.get("asked_of"), "asked_of"),
                     what_now=phrases(top.get("what_now"), "what_now"),
                     why=phrases(top.get("why"), "why"), proof=phrases(top.get("proof"), "proof"),
                     which=phrases(top.get("which"), "which"), confirm=phrases(top.get("confirm"), "confirm"),
                     others=phrases(top.get("others"), "others"),
                     head_first=head == "first", english=english, typos=typos,
                     became=_optional(top, "became", at), refers=_optional(top, "refers", at),
                     denied=_optional(top, "denied", at))


def _optional(top: dict[str, Any], key: str, at: str) -> tuple[str, ...]:
    """A list of words that may be left out (longest first)."""
    found = words_of(top[key], FILE, f"{at}{key}") if key in top else ()
    return tuple(sorted(found, key=len, reverse=True))


def _typos(raw: Any) -> tuple[tuple[str, str], ...]:
    """``typos``: a misspelling → the right word, of the same length (offsets in the message stay right)."""
    typos = as_map(raw if raw is not None else {}, FILE, "typos")
    for wrong, right in typos.items():
        if not isinstance(wrong, str) or not isinstance(right, str) or len(wrong) != len(right) or wrong == right:
            raise KnowledgeError(FILE, f"typos.{wrong}", "错字与正确写法应为等长、不同的字符串")
    return tuple(typos.items())


def _not_kinds(raw: Any, index: Index) -> tuple[tuple[str, str], ...]:
    """``not_kinds``: words that hold a kind's word but name no kind ("平台资产" holds 台资), each read with that
    word blanked out (the same length: offsets stay right)."""
    pairs = []
    for i, phrase in enumerate(words_of(raw, FILE, "not_kinds") if raw is not None else ()):
        blanked = phrase
        for word, start, _ in index.found(phrase):
            blanked = blanked[:start] + " " * len(word) + blanked[start + len(word):]
        if blanked == phrase:
            raise KnowledgeError(FILE, f"not_kinds[{i}]", "不含任何单位类型的说法")
        pairs.append((phrase, blanked))
    return tuple(pairs)


def load_kinds(directory: Path, refs: set[str], types: dict[str, str], en_types: dict[str, str]) -> KindData:
    """org_kinds.yml of ``directory``; ``types``: the five listed types (org_type key → label), ``en_types``:
    their English names (english.yml org_types)."""
    data = as_map(read_yaml(directory / FILE), FILE, "-")
    clause = data.get("clause")
    if clause not in refs:
        raise KnowledgeError(FILE, "clause", f"条款“{clause}”不是 clauses.yml 中的标题")
    raw_kinds = as_map(data.get("kinds"), FILE, "kinds")
    kinds = {checked_key(k, FILE, f"kinds.{k}"): _kind(k, v, types, en_types) for k, v in raw_kinds.items()}
    return KindData(clause=str(clause), kinds=kinds, zh=_kind_words(data, english=False),
                    en=_kind_words(data, english=True))
