"""Dialogue acts: one message, read together with a small frozen context (the item being asked, its value type,
the last topic), becomes a tuple of acts — questions about the rules, claims of the user's own values,
corrections, denials, commands. Pure functions over frozen results; the vocabulary is data (``nlu/acts.yml``).

A message with several questions ("申报要几年、多少资产") is cut into clauses and each question is parsed on its
own; a message with one question costs no second parse. Follow-ups ("那培训服务呢", "这个要几份", "之后呢") are
resolved against the context's topic. The NLU decides what was said, never what to reply.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

from knowledge._memo import remember
from nlu._actdata import ActVocabulary, Topic, vocabulary
from nlu._normalize import normalize
from nlu._types import FALLBACK_INTENT, Entity, ParseResult

__all__ = ["Act", "ActKind", "DialogueContext", "Understanding", "figure_intents", "understand"]

ActKind = Literal["question", "claim", "correction", "negation", "command"]
Parser = Callable[[str], ParseResult]
PART_CONFIDENCE = 0.45  # a clause parsed alone must be at least this sure to stand as a question of its own
FOLLOWUP_CONFIDENCE = 0.5
CROSS_TOPIC_CONFIDENCE = 0.85  # a follow-up read into another family of questions must be this sure
SIBLING_CONFIDENCE = 0.3  # "那地市认定呢" after the aggregation: another subject of the same family, even unsure
_OVERVIEW = "_overview"  # the intent of a whole family ("申请材料"): a question that names no subject of its own
_PARTICLES = frozenset("吗呢么嘛")  # a question's last word, before another question or at the end
RUN_ON_CONFIDENCE = 0.9  # each half of a question cut where no word marks the cut must be this sure
ALONE_CONFIDENCE = 0.6  # a question after statements, read alone, replaces the whole message's reading
MAX_SUBJECT = 12  # characters before a conjunction that can be a subject of its own ("培训服务和…")
FIGURE_FAMILIES = frozenset({"conditions", "functions"})  # topics a bare figure is judged against


def figure_intents() -> frozenset[str]:
    """The questions whose answers judge the user's figures: the conditions and the functions."""
    return frozenset(i for t in vocabulary().topics if t.name in FIGURE_FAMILIES for i in t.intents)


@dataclass(frozen=True)
class DialogueContext:
    """What the dialogue tells the NLU about the moment: the self-check item being asked and its value type
    (``bool``, ``enum``, ``number``, ``integer``, ``percent``, ``functions``), and the intent of the last
    question answered (the topic a follow-up refers to)."""

    asking: str | None = None
    value_type: str | None = None
    topic: str | None = None


@dataclass(frozen=True)
class Act:
    """One thing the user did in a clause (``text`` in normal form: simplified, half-width, lower-case, at the
    offsets of the message). ``question``: ``intent`` is the rule asked about (``about_rule`` when
    it asks what the rule means: its figures restating a threshold are the rule's). ``claim``: the user's own
    values (``entities``; ``polarity`` for a bare yes/no). ``correction``: ``entities`` keep the right values,
    ``rejected`` those said to be wrong. ``negation``: a bare no. ``command``: a slash command (``intent``)."""

    kind: ActKind
    text: str
    start: int
    intent: str | None = None
    confidence: float = 0.0
    entities: tuple[Entity, ...] = ()
    rejected: tuple[Entity, ...] = ()
    polarity: bool | None = None
    about_rule: bool = False
    resolved: str = ""  # a follow-up: how it was read ("那培训服务呢" → "培训服务有什么要求")
    subject: str = ""  # the step or item the question asks something of ("第三个要盖章吗": the third material)
    own: bool = False  # the clause speaks of the user's own case ("我们才1年半", "服务人员9个人够吗")
    meaning: bool = False  # asks what the rule means ("意思是至少6个人吗"): its figures are all the rule's
    states_rule: bool = False  # a statement of the rule ("技术服务3次活动的要求")
    asks_verdict: bool = False  # asks whether the user's case meets the conditions ("请问符合条件吗")


