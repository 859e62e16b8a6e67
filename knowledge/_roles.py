"""Who the user speaks for (roles.yml): the recommending bodies of 三、申请材料（一）, bodies that are not, and
applicants; how a message tells that the user speaks for a body rather than of it. A message is read with the
words of its language (``lang``: ``zh`` or ``en``); each body's English words and wording are next to the Chinese
ones (``en:``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from knowledge._kb import english_template
from knowledge._memo import per_text
from knowledge._words import (
    ENGLISH_SEPARATORS,
    SEPARATORS,
    Index,
    Phrases,
    as_map,
    checked_key,
    clause_around,
    flag_of,
    text_of,
    word_index,
    words_of,
)
from knowledge.errors import KnowledgeError

FILE = "roles.yml"


@dataclass(frozen=True)
class RoleWording:
    """A body's English wording (``roles.<key>.en``): its name, how the answer calls it when the user speaks for
    it ("your bureau"), the hint and caveat."""

    name: str = ""
    you: str = ""
    hint: str = ""
    caveat: str = ""


@dataclass(frozen=True)
class Role:
    """A body the user may speak for. A recommender named with one of ``lower_words`` (县, 市级…) is its
    ``lower_role`` instead, which is not a recommender."""

    key: str
    name: str
    you: str
    words: tuple[str, ...]
    recommender: bool
    applicant: bool = False
    receiver: bool = False  # the body recommendations are sent to (named as where to send, never the asker)
    stated_only: bool = False  # found only when the user speaks for it ("我们是推荐单位"; not "推荐单位是谁")
    lower_role: str = ""
    lower_words: tuple[str, ...] = ()
    upper_words: tuple[str, ...] = ()  # its own level ("国家级" of a park), said in a clause of its own
    caveat: str = ""
    hint: str = ""
    en: RoleWording = RoleWording()


@dataclass(frozen=True)
class RoleAnswer:
    """The templates that answer ``intent`` for a recommending body and for another body (``""``: as usual);
    ``mention``: a body asked about is answered for too."""

    intent: str
    recommender: str
    other: str
    sources: tuple[str, ...]
    mention: bool = False
    step: int = 0  # the step of the recommending body's work the answer is about (0: the whole work)


@dataclass(frozen=True)
class RoleAsk:
    """A question on the recommendation the general answer does not answer (roles.yml ``asks``), asked with one
    of its words: answered as ``intent`` usually is ("推荐截止是哪天"), or for a recommending body (and for a user
    who said nothing of whom they speak for, when ``anyone``) with ``recommender`` or as step ``step`` of its work
    ("推荐了以后呢": the review after the last)."""

    key: str
    words: Phrases
    en: Phrases
    intent: str = ""
    recommender: str = ""
    anyone: bool = False
    sources: tuple[str, ...] = ()
    step: int = 0  # the step of the work the answer is about; without a template, answered as that step

    def said(self, text: str, lang: str = "zh") -> bool:
        return (self.en if lang == "en" else self.words).any_in(text)


@dataclass(frozen=True)
class RoleFound:
    """A body named in a message; ``stated``: the user says they speak for it ("我们是拉萨市经信局"); ``via``:
    named as the one to go through ("找经信局推荐")."""

    role: Role
    word: str
    stated: bool
    via: bool = False


@dataclass(frozen=True)
class Cues:
    """The words around a body's name that tell who speaks (see roles.yml)."""

    self_words: Phrases
    via_words: Phrases
    self_after: Phrases
    place_after: Phrases
    lower_except: Phrases
    lower_until: Phrases  # a level word after these is of what the body speaks of ("要推荐一家县里的平台")
    contrast_words: Phrases  # before the body: the user sets themselves against it ("我们自己填还是经信局填")
    other_self: Phrases  # after a body opening the message: the user says what they are ("拉萨经开区 我们是一家公司")


