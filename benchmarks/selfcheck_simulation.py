"""A scripted applicant takes the self-check dialogue for generated organisations and answers in varied
natural Chinese (Chinese numerals, 万/亿, percent forms, 是/没有, founding months, several facts in one
message, corrections, skips, side questions, implausible answers first). The dialogue's verdicts must equal
the rule engine's ``evaluate()`` on the same profiles; prints agreement and the number of turns to a verdict.

    .venv/bin/python benchmarks/selfcheck_simulation.py [PROFILES] [SEED]

It reads the questions the way a person does, from the reply text (the prompts of
``knowledge/selfcheck_flow.yml``), and never looks at the stored dialogue state.
"""

from __future__ import annotations

import calendar
import random
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import cn2an
from sqlalchemy import select

from dialogs import Assistant, Incoming, Store, Turn
from dialogs.selfcheck import VERDICT_LABELS, evaluate, load_indicators
from dialogs.selfcheck._flowmodel import FlowModel, load_flow
from dialogs.store import User
from dialogs.store.models import SelfCheckRecord

NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)  # 10:00 in Asia/Shanghai
TODAY = date(2026, 11, 26)
MAX_TURNS = 200
SIDE_QUESTIONS = ("资产总额怎么算？", "公示几天？", "满意度要多少才行？")


# ----------------------------------------------------------------------------- profiles
def _mode(rng: random.Random) -> str:
    return rng.choices(["pass", "fail", "missing"], weights=[93, 4, 3])[0]


def _number(indicator: Any, mode: str, rng: random.Random) -> int | float:
    low, high = indicator.range
    threshold = indicator.threshold or 0
    if mode == "pass":
        value = rng.choice([threshold, threshold, threshold * rng.uniform(1, 3), threshold + rng.randint(1, 20)])
    else:
        value = rng.choice([threshold - 1, threshold * rng.uniform(0, 0.9), 0])
    value = max(low, min(high, value))
    return round(value)


def generate_profile(rng: random.Random) -> dict[str, Any]:
    """A plausible organisation; each indicator passes, fails or is unknown, boundaries included. The
    founding month, when the applicant will give one, is kept under ``_founded``."""
    ind = load_indicators()
    profile: dict[str, Any] = {}
    for indicator in ind:
        mode = _mode(rng)
        if mode == "missing":
            continue
        if indicator.type == "bool":
            profile[indicator.key] = mode == "pass"
        elif indicator.type == "enum":
            allowed = list(indicator.require.allowed)
            profile[indicator.key] = rng.choice(allowed) if mode == "pass" else "other"
        elif indicator.key == "smes_served_year_before":
            last = profile.get("smes_served_last_year", 30)
            profile[indicator.key] = max(0, last - rng.randint(1, 10)) if mode == "pass" else last + rng.randint(0, 5)
        else:
            profile[indicator.key] = _number(indicator, mode, rng)
    _years(profile, rng)
    offered = rng.choices([[], "some", "all", None], weights=[4, 84, 6, 6])[0]
    keys = [fn.key for fn in ind.functions]
    if offered == "some":
        profile[ind.functions_key] = sorted(rng.sample(keys, rng.randint(1, 3)), key=keys.index)
    elif offered == "all":
        profile[ind.functions_key] = keys
    elif offered == []:
        profile[ind.functions_key] = []
    chosen = profile.get(ind.functions_key)
    for fn in ind.functions:  # the dialogue asks only about the functions the applicant says it offers
        if chosen is None or fn.key not in chosen:
            for item in fn.items:
                profile.pop(item.key, None)
    return profile


def _years(profile: dict[str, Any], rng: random.Random) -> None:
    """Either a number of years, or a founding month (counted from its last day) near the 2-year line."""
    if "years_operating" not in profile or rng.random() < 0.5:
        return
    year, month = rng.choice([(2024, 10), (2024, 11), (2024, 12), (2019, 3), (2025, 6), (2021, 7)])
    founded = date(year, month, calendar.monthrange(year, month)[1])
    full_years = TODAY.year - founded.year - ((TODAY.month, TODAY.day) < (founded.month, founded.day))
    profile["_founded"] = (year, month)
    profile["years_operating"] = full_years  # only compared with the 2-year threshold


def expected_profile(profile: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in profile.items() if not k.startswith("_")}


# ----------------------------------------------------------------------------- phrasing
def cn(value: float) -> str:
    return str(cn2an.an2cn(value if value != int(value) else int(value)))


def say_bool(value: bool, rng: random.Random) -> str:
    return rng.choice(["是", "是的", "有", "有的", "具备", "对"] if value else ["否", "没有", "不是", "暂无", "没有的"])


def say_money_wan(wan: float, rng: random.Random) -> str:
    forms = [f"{wan:g}万", f"{cn(wan)}万", f"{wan:g}万元", f"资产大概{cn(wan)}万", f"{wan * 10000:,.0f}元", f"{wan:g}"]
    if wan >= 100:
        forms.append(f"{wan / 10000:g}亿")
        forms.append(f"{wan / 100:g}百万")
    return rng.choice(forms)


