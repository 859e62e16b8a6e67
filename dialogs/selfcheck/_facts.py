"""Yes/no facts and the organisation type in what the user says, wherever they say it.

"我们是科研院所，独立法人，2018年成立的" gives three facts; "有专家库，项目库还在建" answers the expert-pool item
with 否 (it names two things, and only one is there); "对小微企业打八折", said to the management-system question,
is a fact about the fee discount, not an answer to the question asked. The words are data
(``knowledge/selfcheck_flow.yml``: each yes/no item's ``says`` and ``parts``, the vocabulary).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from dialogs.selfcheck._answers import Fact, read_bool, read_functions
from dialogs.selfcheck._flowmodel import FlowModel, Question, clean, squeezed
from knowledge import owned

__all__ = ["YesNo", "facts_in", "functions_in", "org_description", "parts_in", "read_yes_no"]

_SUBCLAUSE = re.compile(r"[，,。；;！!？?\n、]|但是|但|不过|而且|并且|可是|只是")
# "我们是一家建筑公司": a self-description naming a kind of organisation (个 before 人 is not a measure: 个人独资企业)
_SELF = re.compile(r"(?:我们|我司|本单位|我单位|咱们|我们单位|我们这|我这)?"
                   r"(?:是|属于|算是|就是|系|(?:注册|登记|改|转|变)(?:成(?!立)|为)(?:了)?)"
                   r"(?:一家|一个|个(?!人)|家)?"
                   r"(?P<kind>[\u4e00-\u9fffA-Za-z]{1,14}?(?:公司|企业|集团|单位|机构|中心|协会|商会|学会|事务所|研究所|研究院|"
                   r"院|所|站|合作社|平台|园区|基地|学校|大学|学院|医院|工作室|个体户|店|厂|办事处|分公司|子公司))")


_BARE = re.compile(r"(?:我们|我司|本单位|咱们)?(?:就)?(?:是)?"
                   r"(?P<kind>[\u4e00-\u9fffA-Za-z]{0,14}(?:公司|企业|集团|单位|协会|商会|事务所|合作社|工作室|个体户|店|厂|"
                   r"办事处|分公司))(?:吧|啊|呀|哈)?")
_NOT_A = re.compile(r"(?:不是|并非|不属于|并不是|而非)[\u4e00-\u9fff]{0,6}?"
                    r"(?:分公司|办事处|分支|代表处|内设|下属|科室|挂靠|分部|营业部)")
_SELF_WORDS = frozenset({"我们", "我司", "本单位", "我单位", "咱们", "我们单位"})
# what may follow the type's name in a self-description ("技术服务机构吧"), not "技术服务活动是3次"
_TYPE_REST = re.compile(r"(?:[\u4e00-\u9fff]{0,8}?(?:机构|单位|企业|公司|中心|平台|类别|类型|性质|范畴|类|一类|这一类|"
                        r"这类))?"
                        r"(?:的|吧|啊|呀|哈|呢)?")
_BUSINESS = re.compile(r"(?:我们|我司|本单位)?(?:主要|专门|就是)?(?:做|从事|搞|提供|开展)")
_YEARS_OF = re.compile(r"(?:[0-9]+|[一二三四五六七八九十两]+)(?:多)?年(?:多)?了?")
_STRUCTURE = re.compile(r"分公司|子公司|办事处|分支机构|代表处")
_NEGATED = re.compile(r"(?:不|并非|而非)(?:是|属于)")
_NEXT_FACT = re.compile(r"有|没有|没|具有|具备|想|打算|准备|成立|注册|资产|去年|今年|前年")
_SELF_MARK = re.compile(r"(?:是|属于|属|算是|算|系)")
# the item's own label before the value ("机构类型：科研院所", "单位类型为科研院所", "类别：中介")
_LABELLED = re.compile(r"(?:[\u4e00-\u9fff]{0,4}(?:类型|类别|性质))(?:为|是|属于|属|：|:)?\s*")
# voice-input fillers between two facts ("…技术服务机构嗯有独立法人资格然后成立是…")
_FILLER = re.compile(r"^(?:嗯|啊|呃|额|哦|那个|然后|就是|另外|还有|也|都|是|为|系)+")
# "我们前年成立的" / "今年3月刚注册的" before the type's name: when the organisation was founded, said of itself
_FOUNDED = re.compile(r"^(?:我们|我司|本单位|我单位|咱们|我们单位)?[^，,。给跟与和帮替对向为]{0,12}?"
                      r"(?:成立|注册|创办|创立|组建|设立|登记)(?:的|起来的)$")
# "主要提供技术服务和培训服务", "服务功能有信息、融资服务": the functions offered, said in passing. A verb of offering,
# then two or more function names joined by 、/和/及 ("提供技术服务" alone may say the type), or any after 服务功能
_OFFER = re.compile(r"(?P<verb>提供|开展|从事|主营|负责|承担|(?:服务)?功能(?:上)?|业务(?:上)?|做|搞)"
                    r"(?:了|的|着)?(?:有|是|包括|包含|涵盖|为|主要是|主要有|主要)?")
_FUNCTION_LIST = re.compile(r"(?:(?:信息|技术|创业|培训|融资)(?:服务)?(?:[、，,和及与跟\s]|以及|还有|等)*)+")
_DENIED_OFFER = re.compile(r"[不没未无]|暂时?$")
_STRONG_OFFER = re.compile(r"(?:服务)?功能")  # one function alone ("提供技术服务") may be the type: only as a function
_NOT_FUNCTION = re.compile(r"机构|中心|公司|企业|单位|平台|系统|网站|热线|类|这一|人员|活动|能力|资质|项目库|"
                           r"专家库|评价")
_LATIN = re.compile(r"[a-z]", re.IGNORECASE)
_DIGIT = re.compile(r"[0-9零一二两三四五六七八九十百]")
# "we are a", "our organisation is an", "as a": an English self-description before the type's name
_EN_SELF = re.compile(r"\b(?:we are|we're|i am from|i'm from|i work for|this is|our \w+ is|as)\b"
                      r"(?!.*\b(?:not|no|never|with|of|for|to|from|by|under|serving|serve|like)\b)(?!.*n't)"
                      r"[a-z ,-]{0,60}$")
_EN_ARTICLE = re.compile(r"(?:(?:yes|yeah|ok|okay),? )?(?:an? |the )?")
# "我们是给科研院所做配套的": a relation to the kind, not being it ("科技局下属的技术服务中心" is one)
_RELATION = re.compile(r"给|跟|与|和|帮|替|对|向|为|服务于|合作|配套|挂靠")
# "科研院所下属的检测中心": a unit under the kind named, not the kind itself
_UNDER = re.compile(r"下属|下面|下边|底下|下设|旗下|所属|隶属|内设|下辖|分支")


@dataclass(frozen=True)
class YesNo:
    """The reading of an answer to a yes/no item: ``value`` (None when the answer does not settle it),
    ``note`` (why 否, e.g. "项目库尚未具备"), ``missing`` (parts not mentioned while the others were affirmed),
    ``addressed`` (the answer speaks of this item at all)."""

    value: bool | None
    note: str = ""
    missing: tuple[str, ...] = ()
    addressed: bool = True


def subclauses(text: str) -> list[str]:
    return [c for c in (p.strip() for p in _SUBCLAUSE.split(text)) if c]


def polarity(model: FlowModel, clause: str, question: Question | None = None) -> bool:
    """A clause that mentions something: denied ("没有", "还在建", "不健全", or a word that denies the item:
    "分公司" for legal personality) or affirmed (anything else)."""
    if question is not None and _mentions(question.denies, clause):
        return _NOT_A.search(clause) is not None  # "我们不是分公司，是独立注册的法人"
    if model.word("sure", clause):  # "负责人也没问题"
        return True
    return model.word("denied", clause) is None


def _owned(question: Question, clause: str) -> bool:
    """The clause names a unit that denies the item as one the organisation has ("我们还有个分公司"), and
    nothing that states the item."""
    if _mentions(question.says, clause):
        return False
    found = [clause.find(w) for w in question.denies if w in clause]
    return bool(found) and all(owned(clause[:at]) for at in found)


def _mentions(words: Sequence[str], text: str) -> bool:
    return _any_of(tuple(words)).search(text) is not None


@functools.lru_cache(maxsize=1024)
def _any_of(words: tuple[str, ...]) -> re.Pattern[str]:
    """One regex for ``any(w in text for w in words)`` (none: it finds nothing)."""
    return re.compile("|".join(map(re.escape, words)) or "(?!)", re.IGNORECASE)


@functools.lru_cache(maxsize=64)
def _any_part(parts: tuple[tuple[str, ...], ...]) -> re.Pattern[str]:
    """One regex for any word of any part of an item ("专家库", "项目库", …): a piece names a part only if its
    clause does."""
    return _any_of(tuple(w for words in parts for w in words))


def read_yes_no(model: FlowModel, question: Question, clauses: Sequence[str], known: Collection[str] = (),
                bare: bool | None = None) -> YesNo:
    """The answer to ``question`` in the user's statement clauses. ``known``: the parts of the item affirmed in
    an earlier turn; ``bare``: the first clause is a bare 是 (True) or 否 (False), as the NLU read it."""
    parts = _parts(model, question, clauses, known)
    if parts is not None and parts.value is None and bare:
        return YesNo(True)  # "有，年度目标也有": the bare 有 answers the whole item, the rest says more of it
    if parts is not None:
        return parts
    stated = [c for c in clauses if _speaks_of(question, c)]
    if stated:  # "办公室有，设备基本没有": any of its things denied is 否
        return YesNo(all(polarity(model, c, question) for c in stated))
    if bare is not None:
        return YesNo(bare)
    if any(_speaks_of(q, c) for q in model.questions.values() if q.key != question.key for c in clauses) \
            or (question.key != "org_type" and _org_type(model, clauses) is not None):
        return YesNo(None, addressed=False)  # "对小微企业打八折" to the management-system item; "我们是中介机构"
    return YesNo(read_bool(model, clauses[0]) if clauses else None)


def _speaks_of(question: Question, clause: str) -> bool:
    """The clause is about that item: it states its fact, or names it next to a figure ("资产是150万")."""
    return question.states(clause) or _mentions(question.keywords, clause)


def _parts(model: FlowModel, question: Question, clauses: Sequence[str], known: Collection[str] = ()) -> YesNo | None:
    """Each thing the item names, by its words: 否 when one is denied, 是 when all are affirmed (or "都有"),
    None with the missing ones when some are affirmed and the others not mentioned."""
    if not question.parts or not any(_any_part(question.parts).search(c) for c in clauses):
        return None  # no part named (most answers: "120万"): every part unsaid
    pieces = [s for c in clauses for s in subclauses(c)]
    said: list[bool | None] = []
    for words in question.parts:
        at = next((i for i, p in enumerate(pieces) if _mentions(words, p)), None)
        said.append(None if at is None or _unsure(model, question, pieces, at) else polarity(model, pieces[at]))
    if all(s is None for s in said):
        return None
    if _said_whole(model, question, pieces, said):
        return YesNo(True)
    said = [True if s is None and words[0] in known else s for s, words in zip(said, question.parts, strict=True)]
    if False in said:
        denied = [question.parts[i][0] for i, s in enumerate(said) if s is False]
        return YesNo(False, note=f"{'、'.join(denied)}尚未具备")
    if model.word("all_parts", "".join(clauses)) or all(s is True for s in said):
        return YesNo(True)
    return YesNo(None, missing=tuple(question.parts[i][0] for i, s in enumerate(said) if s is None))


def _said_whole(model: FlowModel, question: Question, pieces: Sequence[str], said: Sequence[bool | None]) -> bool:
    """Only the heading was named, affirmed with the item's own predicate ("管理制度倒是健全的")."""
    if question.whole is None or said[0] is not True or any(s is not None for s in said[1:]):
        return False
    return any(question.whole.search(p) and polarity(model, p, question) for p in pieces)


