"""The rule engine against docs/spec/indicators.md: every key, every boundary, every verdict path.

The thresholds below are copied from the spec on purpose: they check that knowledge/indicators.yml says what the
notice says, and that the engine reads it (inclusive thresholds, 民法典 第一千二百五十九条).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from dialogs.selfcheck import evaluate, judge_items, load_indicators, parse_indicators, validate_profile, validate_value
from knowledge import load_file
from knowledge.errors import KnowledgeError, UserInputError

BASIC_PASS: dict[str, Any] = {
    "legal_person": True,
    "org_type": "sme_service_agency",
    "years_operating": 5,
    "total_assets_wan": 300,
    "finances_sound": True,
    "leadership_sound": True,
    "smes_served_last_year": 45,
    "smes_served_year_before": 30,
    "satisfaction_pct": 92,
    "fixed_premises": True,
    "aggregated_orgs": 4,
    "prefecture_recognition": True,
    "management_system": True,
    "sme_fee_discount": True,
    "public_welfare_pct": 30,
    "development_plan": True,
    "service_staff": 25,
    "qualified_staff_pct": 72,
}
FUNCTION_PASS: dict[str, dict[str, Any]] = {
    "info": {"info_online_system": True, "info_offline_smes": 35, "info_activities": 4},
    "tech": {"tech_expert_pool": True, "tech_activities": 6},
    "startup": {"startup_resources": True, "startup_agency_service": True, "startup_activities": 3},
    "training": {"training_registered": True, "training_online_offline": True, "training_evaluation": True,
                 "trainees_per_year": 900},
    "financing": {"financing_matchmaking_events": 3, "financing_lectures": 3, "financing_consulting": True},
}
# (key, function or None, exactly at the threshold, just below it) — the spec's "passes when" column.
NUMERIC: list[tuple[str, str | None, float, float]] = [
    ("years_operating", None, 2, 1.99),
    ("total_assets_wan", None, 100, 99.99),
    ("smes_served_last_year", None, 20, 19),
    ("satisfaction_pct", None, 80, 79.9),
    ("aggregated_orgs", None, 2, 1),
    ("public_welfare_pct", None, 20, 19.9),
    ("service_staff", None, 10, 9),
    ("qualified_staff_pct", None, 60, 59.9),
    ("info_offline_smes", "info", 20, 19),
    ("info_activities", "info", 2, 1),
    ("tech_activities", "tech", 3, 2),
    ("startup_activities", "startup", 2, 1),
    ("trainees_per_year", "training", 600, 599),
    ("financing_matchmaking_events", "financing", 2, 1),
    ("financing_lectures", "financing", 2, 1),
]
BOOLS: list[tuple[str, str | None]] = [
    ("legal_person", None), ("finances_sound", None), ("leadership_sound", None), ("fixed_premises", None),
    ("prefecture_recognition", None), ("management_system", None), ("sme_fee_discount", None),
    ("development_plan", None),
    ("info_online_system", "info"), ("tech_expert_pool", "tech"), ("startup_resources", "startup"),
    ("startup_agency_service", "startup"), ("training_registered", "training"),
    ("training_online_offline", "training"), ("training_evaluation", "training"),
    ("financing_consulting", "financing"),
]
ORG_TYPES_OK = ["sme_service_agency", "intermediary", "tech_service", "research_institute", "internet_platform"]
OTHER_KEYS = {"org_type", "smes_served_year_before", "functions_offered"}


def profile(*functions: str, offered: bool = True, **overrides: Any) -> dict[str, Any]:
    """All basic conditions passing, the given functions' items passing, then the overrides."""
    p: dict[str, Any] = dict(BASIC_PASS)
    for fn in functions:
        p.update(FUNCTION_PASS[fn])
    if offered:
        p["functions_offered"] = list(functions)
    p.update(overrides)
    return {k: v for k, v in p.items() if v is not None}


def test_the_tables_cover_every_key_of_indicators_yml() -> None:
    covered = {k for k, *_ in NUMERIC} | {k for k, _ in BOOLS} | OTHER_KEYS
    assert covered == set(load_indicators().all_keys())


def test_a_complete_passing_profile_is_eligible() -> None:
    result = evaluate(profile("training"))
    assert (result.verdict, result.failed, result.missing, result.functions_met) == ("eligible", (), (), ("training",))
    assert result.verdict_label == "初步符合"