def say_percent(value: float, rng: random.Random) -> str:
    forms = [f"{value:g}%", f"百分之{cn(value)}", f"{value:g}"]
    if value % 10 == 0 and 0 < value < 100:
        forms.append(f"{cn(value // 10)}成")
    return rng.choice(forms)


def say_count(value: int, unit: str, rng: random.Random) -> str:
    forms = [f"{value}{unit}", f"{cn(value)}{unit}", str(value)]
    if unit == "人":
        forms += [f"{cn(value)}个人", f"{value}名"]
    return rng.choice(forms)


def say_years(profile: dict[str, Any], rng: random.Random) -> str:
    if "_founded" in profile:
        year, month = profile["_founded"]
        return rng.choice([f"成立于{year}年{month}月", f"{year}年{month}月成立的", f"{year}年{month}月"])
    years = profile["years_operating"]
    return rng.choice([f"{years}年", f"{cn(years)}年", f"运营{years}年了"])


# ----------------------------------------------------------------------------- the applicant
@dataclass
class Applicant:
    """Answers what the dialogue asks, from its profile, as a person might type it."""

    profile: dict[str, Any]
    rng: random.Random
    model: FlowModel
    pending_wrong: set[str] = field(default_factory=set)
    side_asked: bool = False
    edited: bool = False
    went_back: bool = False
    correct_next: str | None = None
    taps: list[str] = field(default_factory=list)
    did: Counter[str] = field(default_factory=Counter)

    def asked(self, text: str) -> str | None:
        """The question in a reply, recognised by its wording."""
        found = [k for k, q in self.model.questions.items() if q.prompt in text]
        if not found:  # "您之前提到线下方面符合要求；请问线上也具备吗？": the rest of an item said in part before
            found = [k for k, q in self.model.questions.items() if q.parts and q.key in self.profile_parts(text)]
        return max(found, key=lambda k: len(self.model.questions[k].prompt)) if found else None

    def profile_parts(self, text: str) -> set[str]:
        """The items whose parts a reply names as said before and still asked."""
        said = re.search(r"您之前提到(.+?)方面符合要求；请问(.+?)也具备吗", text)
        if said is None:
            return set()
        return {k for k, q in self.model.questions.items()
                if any(p[0] in said.group(1) for p in q.parts) and any(p[0] in said.group(2) for p in q.parts)}

    def answer(self, reply_text: str) -> str:
        if "请核对您的回答" in reply_text:
            return self.at_summary()
        key = self.asked(reply_text)
        if key is None and "直接给结论" in reply_text:
            self.did["继续 after a knock-out"] += 1
            return "继续"  # the verdict is settled; this applicant wants to see every gap
        if key is None:
            raise AssertionError(f"the applicant does not recognise the question: {reply_text[-200:]}")
        if self.correct_next is not None:
            return self.correction()
        if not self.side_asked and self.rng.random() < 0.05:
            self.side_asked = True
            self.did["side question"] += 1
            return self.rng.choice(SIDE_QUESTIONS)
        if not self.went_back and key != "legal_person" and self.rng.random() < 0.04:
            self.went_back = True
            self.did["上一题"] += 1
            return "上一题"
        if key == self.model.functions_key:
            return self.functions()
        if key not in self.profile:
            self.did["skip / 不清楚"] += 1
            return self.rng.choice(["不清楚", "跳过", "不知道"])
        if key in self.pending_wrong:
            self.pending_wrong.discard(key)
            return self.value(key)
        return self.first_answer(key)

    def first_answer(self, key: str) -> str:
        if key == "years_operating" and self.rng.random() < 0.3 and {"total_assets_wan", "smes_served_last_year"} \
                <= set(self.profile):
            self.did["several facts in one message"] += 1
            return self.several_facts()
        question = self.model.questions[key]
        if question.type in ("number", "percent") and key != "years_operating" and self.rng.random() < 0.06:
            self.pending_wrong.add(key)  # an implausible answer first, then the right one when asked again
            self.did["implausible answer"] += 1
            return "-5" if question.type == "number" else "180%"
        if question.type in ("integer", "percent") and question.keywords and self.rng.random() < 0.05:
            self.correct_next = key  # a wrong but plausible answer, corrected on the next turn
            self.did["correction"] += 1
            wrong = (self.profile[key] + 37) % 100 if question.type == "percent" else self.profile[key] + 7
            return say_percent(wrong, self.rng) if question.type == "percent" else str(wrong)
        return self.value(key)

    def correction(self) -> str:
        """"不对，去年是45家": the keyword of the item, then the right value with its unit."""
        key, self.correct_next = self.correct_next or "", None
        question, value = self.model.questions[key], self.profile[key]
        said = f"{value:g}%" if question.type == "percent" else f"{value}{question.unit}"
        return f"{self.rng.choice(['不对', '说错了'])}，{question.keywords[0]}是{said}"

    def several_facts(self) -> str:
        years = say_years(self.profile, self.rng)
        assets = f"{self.profile['total_assets_wan']:g}万"
        served = self.profile["smes_served_last_year"]
        return f"我们{years if years.startswith('成立') else '成立' + years}，资产{assets}，去年服务了{served}家企业"

    def value(self, key: str) -> str:
        question, value = self.model.questions[key], self.profile[key]
        if key == "years_operating":
            return say_years(self.profile, self.rng)
        if question.type == "bool":
            return say_bool(value, self.rng)
        if question.type == "enum":
            label = question.choices[value]
            return self.rng.choice([label, f"我们是{label}"])
        if question.unit == "万元":
            return say_money_wan(value, self.rng)
        if question.type == "percent":
            return say_percent(value, self.rng)
        return say_count(int(value), question.unit or "", self.rng)

    def functions(self) -> str:
        """Free text ("信息服务和培训服务"), 都有/都没有, or one button after the other, then 完成."""
        if self.taps:
            return self.taps.pop(0)
        chosen = self.profile.get(self.model.functions_key)
        if chosen is None:
            return "不清楚"
        if not chosen:
            return "都没有"
        names = [self.model.function_name(k) for k in chosen]
        if self.rng.random() < 0.4:
            self.taps = [*names[1:], "完成"]
            self.did["function buttons + 完成"] += 1
            return names[0]
        if len(chosen) == 5:
            return self.rng.choice(["都有", "、".join(names)])
        return self.rng.choice(["和".join(names), "、".join(names), f"我们提供{'，'.join(names)}"])

    def at_summary(self) -> str:
        if not self.edited and "satisfaction_pct" in self.profile and self.rng.random() < 0.3:
            self.edited = True
            self.did["summary edit"] += 1
            return f"把满意度改成{self.profile['satisfaction_pct']}%"
        return "确认"