@dataclass(frozen=True)
class StepWords:
    """How a message speaks of a recommending body's own work (roles.yml ``steps``): each step's words, in the
    order of process.yml recommendation.steps; words of the approval process as a whole (``not_steps``); of a
    seal; of the enterprises of the asker's area; of recommending."""

    steps: tuple[Phrases, ...]
    form: int  # the step of the recommendation form (1-based)
    not_steps: Phrases
    seal: Phrases
    area: Phrases
    area_asks: Phrases
    recommending: Phrases
    not_recommending: Phrases
    can_recommend: Phrases  # "能推荐吗", "是不是推荐单位": asks whether the asker may recommend
    introduces: Phrases  # "我们是": the asker says what they are

    def named(self, text: str) -> int:
        """The last step of the work the message names (1-based; "推荐表和申请材料报给谁" → 4), 0 for none."""
        return max((n for n, words in enumerate(self.steps, 1) if words.any_in(text)), default=0)

    def of_process(self, text: str) -> bool:
        return self.not_steps.any_in(text)

    def asks_seal(self, text: str) -> bool:
        return self.seal.any_in(text)

    def of_area(self, text: str) -> bool:
        return self.area.any_in(text)

    def asks_for_area(self, text: str) -> bool:
        """How the enterprises of the asker's area go about it ("那园区企业要报怎么办", "辖区企业找谁")."""
        return self.area.any_in(text) and self.area_asks.any_in(text)

    def recommends(self, text: str) -> bool:
        """The user speaks of recommending ("我们街道想推荐一家企业"), not of being recommended or of the form."""
        return self.recommending.any_in(self.not_recommending.removed_from(text))


@dataclass(frozen=True)
class RoleWords:
    """The words a message of one language is read with: the bodies' names, the cues, and each recommender's
    words for a lower level (``lower``: role key → words)."""

    index: Index
    cues: Cues
    lower: dict[str, Phrases]
    separators: str
    steps: StepWords
    level_fillers: Phrases  # what a clause that only says a level may say besides (none in English)


@dataclass(frozen=True)
class RoleData:
    roles: dict[str, Role]
    answers: dict[str, RoleAnswer]
    zh: RoleWords
    en: RoleWords
    unlisted: str  # the body answered for when the asker names none of this file's (steps.unlisted)
    asks: tuple[RoleAsk, ...] = ()

    def asked(self, text: str, lang: str = "zh") -> RoleAsk | None:
        """The question on the recommendation ``text`` asks that has an answer of its own (the first of ``asks``)."""
        return next((ask for ask in self.asks if ask.said(text, lang)), None)

    def steps(self, lang: str = "zh") -> StepWords:
        return (self.en if lang == "en" else self.zh).steps

    def unlisted_body(self, text: str, lang: str = "zh") -> RoleFound | None:
        """A body the notice does not list speaking for itself ("我们是银行 能推荐客户吗", "我们是镇上的，能推荐吗"):
        the user says what they are and asks whether they may recommend; the caller has found none of the bodies
        named. Not "我们能推荐吗" alone: that may be a recommender that has not said so."""
        steps = (self.en if lang == "en" else self.zh).steps
        if not (steps.introduces.any_in(text) and steps.can_recommend.any_in(text)):
            return None
        return RoleFound(self.roles[self.unlisted], "", stated=True)

    def level_said(self, clause: str, key: str, lang: str = "zh") -> Role | None:
        """The body of ``key`` (a recommender or its lower level) at the level a clause that says only a level
        gives ("是市级的" after a park: a park below autonomous-region level; "我们是国家级的": the park
        committee); None when the clause says more, or no level of it (or is English)."""
        top = next((r for r in self.roles.values() if r.recommender and r.lower_role and key in (r.key, r.lower_role)),
                   None)
        words = self.en if lang == "en" else self.zh
        if top is None or not words.level_fillers.words:
            return None
        levels = ((self.roles[top.key], Phrases(top.upper_words)), (self.roles[top.lower_role], words.lower[top.key]))
        rest = words.cues.lower_except.removed_from(clause)
        for role, level in levels:
            residue = words.level_fillers.removed_from(level.removed_from(rest))
            if level.any_in(rest) and not residue.strip(SEPARATORS + "？?"):
                return role
        return None

    @per_text
    def find(self, text: str, lang: str = "zh") -> RoleFound | None:
        """The body named in ``text`` (its lower-level counterpart when so qualified): the first the user speaks
        for ("我们是拉萨市经信局，县经信局报上来的平台怎么处理"), else the longest named; None when that name is only
        where the user is ("高新区的企业")."""
        words = self.en if lang == "en" else self.zh
        for word, start, key in words.index.found(text):
            found = self._found_at(text, word, start, key, words)
            if found is not None and found.stated:
                return found
        longest = words.index.longest(text)
        return None if longest is None else self._found_at(text, *longest, words)

    def _found_at(self, text: str, word: str, start: int, key: str, words: RoleWords) -> RoleFound | None:
        after, cues = text[start + len(word):], words.cues
        if cues.place_after.starts(after.lstrip()):  # "高新区 企业能报吗": voice input, a space before it
            return None
        before, rest = clause_around(text, start, start + len(word), words.separators)
        rest = cues.lower_until.cut_at(rest)
        role = self.roles[key]
        lower = words.lower.get(key)
        around = cues.lower_except.removed_from(f"{before}{word}{rest}")  # "区级园区管委会": 区级 is 自治区级
        if role.lower_role and lower is not None and lower.any_in(around):
            role = self.roles[role.lower_role]
        elif role.lower_role:  # "我们是园区管委会，不过是市里批的": the level in a clause of its own after it
            role = self._level_after(text, start + len(word) + len(rest), role, words) or role
        # "我在…经信局工作", "那曲市工信局这边", or the message opens with the body's name ("山南市工信局，我们…",
        # "…管委会想推荐")
        opening = _OPENING_EN if words.separators == ENGLISH_SEPARATORS else _OPENING  # (see below)
        opens = start <= MAX_PLACE and (opening.match(after) or _WANTS.match(after)) is not None \
            and not cues.via_words.any_in(text[:start]) and not cues.other_self.any_in(after)
        says_self = cues.self_after.starts(after) or opens
        english = words.separators == ENGLISH_SEPARATORS  # "I'm with the …", "I work in the …": the speaker's
        via = cues.via_words.any_in(cues.self_words.removed_from(before) if english else before) and not says_self
        own = cues.self_words.any_in(before) and not via and not cues.contrast_words.any_in(before)
        if role.stated_only and not (says_self or own):
            return None
        return RoleFound(role, word, says_self or own, via)


    def _level_after(self, text: str, end: int, role: Role, words: RoleWords) -> Role | None:
        lang = "en" if words is self.en else "zh"
        clauses = re.split(f"[{re.escape(words.separators)}]", text[end:])
        return next((r for r in (self.level_said(c, role.key, lang) for c in clauses if c.strip()) if r), None)