def _unsure(model: FlowModel, question: Question, pieces: Sequence[str], at: int) -> bool:
    """The part named in ``pieces[at]`` is not settled: "还不好说" in it or in the piece after it that names no
    other part ("负责人去年刚换，还不好说")."""
    following = pieces[at + 1] if at + 1 < len(pieces) else ""
    named = any(_mentions(words, following) for words in question.parts)
    return model.word("unsure", pieces[at]) is not None or (not named and model.word("unsure", following) is not None)


def facts_in(model: FlowModel, clauses: Sequence[str], pending: str | None, allowed: Collection[str]) -> list[Fact]:
    """Yes/no facts stated in passing ("独立法人", "有固定场所") and the organisation type ("我们是科研院所"), for
    every item but the pending one (its answer is read by ``read_yes_no``)."""
    functions = model.functions_key
    offered = functions_in(model, "，".join(clauses)) if pending != functions and functions in allowed else None
    facts = [Fact(functions, offered, "，".join(clauses))] if offered is not None else []
    facts += _all_of(model, clauses, allowed)
    if not any(model.fact_words.search(squeezed(c)) or _bare_keyword(model, c) or _together(model, c) for c in clauses):
        return facts  # no word that states a fact: most answers ("是", "120万")
    for key in allowed:
        question = model.questions.get(key)
        if question is None or key == pending or question.type != "bool":
            continue
        clause = next((c for c in clauses if (question.states(c) or clean(c) in question.keywords)
                       and not _owned(question, c)), None)  # "科研院所 法人 8年": the item's name alone
        if clause is None:
            continue
        parts = _parts(model, question, clauses)
        if parts is None and model.word("unsure", clause):
            continue  # "不过财务状况一般": neither 是 nor 否
        value = polarity(model, clause, question) if parts is None else parts.value
        if value is not None:
            facts.append(Fact(key, value, clause, parts.note if parts else ""))
    org = _org_type(model, clauses) if pending != "org_type" and "org_type" in allowed else None
    return [*facts, org] if org is not None else facts