# ----------------------------------------------------------------------------- running
@dataclass
class Outcome:
    expected: str
    got: str | None
    turns: int
    failed_equal: bool
    missing_equal: bool
    did: Counter[str] = field(default_factory=Counter)


def run_one(assistant: Assistant, store: Store, user: str, profile: dict[str, Any], rng: random.Random) -> Outcome:
    applicant = Applicant(profile, rng, load_flow())
    turn: Turn = assistant.handle(Incoming("sim", user, "/selfcheck"))
    turns = 1
    while not turn.text.startswith("自测结论") and "\n自测结论" not in turn.text and turns < MAX_TURNS:
        turn = assistant.handle(Incoming("sim", user, applicant.answer(turn.replies[-1].text
                                                                      if turn.replies else "")))
        turns += 1
    expected = evaluate(expected_profile(profile))
    got = next((k for k, label in VERDICT_LABELS.items() if f"自测结论：{label}" in turn.text), None)
    with store.session() as s:
        uid = s.scalars(select(User.id).where(User.external_id == user)).one()
        record = s.scalars(select(SelfCheckRecord).where(SelfCheckRecord.user_id == uid)).first()
        stored = (record.verdict, record.result["failed"], record.result["missing"]) if record else (None, [], [])
    if stored[0] != got:
        got = f"{got}/stored:{stored[0]}"
    return Outcome(expected.verdict, got, turns, stored[1] == list(expected.failed),
                   stored[2] == list(expected.missing), applicant.did)


def simulate(profiles: int = 50, seed: int = 2022, db_url: str | None = None) -> list[Outcome]:
    """Run the simulated applicant on ``profiles`` generated organisations (deterministic for a seed)."""
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(db_url or f"sqlite:///{Path(tmp) / 'simulation.db'}")
        assistant = Assistant(store, clock=lambda: NOW)
        try:
            return [run_one(assistant, store, f"applicant-{seed}-{i}", generate_profile(rng), rng)
                    for i in range(profiles)]
        finally:
            store.dispose()


def main(argv: list[str]) -> int:
    profiles = int(argv[1]) if len(argv) > 1 else 50
    seed = int(argv[2]) if len(argv) > 2 else 2022
    started = time.perf_counter()
    outcomes = simulate(profiles, seed)
    elapsed = time.perf_counter() - started
    agree = sum(o.expected == o.got for o in outcomes)
    turns = [o.turns for o in outcomes]
    verdicts = {v: sum(o.expected == v for o in outcomes) for v in VERDICT_LABELS}
    print(f"profiles: {profiles} (seed {seed}); expected verdicts: {verdicts}")
    print(f"verdict agreement with evaluate(): {agree}/{profiles}")
    print(f"failed lists equal: {sum(o.failed_equal for o in outcomes)}/{profiles}; "
          f"missing lists equal: {sum(o.missing_equal for o in outcomes)}/{profiles}")
    print(f"turns to a verdict: median {statistics.median(turns):g}, min {min(turns)}, max {max(turns)}")
    did = sum((o.did for o in outcomes), Counter())
    print("behaviours exercised: " + "; ".join(f"{k} ×{v}" for k, v in sorted(did.items())))
    print(f"time: {elapsed:.1f} s ({elapsed / sum(turns) * 1000:.1f} ms per turn)")
    for i, o in enumerate(outcomes):
        if o.expected != o.got:
            print(f"  MISMATCH profile {i}: expected {o.expected}, dialogue {o.got}")
    return 0 if agree == profiles else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