@pytest.mark.parametrize(("key", "fn", "at", "below"), NUMERIC)
def test_numeric_threshold_is_inclusive(key: str, fn: str | None, at: float, below: float) -> None:
    use = fn or "training"
    base = {"smes_served_year_before": 5} if key == "smes_served_last_year" else {}
    passing = evaluate(profile(use, **base, **{key: at}))
    assert passing.verdict == "eligible", passing.failed
    assert passing.item(key).status == "pass"  # type: ignore[union-attr]
    failing = evaluate(profile(use, **base, **{key: below}))
    item = failing.item(key)
    assert item is not None and item.status == "fail" and item.threshold == at
    assert item.gap is not None and item.label in item.gap
    assert failing.verdict == "ineligible"
    # A failing item of the only offered function fails the function requirement as a whole.
    assert failing.failed == ((key,) if fn is None else (key, "functions_offered"))


@pytest.mark.parametrize(("key", "fn"), BOOLS)
def test_yes_no_items(key: str, fn: str | None) -> None:
    use = fn or "training"
    no = evaluate(profile(use, **{key: False}))
    assert no.verdict == "ineligible"
    assert no.failed == ((key,) if fn is None else (key, "functions_offered"))
    assert no.item(key).gap == f"{no.item(key).label}：您填写的是“否”，通知要求为“是”"  # type: ignore[union-attr]
    absent = evaluate({k: v for k, v in profile(use).items() if k != key})
    assert absent.verdict == "incomplete"
    assert absent.missing == (key,)
    assert absent.failed == ()


@pytest.mark.parametrize("org_type", ORG_TYPES_OK)
def test_listed_org_types_pass(org_type: str) -> None:
    assert evaluate(profile("tech", org_type=org_type)).verdict == "eligible"


def test_org_type_other_fails_with_a_reason() -> None:
    result = evaluate(profile("tech", org_type="other"))
    assert (result.verdict, result.failed) == ("ineligible", ("org_type",))
    assert result.item("org_type").gap.startswith("机构类型为“其他”，不属于")  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("last", "before", "verdict", "failed", "missing"),
    [
        (21, 20, "eligible", (), ()),
        (20, 20, "ineligible", ("sme_growth",), ()),  # equal is not growth
        (45, 50, "ineligible", ("sme_growth",), ()),
        (45, None, "incomplete", (), ("smes_served_year_before",)),
        (None, 30, "incomplete", (), ("smes_served_last_year",)),
        (19, 30, "ineligible", ("smes_served_last_year", "sme_growth"), ()),
    ],
)
def test_growth_condition(last: int | None, before: int | None, verdict: str, failed: tuple[str, ...],
                          missing: tuple[str, ...]) -> None:
    result = evaluate(profile("info", smes_served_last_year=last, smes_served_year_before=before))
    assert (result.verdict, result.failed, result.missing) == (verdict, failed, missing)


def test_growth_gap_names_both_years_and_says_it_is_an_interpretation() -> None:
    item = evaluate(profile("info", smes_served_last_year=45, smes_served_year_before=50)).item("sme_growth")
    assert item is not None and item.key == "smes_served_year_before"
    assert item.gap is not None and "45 家" in item.gap and "50 家" in item.gap and "理解" in item.gap


def test_the_spec_example_exactly() -> None:
    p = profile("training", "financing", total_assets_wan=80, smes_served_last_year=30, smes_served_year_before=35,
                satisfaction_pct=None, trainees_per_year=550, financing_consulting=None)
    assert {k: v for k, v in evaluate(p).to_dict().items() if k in ("verdict", "failed", "missing",
                                                                      "functions_met")} == {
        "verdict": "ineligible",
        "failed": ["total_assets_wan", "sme_growth", "trainees_per_year"],
        "missing": ["satisfaction_pct", "financing_consulting"],
        "functions_met": [],
    }


def test_gap_sentences() -> None:
    result = evaluate(profile("info", total_assets_wan=80, satisfaction_pct=75.5, years_operating=1.5))
    gaps = {i.key: i.gap for i in result.items if i.gap}
    assert gaps["total_assets_wan"] == "资产总额 80 万元，低于 100 万元的要求，差 20 万元"
    assert gaps["satisfaction_pct"] == "用户满意度 75.5%，低于 80%的要求，差 4.5 个百分点"
    assert gaps["years_operating"] == "运营年限 1.5 年，低于 2 年的要求，差 0.5 年"
    assert evaluate(profile("info", total_assets_wan=99.9)).item("total_assets_wan").gap.endswith(  # type: ignore
        "差 0.1 万元")


ALL_MISSING_FUNCTION_ITEMS = tuple(k for fn in FUNCTION_PASS.values() for k in fn)