def _all_of(model: FlowModel, clauses: Sequence[str], allowed: Collection[str]) -> list[Fact]:
    """"员工二十五个，全是本科以上": a share said to be the whole, without a figure, is 100 %."""
    found: list[Fact] = []
    for key in allowed:
        question = model.questions.get(key)
        if question is None or not question.all_of:
            continue
        clause = next((c for c in clauses if _mentions(question.all_of, c) and _mentions(question.keywords, c)
                       and not _DIGIT.search(c) and model.word("denied", c) is None), None)
        if clause is not None:
            found.append(Fact(key, 100, clause, "您说的是全部人员，按100%计"))
    return found


def functions_in(model: FlowModel, text: str) -> list[str] | None:
    """The service functions the user says they offer ("主要提供技术服务和培训服务"), in the notice's order; None when
    none is said that way."""
    found: set[str] = set()
    for offer in _OFFER.finditer(text):
        listed = _FUNCTION_LIST.match(text, offer.end())
        if _DENIED_OFFER.search(text, max(0, offer.start() - 3), offer.start()):
            continue  # "我们不提供融资服务"
        if listed is None or "服务" not in listed.group() or _NOT_FUNCTION.match(text, listed.end()):
            continue
        keys = read_functions(model, listed.group())
        if len(keys) >= 2 or (keys and _STRONG_OFFER.match(offer.group("verb"))):
            found.update(keys)
    return [fn.key for fn in model.indicators.functions if fn.key in found] or None