@dataclass(frozen=True)
class Understanding:
    """The acts of one message, in the order said, and the parse of the whole message."""

    text: str
    parsed: ParseResult
    acts: tuple[Act, ...]
    rule_said: tuple[Entity, ...] = ()  # figures said with a rule word, before the user's own case

    @property
    def questions(self) -> tuple[Act, ...]:
        return tuple(a for a in self.acts if a.kind == "question")

    @property
    def commands(self) -> tuple[Act, ...]:
        return tuple(a for a in self.acts if a.kind == "command")

    @property
    def statements(self) -> tuple[Act, ...]:
        """Claims, corrections and denials: what the user says of their own organisation."""
        return tuple(a for a in self.acts if a.kind in ("claim", "correction", "negation"))

    @property
    def rejected(self) -> tuple[Entity, ...]:
        return tuple(e for a in self.acts for e in a.rejected)

    @property
    def own_entities(self) -> tuple[Entity, ...]:
        """The user's own figures: every entity of the message but the rejected ones and the rule's figures of a
        question about the rule."""
        return tuple(e for a in self.acts for e in a.entities)

    def rule_figures(self) -> tuple[Entity, ...]:
        """Figures that may be the notice's own: in a message asking about the rule, those of clauses that do not
        speak of the user's case ("运营要满2年吧？我们才1年半": 2年 is the rule's, 1年半 the user's); when the
        question asks what the rule means and nothing is said of the user's case, every figure."""
        said_with_rule = self.rule_said
        if not any(a.about_rule for a in self.questions):  # "…3次活动的要求，我们做了4次", "运营要满2年吧？我们才…"
            return tuple(e for a in self.acts if a.states_rule for e in a.entities) + said_with_rule
        return tuple(e for a in self.acts if not a.own for e in a.entities) + said_with_rule

    def stated_rule(self) -> tuple[Entity, ...]:
        """Figures of statements about the rule ("技术服务3次活动的要求"): the notice's, never judged."""
        return tuple(e for a in self.statements if a.states_rule for e in a.entities)

    @property
    def explains_rule(self) -> bool:
        return any(a.meaning for a in self.questions) and not any(a.own for a in self.acts)

    def said_figures(self) -> tuple[Entity, ...]:
        """The figures of the user's statements (not those of a statement of the rule)."""
        return tuple(e for a in self.statements if not a.states_rule for e in a.entities)

    def statement_text(self) -> str:
        return "，".join(a.text for a in self.statements)


@dataclass(frozen=True)
class _Clause:
    text: str
    start: int
    sentence: int
    question: bool
    listed: bool = False  # the clause is (part of) an item of a numbered list


def understand(text: str, context: DialogueContext, parsed: ParseResult, parse: Parser) -> Understanding:
    """The acts of ``text``; ``parsed`` is the whole message's parse (reused when there is one question),
    ``parse`` reads a clause on its own."""
    vocab = vocabulary()
    if parsed.engine == "command":
        act = Act("command", text, 0, parsed.intent, parsed.confidence)
        return Understanding(text, parsed, (act,))
    original, text = text, normalize(text)  # 滿意度 reads as 满意度; the same length keeps the offsets
    parsed = _past_courtesy(text, parsed, parse, vocab)
    clauses = _clauses(text, vocab)
    acts: list[Act] = []
    requests = [vocab.request(c.text) for c in clauses]
    clauses = [replace(c, question=False) if c.question and request else c for c, request in zip(clauses, requests,
                                                                                                  strict=True)]
    for clause, request in zip(clauses, requests, strict=True):  # "…成立八年了想测一下能不能报": a request, with
        if clause.question:  # the facts said before it
            continue
        entities = tuple(e for e in parsed.entities if clause.start <= e.start < clause.start + len(clause.text))
        acts.append(_statement(clause, entities, vocab))
        if request is not None:  # "我们是分公司，想测一下": a fact and a command
            acts.append(Act("command", clause.text, clause.start, request, 1.0))
    acts += [_marked(a, vocab) for a in _question_acts(text, clauses, parsed, parse, context, vocab)]
    implied = _implied_question(acts, parsed, context, vocab)
    if implied is not None:
        acts.append(implied)
    acts.sort(key=lambda a: a.start)  # stable: a clause's statement before its command
    acts = _with_rule_units(_retracted(acts, vocab))
    rule_said = tuple(e for c in clauses for e in parsed.entities if c.start <= e.start < c.start + len(c.text)
                      and vocab.rule_part(c.text, e.start - c.start, e.end - c.start, asked=c.question))
    return Understanding(original, parsed, tuple(acts), rule_said)


def _past_courtesy(text: str, parsed: ParseResult, parse: Parser, vocab: ActVocabulary) -> ParseResult:
    """"你好，想咨询一下能不能申报", "谢谢，那分公司呢": a greeting or thanks said before a question does not make
    the message a greeting; the message is read without it (blanked, so that the offsets stay)."""
    if parsed.intent not in vocab.courtesy_intents:
        return parsed
    start = vocab.past_courtesy(text)
    said = vocab.plain(text[start:]) if start else ""  # "你好，想咨询一下能不能申报": the courtesies of a question too
    if not said or not text.endswith(said):
        return parsed
    rest = parse(" " * (len(text) - len(said)) + said)
    if rest.intent == FALLBACK_INTENT or rest.intent in vocab.courtesy_intents:
        return parsed
    return replace(rest, text=parsed.text)


