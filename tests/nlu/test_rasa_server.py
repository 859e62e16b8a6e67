"""The ``rasa`` engine against a REAL Rasa server (``scripts/rasa.sh setup && train && serve``; ``RASA_URL``
names it). Marked ``rasa``: scripts/test.sh runs these only in its Rasa step."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest
import yaml

from nlu import FALLBACK_INTENT
from nlu._rasa import DEFAULT_URL, RasaEngine

pytestmark = pytest.mark.rasa

# the file the server was trained on (scripts/rasa.sh reads the same variable)
NLU_FILE = Path(os.environ.get("SHENBAO_RASA_NLU") or Path(__file__).resolve().parents[2] / "nlu" / "nlu.yml")


@pytest.fixture(scope="module")
def rasa_url() -> str:
    url = os.environ.get("RASA_URL", "").strip() or DEFAULT_URL
    try:
        httpx.get(f"{url.rstrip('/')}/status", timeout=5.0, trust_env=False).raise_for_status()
    except httpx.HTTPError as exc:
        pytest.fail(f"no Rasa server at {url} ({exc}): run scripts/rasa.sh setup && train && serve")
    return url


def _training_intents() -> set[str]:
    data = yaml.safe_load(NLU_FILE.read_text(encoding="utf-8"))
    return {item["intent"] for item in data["nlu"] if "intent" in item}


def test_real_rasa_parses_into_parse_result(rasa_url: str) -> None:
    engine = RasaEngine(rasa_url, timeout=10.0)
    result = engine.parse("申报需要提交哪些材料？")
    assert result.engine == "rasa" and engine.status()["rasa"] == "up"
    assert result.intent in _training_intents() | {FALLBACK_INTENT}
    assert 0.0 <= result.confidence <= 1.0
    assert result.intent_ranking and result.intent_ranking[0].name in _training_intents() | {FALLBACK_INTENT}
    confidences = [s.confidence for s in result.intent_ranking]
    assert confidences == sorted(confidences, reverse=True)
    assert result.to_dict()["intent"]["name"] == result.intent


def test_real_rasa_recognises_most_training_examples(rasa_url: str) -> None:
    """DIET trained on nlu.yml must give back the intent of most of its own examples (first one per intent;
    the best intent other than ``nlu_fallback``, which Rasa's FallbackClassifier puts first when unsure)."""
    data = yaml.safe_load(NLU_FILE.read_text(encoding="utf-8"))
    firsts = {item["intent"]: item["examples"].strip().splitlines()[0].lstrip("- ").strip()
              for item in data["nlu"] if "intent" in item}
    engine = RasaEngine(rasa_url, timeout=10.0)
    best = {intent: next(s.name for s in engine.parse(text).intent_ranking if s.name != FALLBACK_INTENT)
            for intent, text in firsts.items()}
    hits = sum(best[intent] == intent for intent in firsts)
    assert hits >= 0.7 * len(firsts), f"{hits}/{len(firsts)}"


def test_real_rasa_out_of_scope_is_nlu_fallback_or_low(rasa_url: str) -> None:
    result = RasaEngine(rasa_url, timeout=10.0).parse("明天拉萨的天气怎么样，适合去布达拉宫吗")
    assert result.engine == "rasa"
    assert result.intent == FALLBACK_INTENT or result.confidence < 0.9


def test_ask_json_reports_rasa(rasa_url: str) -> None:
    import json
    import subprocess
    import sys

    env = {**os.environ, "SHENBAO_NLU": "rasa", "RASA_URL": rasa_url}
    out = subprocess.run([sys.executable, "-m", "bot", "ask", "--json"], input="申报需要提交哪些材料？\n", env=env,
                         capture_output=True, text=True, timeout=120, check=True)
    (answer,) = [json.loads(line) for line in out.stdout.splitlines()]
    assert answer["engine"] == "rasa" and answer["text"]