def _together(model: FlowModel, clause: str) -> bool:
    """A fact said by two words apart ("小微企业一律免费") or by a short name and a predicate ("制度也健全")."""
    return any((q.together is not None and q.together.search(clause)) or (q.whole is not None and q.states(clause))
               for q in model.questions.values())


def _bare_keyword(model: FlowModel, clause: str) -> bool:
    """The clause is only the name of a yes/no item ("法人" in "科研院所 法人 8年 自测")."""
    text = clean(clause)
    return any(text in q.keywords for q in model.questions.values() if q.type == "bool")


def parts_in(model: FlowModel, clauses: Sequence[str], pending: str | None,
             allowed: Collection[str]) -> dict[str, list[str]]:
    """The parts of two-part items affirmed in passing while the others go unsaid ("我们负责人也没有任何不良记录":
    负责人 of 管理团队/负责人), by item; the item's question then asks only for the rest."""
    found: dict[str, list[str]] = {}
    for key in allowed:
        question = model.questions.get(key)
        if question is None or key == pending or not question.parts:
            continue
        parts = _parts(model, question, clauses)
        if parts is not None and parts.value is None and parts.missing:
            found[key] = [words[0] for words in question.parts if words[0] not in parts.missing]
    return found


def _org_type(model: FlowModel, clauses: Sequence[str]) -> Fact | None:
    """"我们是科研院所" / "属于技术服务机构" / "科研院所" alone: one of the five named as what the user is."""
    for clause in clauses:
        english = _english_type(model, clause)
        if english is not None:
            return Fact("org_type", english, clause)
        text = clean(clause)
        found = _choice_word(model, text)
        if found is None or found[0] == "other":
            continue
        at = text.index(found[1])
        prefix, rest = text[:at], text[at + len(found[1]):]
        if _UNDER.match(rest) or _UNDER.search(rest[:4]):
            continue
        rest_fits = _TYPE_REST.fullmatch(rest) or (_BUSINESS.match(prefix) and _YEARS_OF.fullmatch(rest)) \
            or _goes_on(model, rest)
        if (not prefix or prefix in _SELF_WORDS or _describes_self(prefix) or _LABELLED.fullmatch(prefix)) \
                and rest_fits:
            return Fact("org_type", found[0], clause)  # "搞技术服务十二年了"
    return None