def _marked(act: Act, vocab: ActVocabulary) -> Act:
    """The question act with what its clause says of the user's case and of the rule."""
    own, meaning, states_rule = vocab.own(act.text), vocab.means(act.text), vocab.states_rule(act.text)
    verdict = vocab.verdict_words.search(act.text) is not None
    if (own, meaning, states_rule, verdict) == (act.own, act.meaning, act.states_rule, act.asks_verdict):
        return act  # the same values: no copy
    return replace(act, own=own, meaning=meaning, states_rule=states_rule, asks_verdict=verdict)


_NUMERAL = re.compile(r"[0-9零一二三四五六七八九十两百千万]")  # an item with a figure states it
# what may follow a bare number that takes the rule's unit: a bare 个 and the end of the clause, or a particle
_BARE_AFTER = re.compile(r"\s*个?\s*(?:左右|上下)?\s*(?:[吧啊呢呀了哈嘛啦]|[,，。.!！?？]|$)")


def _with_rule_units(acts: list[Act]) -> list[Act]:
    """"要求10人，我们正好10个": a bare number of the user's, said after the rule's figure of one kind, is of that
    kind and unit (10 人), so that it is judged as the rule is."""
    said = {(e.entity, e.unit) for a in acts if a.states_rule for e in a.entities if e.unit}
    if len(said) != 1:
        return acts
    kind, unit = next(iter(said))

    def of_rule(act: Act, ent: Entity) -> Entity:
        bare = ent.entity == "number" and _BARE_AFTER.match(act.text, ent.end - act.start) is not None
        return replace(ent, entity=kind, unit=unit) if bare else ent  # not "我们有3个部门"

    return [replace(a, entities=tuple(of_rule(a, e) for e in a.entities)) if a.own and not a.states_rule else a
            for a in acts]


def _retracted(acts: list[Act], vocab: ActVocabulary) -> list[Act]:
    """"85% 哦不对是88%", "四十五 不对 是五十四家": the figures of a claim followed by a clause that takes them back
    are rejected, when a figure follows to replace them (in that clause or the next statement)."""
    out = list(acts)
    for i in range(1, len(out)):
        act, before = out[i], out[i - 1]
        if act.kind != "correction" or act.rejected or before.kind != "claim" or not before.entities \
                or not vocab.retracts(act.text):
            continue
        after = out[i + 1] if i + 1 < len(out) else None
        if act.entities or (after is not None and after.kind in ("claim", "correction") and after.entities):
            out[i - 1] = replace(before, kind="correction", entities=(), rejected=before.entities, polarity=None)
    return out


def _clauses(text: str, vocab: ActVocabulary) -> list[_Clause]:
    """The clauses of the message with their offsets; a clause is a question when it says so. List markers
    ("1." "（2）") end a sentence; a run-on question ("资产要多少运营要几年") is cut after its question word.
    Cut once per text ("资产要多少，运营要几年" is read the same whenever it is said)."""
    return list(remember(vocab, "clauses", text, lambda: tuple(_cut(text, vocab))))


def _cut(text: str, vocab: ActVocabulary) -> list[_Clause]:
    items = {m.start() + 1 for m in vocab.list_marker.finditer(text)}
    if items:  # the same length, so the offsets stay those of the message
        text = vocab.list_marker.sub(lambda m: "\n" + " " * (len(m.group(0)) - 1), text)
    out: list[_Clause] = []
    for number, (s_start, sentence) in enumerate(_pieces(text, 0, vocab.sentence_end)):
        question_sentence = sentence.rstrip().endswith(vocab.question_marks)
        listed = s_start in items
        for start, piece in _pieces(sentence, s_start, vocab.separator):
            piece_asks = vocab.asks(piece)
            for sub_start, sub in _pieces(piece, start, vocab.run_on) if piece_asks else [(start, piece)]:
                body = sub.strip()
                join = vocab.english_join.search(body)
                body = body[:join.start()] if join is not None else body
                if not body:  # "how many years are required and …": the join is no part of the question
                    continue
                # asks() reads the clause without its surrounding spaces: a piece not cut is asked as it is
                said_asks = piece_asks if sub == piece else vocab.asks(body)
                asks = said_asks or (question_sentence and _last_piece(sentence, sub))
                out.append(_Clause(body, sub_start + sub.index(body), number, asks, listed))
    return _listed_items(out, text, vocab) if items else out