@pytest.mark.parametrize(
    ("name", "p", "verdict", "failed", "missing", "met"),
    [
        ("nothing", {}, "incomplete", (), (*BASIC_PASS, *ALL_MISSING_FUNCTION_ITEMS, "functions_offered"), ()),
        ("basic only, functions_offered absent", profile(offered=False), "incomplete", (),
         (*ALL_MISSING_FUNCTION_ITEMS, "functions_offered"), ()),
        ("empty functions_offered", profile(), "ineligible", ("functions_offered",), (), ()),
        ("offered function undecided", profile(functions_offered=["tech"], tech_expert_pool=True), "incomplete", (),
         ("tech_activities",), ()),
        ("absent list, one function met: others' absent items are not listed", profile("tech", offered=False),
         "eligible", (), (), ("tech",)),
        ("absent list, failing function and met function", profile("tech", offered=False, info_activities=1),
         "eligible", ("info_activities",), (), ("tech",)),
        ("absent list, failing function, others undecided",
         profile(offered=False, info_activities=1),
         "incomplete", ("info_activities",),
         (*(k for k in ALL_MISSING_FUNCTION_ITEMS if not k.startswith("info")), "functions_offered"), ()),
        ("partial list: items of a function not offered are ignored",
         profile("training", info_activities=1, tech_activities=0), "eligible", (), (), ("training",)),
        ("two offered, one met, one failing", profile("training", "startup", startup_activities=0), "eligible",
         ("startup_activities",), (), ("training",)),
        ("two offered, one failing, one undecided",
         profile("training", "startup", startup_activities=0, trainees_per_year=None), "incomplete",
         ("startup_activities",), ("trainees_per_year",), ()),
        ("every offered function fails", profile("training", "startup", startup_activities=0, trainees_per_year=1),
         "ineligible", ("startup_activities", "trainees_per_year", "functions_offered"), (), ()),
        ("a failure outweighs missing data", profile("tech", service_staff=9, legal_person=None), "ineligible",
         ("service_staff",), ("legal_person",), ("tech",)),
        ("all functions met", profile(*FUNCTION_PASS), "eligible", (), (), tuple(FUNCTION_PASS)),
        ("met function but a basic key missing", profile("tech", development_plan=None), "incomplete", (),
         ("development_plan",), ("tech",)),
    ],
)
def test_verdict_paths(name: str, p: dict[str, Any], verdict: str, failed: tuple[str, ...],
                       missing: tuple[str, ...], met: tuple[str, ...]) -> None:
    result = evaluate(p)
    assert (result.verdict, result.failed, result.missing, result.functions_met) == (verdict, failed, missing, met)


JUDGED_ALONE = [
    {}, profile(offered=False), profile(), profile(functions_offered=["tech"], tech_expert_pool=True),
    profile("tech", offered=False, info_activities=1), profile("training", info_activities=1, tech_activities=0),
    profile("training", "startup", startup_activities=0, trainees_per_year=None),
    profile("tech", service_staff=9, total_assets_wan=80, org_type="other", legal_person=None),
    profile("tech", smes_served_last_year=30, smes_served_year_before=30),
    profile("tech", smes_served_year_before=None), profile(*FUNCTION_PASS, satisfaction_pct=79.9),
]


@pytest.mark.parametrize("p", JUDGED_ALONE)
def test_an_item_judged_alone_is_judged_as_in_the_whole_profile(p: dict[str, Any]) -> None:
    # the feedback after each answer judges only the answered items; it must say what the verdict will say
    keys = [*load_indicators().all_keys(), "sme_growth"]
    whole = evaluate(p)
    alone = judge_items(p, keys)
    assert alone == {k: item for k in keys if (item := whole.item(k)) is not None}
    assert any(i.status == "fail" for i in alone.values()) == bool(set(whole.failed) - {"functions_offered"})


def test_absent_list_with_every_function_failing_lists_the_requirement_but_stays_incomplete() -> None:
    # The spec: ineligible on functions needs functions_offered to be present; failed lists functions_offered
    # whenever no function is met and none is undecided.
    fails = {"info_activities": 0, "tech_activities": 0, "startup_activities": 0, "trainees_per_year": 0,
             "financing_lectures": 0}
    result = evaluate(profile(offered=False, **fails))
    assert result.verdict == "incomplete"
    assert result.failed == (*fails, "functions_offered")
    assert result.missing[-1] == "functions_offered"


def test_function_statuses() -> None:
    result = evaluate(profile("training", "startup", startup_activities=0, tech_expert_pool=True))
    status = {f.key: f.status for f in result.functions}
    assert status == {"info": "not_offered", "tech": "not_offered", "startup": "not_met", "training": "met",
                      "financing": "not_offered"}
    assert result.item("tech_expert_pool").status == "ignored"  # type: ignore[union-attr]
    status = {f.key: f.status for f in evaluate(profile(offered=False, tech_expert_pool=True)).functions}
    assert set(status.values()) == {"undecided"}