MAX_PLACE = 8  # characters of place name before a body that opens a message ("山南市", "拉萨经济技术开发区" is a word)
# the name is followed by a mark, a space (voice input: "拉萨市经信局 推荐咋弄"), "的" ("山南市经信局的，想问…")
# or nothing (the whole message is the name: "日喀则经信局")
_OPENING = re.compile(r"的?(?:\s*[，,：:。！!；;]|\s+|$)")
# English words are spaced: a mark ends the name, or "here", after the place it is of ("The EIT bureau of Nyingchi
# here.")
_OPENING_EN = re.compile(r"(?:\s+of\s+[A-Za-z'-]+(?:\s+(?:city|prefecture|county))?)?\s*(?:[，,：:。！!.]|here\b)",
                         re.IGNORECASE)
_WANTS = re.compile(r"\s*(?:想|打算|准备|计划|希望|拟)")  # "曲水县工业园区管委会想推荐园区里的企业": the body speaks


def _role(key: str, raw: Any) -> Role:
    path = f"roles.{key}"
    raw = as_map(raw, FILE, path)
    recommender = flag_of(raw, "recommender", FILE, path)
    lower_role = text_of(raw, "lower_role", FILE, path, required=False)
    caveat = text_of(raw, "caveat", FILE, path, required=False)
    hint = text_of(raw, "hint", FILE, path, required=not recommender and not raw.get("applicant"))
    en = as_map(raw.get("en"), FILE, f"{path}.en")

    def english(name: str, required: bool = True) -> str:
        return text_of(en, name, FILE, f"{path}.en", required=required, english=True)

    return Role(key=key, name=text_of(raw, "name", FILE, path), you=text_of(raw, "you", FILE, path),
                words=words_of(raw.get("words"), FILE, f"{path}.words"), recommender=recommender,
                applicant=flag_of(raw, "applicant", FILE, path), receiver=flag_of(raw, "receiver", FILE, path),
                stated_only=flag_of(raw, "stated_only", FILE, path),
                lower_role=lower_role,
                lower_words=words_of(raw.get("lower_words"), FILE, f"{path}.lower_words") if lower_role else (),
                upper_words=words_of(raw["upper_words"], FILE, f"{path}.upper_words") if "upper_words" in raw else (),
                caveat=caveat, hint=hint,
                en=RoleWording(name=english("name"), you=english("you"), hint=english("hint", bool(hint)),
                               caveat=english("caveat", bool(caveat))))