def _listed_items(clauses: list[_Clause], text: str, vocab: ActVocabulary) -> list[_Clause]:
    """"想了解下：（1）运营年限要求；（2）资产要求；（3）满意度要求": the items of a numbered list are asked when the
    message inquires or another item asks, unless they give a figure or speak of the user's case."""
    listed = [c for c in clauses if c.listed]
    if not any(c.question for c in listed) and vocab.list_inquiry.search(text) is None:
        return clauses
    return [replace(c, question=True) if c.listed and not c.question and not _NUMERAL.search(c.text)
            and not vocab.own(c.text) else c for c in clauses]


def _pieces(text: str, base: int, splitter: re.Pattern[str]) -> list[tuple[int, str]]:
    pieces, start = [], 0
    for match in splitter.finditer(text):
        pieces.append((base + start, text[start:match.end()]))
        start = match.end()
    if start < len(text):
        pieces.append((base + start, text[start:]))
    return pieces


def _last_piece(sentence: str, piece: str) -> bool:
    return sentence.rstrip().endswith(piece.rstrip())


def _statement(clause: _Clause, entities: tuple[Entity, ...], vocab: ActVocabulary) -> Act:
    """A claim of the user's own values; a correction when a figure is said to be wrong or a correction word
    is used; a negation when the clause is a bare no."""
    rejected = tuple(e for e in entities if vocab.rejects(clause.text, e.start - clause.start, e.end - clause.start))
    kept = tuple(e for e in entities if e not in rejected)
    bare = vocab.bare(clause.text)
    if rejected or vocab.corrects(clause.text):
        return Act("correction", clause.text, clause.start, entities=kept, rejected=rejected, own=True)
    polarity = True if bare in vocab.affirm else False if bare in vocab.deny else None
    kind: ActKind = "negation" if polarity is False and not kept else "claim"
    return Act(kind, clause.text, clause.start, entities=kept, polarity=polarity, own=vocab.own(clause.text),
               states_rule=vocab.states_rule(clause.text))


def _question_acts(text: str, clauses: list[_Clause], parsed: ParseResult, parse: Parser,
                   context: DialogueContext, vocab: ActVocabulary) -> list[Act]:
    """One act per question. A single question keeps the whole message's parse (no second parse) unless it
    is a follow-up; several questions are parsed one by one, and a clause that cannot stand alone is read with
    the one before it."""
    questions = [c for c in clauses if c.question]
    if not questions:
        return []
    if len(questions) == 1:
        listed = _listed(text, clauses, questions[0], parsed, parse, vocab)
        if listed:
            return listed
        conjoined = _conjoined(text, questions[0], parsed, parse, vocab) or \
            _run_on(text, questions[0], parsed, parse, context, vocab)
        return conjoined or [_single_question(text, questions[0], parsed, parse, context, vocab,
                                              alone=len(clauses) > 1)]
    acts: list[Act] = []
    topic = context.topic
    for clause in questions:
        act = _with_statement(text, clause, clauses, parsed, parse, vocab) or \
            _own_question(text, clause, parsed, parse, topic, vocab)
        if act is not None and acts and act.intent == acts[-1].intent and not _per_subject(act, vocab):  # one
            acts[-1] = replace(acts[-1], entities=acts[-1].entities + act.entities)  # question: "满意度80%是最低吗，
            continue  # 我们79%行不行" keeps its figures
        if act is None or act.intent in vocab.courtesy_intents or act.intent in vocab.preamble_intents:
            continue
        acts.append(act)
        topic = act.intent
    if len(acts) <= 1:
        return [_single_question(text, questions[-1], parsed, parse, context, vocab, alone=False)]
    return acts


