"""Built-in NLU versus Rasa 3.6 DIET, trained on the same nlu/nlu.yml and scored on the same held-out file
(nlu/eval/heldout.yml): intent accuracy, macro F1, out-of-scope precision/recall, training time, model load
time, p50/p99 parse latency and peak RSS. Intents only: Rasa's numeric entities would need Duckling.

    .venv/bin/python benchmarks/nlu_compare.py [--rounds 5] [--rasa-model PATH]

Needs the Rasa venv (scripts/rasa.sh setup). Each engine runs in its own child process (shenbao's venv,
Rasa's venv) that loads the model, parses every held-out question ``--rounds`` times in process and reports
its predictions, latencies and peak RSS (VmHWM); both are scored by the same code (nlu._evaluate). Training
time: the built-in engine from an empty cache in a fresh process; Rasa's ``rasa train nlu`` (wall time, CLI
start included) unless --rasa-model gives a model already trained on the same files.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nlu._evaluate import EvaluationReport, evaluate  # noqa: E402
from nlu._rasa import result_from_rasa  # noqa: E402
from nlu._training_data import EVAL_FILE, load_training_data  # noqa: E402
from nlu._types import ParseResult  # noqa: E402

RASA_VENV = Path(os.environ.get("SHENBAO_RASA_VENV", Path.home() / ".cache/shenbao/rasa-venv"))
NLU_FILE, CONFIG_FILE = ROOT / "nlu" / "nlu.yml", ROOT / "nlu" / "config.yml"

# Runs in the engine's own process: load, parse every question `rounds` times, report as JSON on stdout.
_HARNESS_TAIL = """
import json, statistics, sys, time
questions = json.loads(sys.stdin.read())
lat, preds = [], []
for r in range(ROUNDS):
    for q in questions:
        t = time.perf_counter(); out = PARSE(q); lat.append(time.perf_counter() - t)
        if r == 0:
            preds.append(out)
lat.sort()
hwm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM"))
print(json.dumps({"load_s": LOAD_S, "p50_ms": statistics.median(lat) * 1000,
                  "p99_ms": lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000, "parses": len(lat),
                  "rss_peak_mb": hwm / 1024, "predictions": preds}, ensure_ascii=False))
"""

BUILTIN_HARNESS = """
import time
t = time.perf_counter()
from nlu._builtin import BuiltinEngine
engine = BuiltinEngine.load()
engine.parse("资产要多少")
LOAD_S = time.perf_counter() - t
PARSE = lambda q: engine.parse(q).to_dict()
"""

RASA_HARNESS = """
import asyncio, logging, os, sys, time, warnings
warnings.filterwarnings("ignore")
logging.disable(logging.WARNING)
t = time.perf_counter()
from rasa.core.agent import Agent
agent = Agent.load(sys.argv[1])
loop = asyncio.new_event_loop()
def PARSE(q):
    out = loop.run_until_complete(agent.parse_message(q))
    return {"intent": out.get("intent"), "intent_ranking": out.get("intent_ranking", [])[:10]}