def _english_type(model: FlowModel, clause: str) -> str | None:
    """"We are a research institute", "our company is a technology service provider", or the type alone."""
    text = " ".join(clause.lower().replace("’", "'").split()).strip(" .,;!")
    if _LATIN.search(text) is None:
        return None
    for key, words in model.org_type_synonyms.items():
        for word in sorted((w for w in words if _LATIN.search(w)), key=len, reverse=True):
            found = re.search(rf"\b{re.escape(word)}s?\b", text)
            if found and key != "other" and (_EN_SELF.search(text[:found.start()]) or
                                               _EN_ARTICLE.fullmatch(text[:found.start()])):
                return key
    return None


def _goes_on(model: FlowModel, rest: str) -> bool:
    """Said without punctuation, the type is followed by another fact ("我们是昌都的科研院所有独立法人成立八年了…")."""
    head = _TYPE_REST.match(rest)
    tail = rest[head.end():] if head else rest
    filler = _FILLER.match(tail)
    tail = tail[filler.end():] if filler else tail  # "研究院是独立法人", "…机构嗯有…"
    return bool(tail) and (model.fact_words.match(tail) is not None or _NEXT_FACT.match(tail) is not None)


def _describes_self(prefix: str) -> bool:
    """"我们是日喀则市一家" or "做线上双创服务的" before the type's name: the user says what they are."""
    if _FOUNDED.match(prefix):
        return True
    mark = _SELF_MARK.search(prefix) or _BUSINESS.match(prefix)
    return mark is not None and len(prefix) - mark.end() <= 12 and not _RELATION.search(prefix[mark.end():])


def _choice_word(model: FlowModel, text: str) -> tuple[str, str] | None:
    question = model.questions["org_type"]
    best: tuple[str, str] | None = None
    for key, label in question.choices.items():
        for word in (label, *model.org_type_synonyms.get(key, ())):
            if _LATIN.search(word) is None and word in text and (best is None or len(word) > len(best[1])):
                best = (key, word)
    return best


def org_description(text: str, *, answering: bool = False) -> str | None:
    """The kind of organisation a self-description names ("我们是一家建筑公司" → "建筑公司"), if any; ``answering``
    the type question, a bare description will do ("做贸易的公司")."""
    cleaned = clean(text)
    match = _SELF.search(cleaned)
    if match and _STRUCTURE.search(match.group("kind")) is None and not _NEGATED.search(cleaned, 0, match.end()):
        return match.group("kind")  # not "不是分公司": that is said of legal personality, not of the type
    bare = _BARE.fullmatch(cleaned) if answering else None
    return bare.group("kind") if bare else None