def _single_question(text: str, clause: _Clause, parsed: ParseResult, parse: Parser, context: DialogueContext,
                     vocab: ActVocabulary, *, alone: bool) -> Act:
    """The one question of the message: a follow-up resolved against the topic; asked after statements ("我们是分公司，
    想自测一下能不能报"), the question read alone when that reading is sure; else the whole message's parse."""
    entities = _clause_entities(parsed, clause)
    about_rule = vocab.about_rule(clause.text, text)
    topic = _said_topic(clause, parsed, vocab) or context.topic
    followup = _followup(clause.text, topic, parse, vocab, entities)
    if followup is not None:
        intent, confidence, resolved = followup
        return Act("question", clause.text, clause.start, intent, confidence, entities, about_rule=about_rule,
                   resolved=resolved)
    plain = vocab.plain(clause.text)
    polite = plain != clause.text.strip()  # "请问申报需要哪些材料": the courtesy outweighed the question
    alone = (alone or polite) and not vocab.has_pronoun(clause.text)  # "这个20家…" looks back
    own = parse(plain) if alone else parsed
    if own.intent == FALLBACK_INTENT or own.confidence < ALONE_CONFIDENCE or (
            own.confidence < parsed.confidence and parsed.intent not in vocab.generic_intents
            and own.intent not in vocab.generic_intents):
        own = parsed  # "资产总额不低于100万，是看审计报告上的数吗" is about the assets; "能不能报啊，…" is a can-we
    step = vocab.ordinal(clause.text, own.intent if vocab.topic_family(own.intent) else context.topic)
    if step is not None:
        return _of_step(clause, step, entities, parse, vocab)
    if own.intent in vocab.generic_intents and parsed.entities and context.asking is None \
            and _figure_topic(context.topic, vocab):
        topic = context.topic or ""  # "我们一年做了2次，够吗" after the technical-service requirements
        return Act("question", clause.text, clause.start, topic, 1.0, parsed.entities, resolved=vocab.name(topic))
    return Act("question", clause.text, clause.start, own.intent, own.confidence, entities, about_rule=about_rule)


def _said_topic(clause: _Clause, parsed: ParseResult, vocab: ActVocabulary) -> str | None:
    """"我们服务人员只有9个人，这个是硬性条件吗": 这个 looks back to what the message itself just said, when the
    whole message is surely about one subject, not to the topic of an earlier turn."""
    if clause.start == 0 or not vocab.has_pronoun(clause.text) or parsed.confidence < ALONE_CONFIDENCE:
        return None
    return parsed.intent if vocab.topic_family(parsed.intent) is not None else None


def _own_question(text: str, clause: _Clause, parsed: ParseResult, parse: Parser, topic: str | None,
                  vocab: ActVocabulary) -> Act | None:
    entities = _clause_entities(parsed, clause)
    followup = _followup(clause.text, topic, parse, vocab, entities)
    if followup is not None:
        intent, confidence, resolved = followup
        return Act("question", clause.text, clause.start, intent, confidence, entities,
                   about_rule=vocab.about_rule(clause.text, text), resolved=resolved)
    step = vocab.ordinal(clause.text, topic)
    if step is not None:
        return _of_step(clause, step, entities, parse, vocab)
    if entities and _figure_topic(topic, vocab) and vocab.only_figure(clause.text, entities):
        return Act("question", clause.text, clause.start, topic, 1.0, entities, resolved=vocab.name(topic or ""),
                   own=True)  # "服务人员要几个，我们9个行不行": the figure for the item just asked
    own = parse(vocab.plain(clause.text))
    if own.intent == FALLBACK_INTENT or own.confidence < PART_CONFIDENCE:
        if parsed.entities and vocab.verdict_words.search(clause.text):  # "资产80万 还差多少？": about the figures,
            about = topic if _figure_topic(topic, vocab) else None  # "满意度要多少，我们79%行不行": the one asked
            return Act("question", clause.text, clause.start, about or FALLBACK_INTENT, 1.0, entities,
                       asks_verdict=True, resolved=vocab.name(about) if about else "")
        return None
    return Act("question", clause.text, clause.start, own.intent, own.confidence, entities,
               about_rule=vocab.about_rule(clause.text, text))


def _per_subject(act: Act, vocab: ActVocabulary) -> bool:
    family = vocab.topic_family(act.intent)
    return family is not None and family.per_subject


def _with_statement(text: str, clause: _Clause, clauses: list[_Clause], parsed: ParseResult, parse: Parser,
                    vocab: ActVocabulary) -> Act | None:
    """"我们是县级认定的，够吗？", "满意度75%，差多少，…": a question whether it is enough, said right after the
    statement it asks about, is read with that statement when it cannot be read alone."""
    at = clauses.index(clause)
    before = clauses[at - 1] if at else None
    if before is None or before.question or before.sentence != clause.sentence \
            or not vocab.verdict_words.search(clause.text) or vocab.has_pronoun(clause.text) \
            or vocab.each.search(clause.text):  # "…，这两项行吗": about all that was said
        return None
    alone = parse(vocab.plain(clause.text))
    if alone.intent != FALLBACK_INTENT and alone.confidence >= ALONE_CONFIDENCE \
            and vocab.topic_family(alone.intent) is not None:
        return None  # "我们资产90万，够不够满意度的要求": the question names its own subject
    reading = parse(vocab.plain(before.text + clause.text))
    if reading.intent == FALLBACK_INTENT or reading.confidence < ALONE_CONFIDENCE \
            or vocab.topic_family(reading.intent) is None:
        return None
    entities = _clause_entities(parsed, before) + _clause_entities(parsed, clause)
    return Act("question", clause.text, before.start, reading.intent, reading.confidence, entities,
               asks_verdict=True)