def _check_roles(raw: dict[str, Any], roles: dict[str, Role], recommenders: tuple[str, ...]) -> None:
    """Each recommender names a body of the notice (every one of them) and a lower role that is not one."""
    named = []
    for key, role in roles.items():
        if not role.recommender or role.stated_only:  # (a recommender that has not said which: no notice name)
            continue
        notice_name = text_of(raw[key], "notice_name", FILE, f"roles.{key}")
        if notice_name not in recommenders:
            raise KnowledgeError(FILE, f"roles.{key}.notice_name", "不是 clauses.yml document.recommenders 中的单位")
        named.append(notice_name)
        lower = roles.get(role.lower_role)
        if role.lower_role and (lower is None or lower.recommender):
            raise KnowledgeError(FILE, f"roles.{key}.lower_role", f"“{role.lower_role}”不是本文件中的非推荐单位")
    for name in recommenders:
        if name not in named:
            raise KnowledgeError(FILE, "roles", f"缺少推荐单位“{name}”")


def _role_answer(intent: str, raw: Any, refs: set[str], templates: set[str], steps: int) -> RoleAnswer:
    path = f"answers.{intent}"
    raw = as_map(raw, FILE, path)
    names = {}
    for part in ("recommender", "other"):
        names[part] = text_of(raw, part, FILE, path, required=False)
        for template in (names[part], english_template(names[part])) if names[part] else ():
            if f"{template}.j2" not in templates:
                raise KnowledgeError(FILE, f"{path}.{part}", f"模板 templates/{template}.j2 不存在")
    sources = words_of(raw.get("sources"), FILE, f"{path}.sources")
    for i, ref in enumerate(sources):
        if ref not in refs:
            raise KnowledgeError(FILE, f"{path}.sources[{i}]", f"条款“{ref}”不是 clauses.yml 中的标题")
    step = raw.get("step", 0)
    if not isinstance(step, int) or isinstance(step, bool) or not 0 <= step <= steps:
        raise KnowledgeError(FILE, f"{path}.step", f"应为 0 至 {steps} 之间的整数（回答的是推荐工作的第几步）")
    return RoleAnswer(intent=intent, recommender=names["recommender"], other=names["other"], sources=sources,
                      mention=flag_of(raw, "mention", FILE, path), step=step)


def _role_words(data: dict[str, Any], raw_roles: dict[str, Any], roles: dict[str, Role], english: bool,
                steps: int) -> RoleWords:
    """The words of one language: the Chinese ones at the top of the file and under each body, the English ones
    under ``en`` at the top and under each body (``roles.<key>.en.words``, ``….en.lower_words``)."""
    top = as_map(data.get("en"), FILE, "en") if english else data
    at = "en." if english else ""

    def phrases(value: Any, key: str, required: bool = True) -> Phrases:
        return Phrases(words_of(value, FILE, key) if required or value is not None else (), english)

    def own(key: str) -> dict[str, Any]:
        return as_map(raw_roles[key].get("en"), FILE, f"roles.{key}.en") if english else raw_roles[key]

    cues = Cues(**{name: phrases(top.get(name), f"{at}{name}",
                                 required=not english or name not in ("lower_except", "other_self"))
                   for name in ("self_words", "via_words", "self_after", "place_after", "lower_except",
                                "lower_until", "contrast_words", "other_self")})
    entries = {key: words_of(own(key).get("words"), FILE, f"roles.{key}.{at}words") for key in roles}
    lower = {key: phrases(own(key).get("lower_words"), f"roles.{key}.{at}lower_words")
             for key, role in roles.items() if role.lower_role}
    return RoleWords(index=word_index(entries, FILE, "roles", english=english, suffix=f"{at}words"), cues=cues,
                     lower=lower, separators=ENGLISH_SEPARATORS if english else SEPARATORS,
                     steps=_step_words(data, english, steps),
                     level_fillers=phrases(None if english else data.get("level_fillers"), "level_fillers", False))


