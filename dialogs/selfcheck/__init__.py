"""The self-check: indicators (typed view of ``knowledge/indicators.yml``), value checks, the rule engine and
the report. ``from dialogs.selfcheck import evaluate`` is the contract; the private modules may move.

    result = evaluate({"legal_person": True, "total_assets_wan": 80, ...})
    result.verdict, result.failed, result.missing, result.functions_met, result.items, result.to_dict()
"""

from dialogs.selfcheck._batch import BatchSummary, run_batch
from dialogs.selfcheck._cells import parse_cell
from dialogs.selfcheck._indicators import (
    Condition,
    Function,
    Indicator,
    Indicators,
    Qualitative,
    Requirement,
    load_indicators,
    parse_indicators,
)
from dialogs.selfcheck._report import render_report
from dialogs.selfcheck._rules import (
    VERDICT_LABELS,
    FunctionResult,
    FunctionStatus,
    ItemResult,
    SelfCheckResult,
    Status,
    Verdict,
    evaluate,
    judge_items,
)
from dialogs.selfcheck._values import validate_profile, validate_value

__all__ = [
    "VERDICT_LABELS",
    "BatchSummary",
    "Condition",
    "Function",
    "FunctionResult",
    "FunctionStatus",
    "Indicator",
    "Indicators",
    "ItemResult",
    "Qualitative",
    "Requirement",
    "SelfCheckResult",
    "Status",
    "Verdict",
    "evaluate",
    "judge_items",
    "load_indicators",
    "parse_cell",
    "parse_indicators",
    "render_report",
    "run_batch",
    "validate_profile",
    "validate_value",
]