def _of_step(clause: _Clause, step: str, entities: tuple[Entity, ...], parse: Parser, vocab: ActVocabulary) -> Act:
    """"第三个要盖章吗": a question of another kind asked of the n-th step or item is that question, about it
    (``subject``); "申报流程第一步是什么" is the step itself."""
    asked = parse(vocab.without_ordinal(vocab.plain(clause.text)))
    if asked.intent in vocab.asked_of_item and asked.confidence >= ALONE_CONFIDENCE:
        return Act("question", clause.text, clause.start, asked.intent, asked.confidence, entities,
                   resolved=vocab.name(step), subject=step)
    return Act("question", clause.text, clause.start, step, 1.0, entities, resolved=vocab.name(step))


def _clause_entities(parsed: ParseResult, clause: _Clause) -> tuple[Entity, ...]:
    return tuple(e for e in parsed.entities if clause.start <= e.start < clause.start + len(clause.text))


def _followup(text: str, topic: str | None, parse: Parser, vocab: ActVocabulary,
              entities: tuple[Entity, ...] = ()) -> tuple[str, float, str] | None:
    """(intent, confidence, how it was read) when the clause only makes sense against the last topic: the next
    step ("之后呢"), a figure for the same item ("那如果是98万呢"), another subject asked the same way ("那人员呢"),
    or a part of the topic's subject ("那讲座呢" after the financing service)."""
    family = vocab.topic_family(topic)
    if topic is None or family is None:
        return None
    following = vocab.next_step(text, topic)
    if following is not None:
        return following, 1.0, vocab.name(following)
    rewritten = vocab.rewrite(text, topic)
    if rewritten is None:
        return None
    if entities and _figure_topic(topic, vocab) and vocab.only_figure(text, entities):
        return topic, 1.0, vocab.name(topic)
    reread = parse(rewritten)
    if reread.intent == topic and vocab.has_pronoun(text):  # "这个要几份": what is asked of it, not it again
        predicate = parse(vocab.pronouns.sub("", text, count=1))
        if predicate.intent not in vocab.generic_intents and predicate.intent != FALLBACK_INTENT \
                and predicate.confidence >= ALONE_CONFIDENCE and vocab.topic_family(predicate.intent) is not family:
            return predicate.intent, predicate.confidence, rewritten
    sibling = vocab.topic_family(reread.intent) is family and reread.intent != topic
    if sibling and reread.confidence >= SIBLING_CONFIDENCE:
        return reread.intent, reread.confidence, rewritten  # "那地市认定呢": another subject asked the same way
    within = vocab.rewrite(text, topic, within=True)
    inside = parse(within) if within else reread
    if within and vocab.topic_family(inside.intent) is family and inside.confidence >= FOLLOWUP_CONFIDENCE:
        return inside.intent, inside.confidence, within  # "那活动呢" after the information service: its activities
    if reread.intent != FALLBACK_INTENT and reread.confidence >= CROSS_TOPIC_CONFIDENCE:
        return reread.intent, reread.confidence, rewritten
    return None  # the clause is read as it stands


def _figure_topic(topic: str | None, vocab: ActVocabulary) -> bool:
    """A topic a bare figure can be judged against: a condition or a function, not a material or a step."""
    family = vocab.topic_family(topic)
    return family is not None and not family.ordered and family.name in FIGURE_FAMILIES


def _implied_question(acts: list[Act], parsed: ParseResult, context: DialogueContext,
                      vocab: ActVocabulary) -> Act | None:
    """"我们85%" right after the satisfaction requirement: a figure of the user's, no question, no form waiting
    for it — read as "is that enough?" about the last topic."""
    followups_only = all(a.resolved and a.intent != context.topic for a in acts if a.kind == "question")
    if context.asking is not None or any(a.kind == "command" for a in acts) or not followups_only:
        return None  # "我们有3家，那地市认定呢": the 3家 is still about the aggregation
    figures = [e for a in acts if a.kind != "question" for e in a.entities]
    asked = any(a.kind == "question" for a in acts)
    if asked and any(a.entities and not vocab.only_figure(a.text, a.entities) for a in acts if a.kind != "question"):
        return None  # "运营年限呢？我们2019年成立的": the figure is said with what it is of, not of the last topic
    generic = parsed.intent in vocab.generic_intents or asked
    if not figures or not generic or not _figure_topic(context.topic, vocab):
        return None
    topic = context.topic or ""
    return Act("question", parsed.text, 0, topic, 1.0, tuple(figures), resolved=vocab.name(topic))