def test_to_dict_has_the_spec_keys_and_items_with_gaps() -> None:
    d = evaluate(profile("info", total_assets_wan=50)).to_dict()
    assert {"verdict", "failed", "missing", "functions_met"} <= set(d)
    assets = next(i for i in d["items"] if i["key"] == "total_assets_wan")
    assert assets["status"] == "fail" and assets["threshold"] == 100 and assets["unit"] == "万元"
    assert d["functions_offered"] == ["info"]


# --- accepted values ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("total_assets_wan", -5), ("satisfaction_pct", 180), ("service_staff", 10.5), ("legal_person", "是"),
        ("legal_person", 1), ("satisfaction_pct", "85%"), ("total_assets_wan", "很多"), ("years_operating", True),
        ("org_type", "university"), ("org_type", 3), ("functions_offered", ["consulting"]),
        ("functions_offered", "info"), ("not_a_key", 1), ("qualified_staff_pct", float("nan")),
        ("aggregated_orgs", -1), ("public_welfare_pct", 100.5),
    ],
)
def test_bad_values_are_rejected_naming_the_key(key: str, value: Any) -> None:
    with pytest.raises(UserInputError) as info:
        validate_value(key, value)
    assert info.value.key == key
    message = str(info.value)
    assert key in message and "\n" not in message


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("service_staff", 10.0, 10), ("total_assets_wan", 120.5, 120.5), ("satisfaction_pct", 0, 0),
        ("satisfaction_pct", 100, 100), ("legal_person", False, False), ("org_type", "other", "other"),
        ("functions_offered", ["financing", "info", "info"], ("info", "financing")), ("functions_offered", [], ()),
        ("years_operating", None, None),
    ],
)
def test_good_values_are_canonical(key: str, value: Any, expected: Any) -> None:
    got = validate_value(key, value)
    assert got == expected and type(got) is type(expected)


def test_validate_profile_drops_nulls_and_rejects_unknown_keys() -> None:
    assert validate_profile({"legal_person": True, "satisfaction_pct": None}) == {"legal_person": True}
    with pytest.raises(UserInputError, match="assets"):
        validate_profile({"assets": 100})
    with pytest.raises(UserInputError):
        evaluate({"satisfaction_pct": "85%"})


# --- thresholds live only in indicators.yml ----------------------------------------------------------------------

def _raw() -> Any:
    return copy.deepcopy(load_file("indicators.yml"))


def test_thresholds_are_read_from_the_data() -> None:
    raw = _raw()
    next(e for e in raw["basic"] if e["key"] == "total_assets_wan")["require"] = {"min": 500}
    changed = parse_indicators(raw)
    assert evaluate(profile("info"), changed).failed == ("total_assets_wan",)
    assert evaluate(profile("info", total_assets_wan=500), changed).verdict == "eligible"


@pytest.mark.parametrize(
    ("mutate", "where"),
    [
        (lambda r: r["basic"][0].pop("require"), "basic[0](legal_person).require"),
        (lambda r: r["basic"][2].update(type="float"), "basic[2](years_operating).type"),
        (lambda r: r["basic"][3].update(require={"min": "100"}), "basic[3](total_assets_wan).require"),
        (lambda r: r["basic"][7].update(condition="nope"), "basic(smes_served_year_before).condition"),
        (lambda r: r["functions"][0]["items"].append(dict(r["functions"][0]["items"][0])),
         "functions[0](info).items[3](info_online_system)"),
        (lambda r: r["functions"][1].pop("clause"), "functions[1](tech).clause"),
        (lambda r: r["conditions"][0].update(greater="nope"), "conditions[0].greater"),
        (lambda r: r.pop("qualitative"), "qualitative"),
        (lambda r: r["basic"][1].update(require={"in": ["nope"]}), "basic[1](org_type).require"),
    ],
)
def test_invalid_indicator_data_names_file_and_key(mutate: Any, where: str) -> None:
    raw = _raw()
    mutate(raw)
    with pytest.raises(KnowledgeError) as info:
        parse_indicators(raw, "knowledge/indicators.yml")
    assert info.value.file == "knowledge/indicators.yml"
    assert info.value.key == where


def test_typed_view() -> None:
    ind = load_indicators()
    assets = ind["total_assets_wan"]
    assert (assets.type, assets.unit, assets.threshold) == ("number", "万元", 100)
    assert assets.clause == "二、申报条件（一）第1项"
    assert ind.get("nope") is None
    assert ind.conditions[0].key == "sme_growth" and ind.conditions[0].interpretation
    assert [f.key for f in ind.functions] == list(FUNCTION_PASS)
    assert [q.key for q in ind.qualitative] == ["prospects", "reputation", "demonstration"]
    assert ind["org_type"].choices["research_institute"] == "科研院所"
    with pytest.raises(AttributeError):
        assets.label = "x"  # type: ignore[misc]