def _step_words(data: dict[str, Any], english: bool, count: int) -> StepWords:
    """``steps`` (``steps.en`` in English): one list of words for each of the ``count`` steps of the work."""
    raw = as_map(data.get("steps"), FILE, "steps")
    at = "steps.en" if english else "steps"
    top = as_map(raw.get("en"), FILE, at) if english else raw
    lists = top.get("words")
    if not isinstance(lists, list) or len(lists) != count:
        raise KnowledgeError(FILE, f"{at}.words", f"应为 {count} 个列表，与 process.yml recommendation.steps 一一对应")

    def phrases(value: Any, key: str) -> Phrases:
        return Phrases(words_of(value, FILE, f"{at}.{key}"), english)

    form = raw.get("form")
    if not isinstance(form, int) or isinstance(form, bool) or not 0 < form <= count:
        raise KnowledgeError(FILE, "steps.form", f"应为 1 至 {count} 之间的整数（填写推荐表是第几步）")
    return StepWords(steps=tuple(phrases(words, f"words[{i}]") for i, words in enumerate(lists)), form=form,
                     **{name: phrases(top.get(name), name)
                        for name in ("not_steps", "seal", "area", "area_asks", "recommending", "not_recommending",
                                  "can_recommend", "introduces")})


def _ask(key: str, raw: Any, refs: set[str], templates: set[str], intents: set[str], steps: int) -> RoleAsk:
    path = f"asks.{key}"
    raw = as_map(raw, FILE, path)
    intent = text_of(raw, "intent", FILE, path, required=False)
    step = raw.get("step", 0)
    if not isinstance(step, int) or isinstance(step, bool) or not 0 <= step <= steps + 1:
        raise KnowledgeError(FILE, f"{path}.step", f"应为 0 至 {steps + 1} 之间的整数（推荐工作的第几步）")
    template = text_of(raw, "recommender", FILE, path, required=not intent and not step)
    if intent and intent not in intents:
        raise KnowledgeError(FILE, f"{path}.intent", f"“{intent}”不是 intents.yml 中的意图")
    for name in (template, english_template(template)) if template else ():
        if f"{name}.j2" not in templates:
            raise KnowledgeError(FILE, f"{path}.recommender", f"模板 templates/{name}.j2 不存在")
    sources = words_of(raw.get("sources"), FILE, f"{path}.sources") if template else ()
    for i, ref in enumerate(sources):
        if ref not in refs:
            raise KnowledgeError(FILE, f"{path}.sources[{i}]", f"条款“{ref}”不是 clauses.yml 中的标题")
    en = as_map(raw.get("en"), FILE, f"{path}.en")
    return RoleAsk(key=key, words=Phrases(words_of(raw.get("words"), FILE, f"{path}.words")),
                   en=Phrases(words_of(en.get("words"), FILE, f"{path}.en.words"), True), intent=intent,
                   recommender=template, anyone=flag_of(raw, "anyone", FILE, path), sources=sources, step=step)


def load_roles(data: Any, refs: set[str], recommenders: tuple[str, ...], templates: set[str],
               answered: set[str], steps: int, intents: set[str] | None = None) -> RoleData:
    """roles.yml (``data``), checked against the clauses, the notice's recommenders, the templates, the
    intents that have answers, the number of steps of the recommending bodies' work (``steps``) and the intents
    an ask may be answered as (``intents``; default: those that have answers)."""
    data = as_map(data, FILE, "-")
    raw_roles = as_map(data.get("roles"), FILE, "roles")
    roles = {checked_key(k, FILE, f"roles.{k}"): _role(k, v) for k, v in raw_roles.items()}
    _check_roles(raw_roles, roles, recommenders)
    answers = {}
    for intent, raw in as_map(data.get("answers"), FILE, "answers").items():
        if intent not in answered:
            raise KnowledgeError(FILE, f"answers.{intent}", "不是 answers.yml 中有回答的意图")
        answers[str(intent)] = _role_answer(str(intent), raw, refs, templates, steps)
    unlisted = text_of(as_map(data.get("steps"), FILE, "steps"), "unlisted", FILE, "steps")
    if unlisted not in roles or roles[unlisted].recommender or roles[unlisted].applicant:
        raise KnowledgeError(FILE, "steps.unlisted", f"“{unlisted}”不是本文件中的非推荐单位")
    asks = tuple(_ask(str(key), raw, refs, templates, answered if intents is None else intents, steps)
                 for key, raw in as_map(data.get("asks", {}), FILE, "asks").items())
    return RoleData(roles=roles, answers=answers, zh=_role_words(data, raw_roles, roles, english=False, steps=steps),
                    en=_role_words(data, raw_roles, roles, english=True, steps=steps), unlisted=unlisted, asks=asks)