def _conjoined(text: str, clause: _Clause, parsed: ParseResult, parse: Parser, vocab: ActVocabulary) -> list[Act]:
    """"培训服务和融资服务分别要求啥": one question about two subjects of the same family, one act for each. The part
    after the conjunction is read as it stands, the one before it in that family's way of asking."""
    pieces = vocab.conjunctions.split(clause.text)
    if len(pieces) != 2 or not all(p.strip() for p in pieces) or len(pieces[0]) > MAX_SUBJECT:
        return []
    last = parse(pieces[1])
    family = vocab.topic_family(last.intent)
    if family is None or last.confidence < PART_CONFIDENCE:
        return []
    first = _subject_read(vocab.plain(pieces[0]), family, parse, vocab, each=vocab.each.search(clause.text) is not None)
    if first is None or first.intent == last.intent:
        return []
    second_start = clause.start + len(pieces[0]) + 1
    entities = _clause_entities(parsed, clause)
    return [Act("question", pieces[0], clause.start, first.intent, first.confidence, entities,
                about_rule=vocab.about_rule(clause.text, text)),
            Act("question", pieces[1], second_start, last.intent, last.confidence, entities,
                about_rule=vocab.about_rule(clause.text, text))]


def _subject_read(subject: str, family: Topic, parse: Parser, vocab: ActVocabulary, *,
                  each: bool) -> ParseResult | None:
    """A subject said before a conjunction, asked in its family's way ("培训服务" → "培训服务有什么要求"); asked
    "分别" ("申报条件和申报材料分别是什么"), a subject of another family, asked in that family's way."""
    reading = parse(family.ask.format(x=subject.strip()))
    if vocab.topic_family(reading.intent) is family and reading.confidence >= PART_CONFIDENCE:
        return reading
    if not each:
        return None
    alone = parse(subject)
    other = vocab.topic_family(alone.intent)
    if other is None or other is family or alone.confidence < ALONE_CONFIDENCE:
        return None
    reading = parse(other.ask.format(x=subject.strip()))
    return reading if vocab.topic_family(reading.intent) is other and reading.confidence >= PART_CONFIDENCE else None


def _listed(text: str, clauses: list[_Clause], question: _Clause, parsed: ParseResult, parse: Parser,
            vocab: ActVocabulary) -> list[Act]:
    """"满意度、公益服务比例、学历职称比例各要多少": the subjects listed before a question that asks about each
    ("各", "分别", "这三个"), one act for each, asked as their family asks."""
    subjects = [c for c in clauses if c.sentence == question.sentence and not c.question and c.start < question.start
                and len(c.text) <= MAX_SUBJECT and not _clause_entities(parsed, c)]
    if not vocab.each.search(question.text):
        return _enumerated(text, subjects, question, parsed, parse, vocab)
    own = vocab.each.split(question.text, maxsplit=1)[0].strip("，,、 ")
    names = [c.text.strip("，,、 ") for c in subjects] + ([own] if own and len(own) <= MAX_SUBJECT else [])
    if len(names) < 2:
        return []
    family = vocab.topic_family(parsed.intent) or vocab.topics[0]
    acts: list[Act] = []
    for name, start in zip(names, [c.start for c in subjects] + [question.start], strict=False):
        reading = parse(family.ask.format(x=name))
        if reading.intent != FALLBACK_INTENT and reading.confidence >= PART_CONFIDENCE \
                and reading.intent not in {a.intent for a in acts}:
            acts.append(Act("question", name, start, reading.intent, reading.confidence,
                            about_rule=vocab.about_rule(question.text, text), resolved=family.ask.format(x=name)))
    return acts if len(acts) > 1 else []