PARSE("资产要多少")
LOAD_S = time.perf_counter() - t
"""


class Replay:
    """An engine that answers with predictions recorded in a child process (so scoring is shared code)."""

    def __init__(self, name: str, questions: list[str], predictions: list[dict[str, Any]]) -> None:
        self.name = name
        self._by_text = dict(zip(questions, predictions, strict=True))

    def parse(self, text: str) -> ParseResult:
        from dataclasses import replace

        return replace(result_from_rasa(text, self._by_text[text]), engine=self.name)


def _run_child(python: Path, code: str, questions: list[str], args: list[str], env: dict[str, str],
               rounds: int) -> dict[str, Any]:
    script = code + _HARNESS_TAIL.replace("ROUNDS", str(rounds))
    out = subprocess.run([str(python), "-c", script, *args], input=json.dumps(questions, ensure_ascii=False),
                         env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if out.returncode:
        raise SystemExit(f"{python} failed:\n{out.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def builtin_figures(questions: list[str], rounds: int) -> dict[str, Any]:
    cache = Path(tempfile.mkdtemp(prefix="nlu-compare-"))
    env = {**os.environ, "SHENBAO_CACHE_DIR": str(cache)}
    try:
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "from nlu._builtin import BuiltinEngine; BuiltinEngine.load()"],
                       env=env, cwd=ROOT, check=True)
        train_s = time.perf_counter() - t
        figures = _run_child(Path(sys.executable), BUILTIN_HARNESS, questions, [], env, rounds)
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    figures["train_s"] = train_s
    return figures


def rasa_train(out_dir: Path) -> tuple[Path, float]:
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
    t = time.perf_counter()
    subprocess.run([str(RASA_VENV / "bin" / "rasa"), "train", "nlu", "--nlu", str(NLU_FILE), "--config",
                    str(CONFIG_FILE), "--out", str(out_dir), "--fixed-model-name", "compare"],
                   env=env, cwd=out_dir, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return out_dir / "compare.tar.gz", time.perf_counter() - t


def rasa_figures(questions: list[str], rounds: int, model: Path | None) -> dict[str, Any]:
    if not (RASA_VENV / "bin" / "rasa").exists():
        raise SystemExit(f"no Rasa venv at {RASA_VENV}: run scripts/rasa.sh setup")
    work = Path(tempfile.mkdtemp(prefix="nlu-compare-rasa-"))
    try:
        train_s: float | None = None
        if model is None:
            model, train_s = rasa_train(work)
        env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "3"}
        figures = _run_child(RASA_VENV / "bin" / "python", RASA_HARNESS, questions, [str(model)], env, rounds)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    figures["train_s"] = train_s
    return figures


def _row(label: str, builtin: str, rasa: str, ratio: str = "") -> str:
    return f"| {label} | {builtin} | {rasa} | {ratio} |"


def table(b: dict[str, Any], r: dict[str, Any], rb: EvaluationReport, rr: EvaluationReport) -> str:
    def x(slow: float | None, fast: float) -> str:
        return f"{slow / fast:.0f}×" if slow and fast else ""

    rasa_train = f"{r['train_s']:.1f} s" if r["train_s"] is not None else "(given model)"
    lines = [
        f"NLU comparison, {datetime.date.today()}, {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; {rb.total} held-out questions ({rb.file}), "
        f"{b['parses']} parses per engine",
        "",
        "| | built-in | Rasa 3.6 DIET | Rasa / built-in |",
        "|---|---|---|---|",
        _row("intent accuracy", f"{rb.accuracy:.1%}", f"{rr.accuracy:.1%}"),
        _row("macro F1", f"{rb.macro_f1:.3f}", f"{rr.macro_f1:.3f}"),
        _row("out-of-scope precision", f"{rb.oos_precision:.1%}", f"{rr.oos_precision:.1%}"),
        _row("out-of-scope recall", f"{rb.oos_recall:.1%}", f"{rr.oos_recall:.1%}"),
        _row("training time", f"{b['train_s']:.2f} s", rasa_train, x(r["train_s"], b["train_s"])),
        _row("model load time", f"{b['load_s']:.2f} s", f"{r['load_s']:.2f} s", x(r["load_s"], b["load_s"])),
        _row("parse p50", f"{b['p50_ms']:.2f} ms", f"{r['p50_ms']:.2f} ms", x(r["p50_ms"], b["p50_ms"])),
        _row("parse p99", f"{b['p99_ms']:.2f} ms", f"{r['p99_ms']:.2f} ms", x(r["p99_ms"], b["p99_ms"])),
        _row("peak RSS", f"{b['rss_peak_mb']:.0f} MB", f"{r['rss_peak_mb']:.0f} MB",
             x(r["rss_peak_mb"], b["rss_peak_mb"])),
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5, help="parses of each held-out question (latency)")
    parser.add_argument("--rasa-model", type=Path, help="a Rasa model trained on nlu/ (skips Rasa training)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args()
    questions = list(dict.fromkeys(t for t, _ in load_training_data(EVAL_FILE, evaluation=True).examples))
    b = builtin_figures(questions, args.rounds)
    r = rasa_figures(questions, args.rounds, args.rasa_model)
    rb = evaluate(Replay("builtin", questions, b.pop("predictions")))
    rr = evaluate(Replay("rasa", questions, r.pop("predictions")))
    print(table(b, r, rb, rr))
    if args.json:
        report = {"builtin": {**b, "accuracy": rb.accuracy, "macro_f1": rb.macro_f1, "oos_precision":
                              rb.oos_precision, "oos_recall": rb.oos_recall},
                  "rasa": {**r, "accuracy": rr.accuracy, "macro_f1": rr.macro_f1, "oos_precision":
                           rr.oos_precision, "oos_recall": rr.oos_recall}}
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