def _enumerated(text: str, subjects: list[_Clause], question: _Clause, parsed: ParseResult, parse: Parser,
                vocab: ActVocabulary) -> list[Act]:
    """"人员、资产、场地都有什么要求", "资产，人员，满意度要多少", "运营年限、资产总额和服务人员有什么要求": subjects
    listed right before a question, each asked as the question's family asks; the question is read as it stands
    (two subjects joined by 和 in it, each)."""
    run = _run_of_subjects(text, subjects, question, vocab)
    if not run:
        return []  # most questions list nothing before them: no second reading
    tail = _conjoined(text, question, parsed, parse, vocab)
    last = tail[0] if tail else _whole(text, question, parse, vocab)
    family = vocab.topic_family(last.intent) if last is not None else None
    if family is None or last is None:
        return []
    acts: list[Act] = []
    asked = {a.intent for a in tail} | {last.intent}
    for clause in run:
        comma = not clause.text.endswith("、")  # "，" or a space: a surer reading, a short subject
        subject = vocab.plain(clause.text).strip("、，, ")
        reading = parse(family.ask.format(x=subject))
        sure = ALONE_CONFIDENCE if comma else PART_CONFIDENCE
        if vocab.topic_family(reading.intent) is not family or reading.confidence < sure or (comma and (
                len(subject) > MAX_SUBJECT // 2 or vocab.past_courtesy(clause.text + "x")
                or (last.intent or "").endswith(_OVERVIEW))):  # "资质，要哪些": one question, its subject said first
            acts = []  # the run is broken: only the subjects after it count
            continue
        if reading.intent not in asked | {a.intent for a in acts}:
            acts.append(Act("question", clause.text, clause.start, reading.intent, reading.confidence,
                            about_rule=vocab.about_rule(clause.text, text)))
    return [*acts, *(tail or [last])] if acts else []


def _whole(text: str, question: _Clause, parse: Parser, vocab: ActVocabulary) -> Act | None:
    reading = parse(vocab.plain(question.text))
    if reading.confidence < PART_CONFIDENCE:
        return None
    return Act("question", question.text, question.start, reading.intent, reading.confidence,
               about_rule=vocab.about_rule(question.text, text))


def _run_of_subjects(text: str, subjects: list[_Clause], question: _Clause, vocab: ActVocabulary) -> list[_Clause]:
    """The subjects listed (、，or a space between them) that end right at the question, none of the user's case."""
    listed: list[_Clause] = []
    following = question.start
    for clause in reversed(subjects):
        end = clause.start + len(clause.text)
        between = text[end:following]
        if between.strip() or vocab.own(clause.text) or not (clause.text.endswith(("、", "，", ",")) or between):
            break
        listed.insert(0, clause)
        following = clause.start
    return listed


def _run_on(text: str, clause: _Clause, parsed: ParseResult, parse: Parser, context: DialogueContext,
            vocab: ActVocabulary) -> list[Act]:
    """"推荐表谁填要盖章吗", "评审谁来评评几次": two questions run on without a mark between them, each with its own
    question word. Cut between the two words where both halves read surest (two different questions, each sure),
    else nothing."""
    body = clause.text.rstrip("?？ ")
    spans = sorted([m.span() for m in vocab.question_words.finditer(body)]
                   + [(i, i + 1) for i, ch in enumerate(body) if ch in _PARTICLES])  # "能报吗要交啥"
    if len(spans) < 2 or spans[-1][0] < spans[0][1] or len(clause.text) > 2 * MAX_SUBJECT:
        return []
    after_words = sorted({end for _, end in spans[:-1]})  # "材料交给谁|什么时候交": cut after a question's word
    before_words = sorted({start for start, _ in spans[1:]} - set(after_words))  # "推荐表谁填|要盖章吗"
    return _best_cut(text, clause, after_words, parsed, parse, context, vocab) or \
        _best_cut(text, clause, before_words, parsed, parse, context, vocab)


def _best_cut(text: str, clause: _Clause, cuts: list[int], parsed: ParseResult, parse: Parser,
              context: DialogueContext, vocab: ActVocabulary) -> list[Act]:
    """The two questions of the cut whose halves read surest, when both are sure and differ."""
    best: tuple[float, list[Act]] = (RUN_ON_CONFIDENCE, [])
    for cut in cuts:
        first, second = clause.text[:cut], clause.text[cut:]
        if len(vocab.bare(first)) < 2 or len(vocab.bare(second)) < 2:
            continue
        halves = (replace(clause, text=first), replace(clause, text=second, start=clause.start + cut))
        acts = [a for a in (_own_question(text, h, parsed, parse, context.topic, vocab) for h in halves)
                if a is not None and a.intent != FALLBACK_INTENT]
        if len(acts) == 2 and acts[0].intent != acts[1].intent and min(a.confidence for a in acts) > best[0]:
            best = (min(a.confidence for a in acts), acts)
    return best[1]
