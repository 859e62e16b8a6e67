"""Prints what the built-in NLU costs (figures, not a test): training and loading time from a cold start,
p50/p99 latency of one parse and of one parse + answer in process, and the peak RSS of `shenbao ask`.

    .venv/bin/python benchmarks/nlu_builtin.py [--rounds N]

Cold start runs in child processes with an empty cache directory (training) and then with the warm cache
(loading). Latency uses the held-out questions of nlu/eval/heldout.yml. Parse + answer goes through the
Assistant with an in-memory SQLite store (state read and written every turn, as in production).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
LOAD_SNIPPET = (
    "import time; t = time.perf_counter(); from nlu._builtin import BuiltinEngine; e = BuiltinEngine.load(); "
    "e.parse('资产要多少'); print(time.perf_counter() - t)"
)
RSS_WRAPPER = (
    "import resource, subprocess, sys; rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode; "
    "print(rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def _child_seconds(cache: Path) -> float:
    env = {**os.environ, "SHENBAO_CACHE_DIR": str(cache)}
    out = subprocess.run([PYTHON, "-c", LOAD_SNIPPET], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def cold_start() -> tuple[float, float]:
    """(seconds to train from nothing, seconds to load the cached model), each in a fresh process."""
    cache = Path(tempfile.mkdtemp(prefix="shenbao-nlu-bench-"))
    try:
        return _child_seconds(cache), _child_seconds(cache)
    finally:
        shutil.rmtree(cache, ignore_errors=True)


def percentiles(call: Callable[[str], object], questions: list[str], rounds: int) -> tuple[float, float, int]:
    samples = []
    for _ in range(rounds):
        for q in questions:
            start = time.perf_counter()
            call(q)
            samples.append(time.perf_counter() - start)
    samples.sort()
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    return statistics.median(samples) * 1000, p99 * 1000, len(samples)


def latency(rounds: int) -> list[str]:
    from dialogs._types import Incoming
    from dialogs.assistant import Assistant
    from dialogs.store import Store
    from nlu import reset_engine
    from nlu._builtin import BuiltinEngine
    from nlu._training_data import EVAL_FILE, load_training_data

    engine = BuiltinEngine.load()
    reset_engine(engine)
    questions = [text for text, _ in load_training_data(EVAL_FILE, evaluation=True).examples]
    assistant = Assistant(Store("sqlite://"))
    counter = iter(range(10**9))

    def turn(q: str) -> object:  # a new user per question: every turn is a first, stand-alone question
        return assistant.handle(Incoming("bench", f"u{next(counter) % 50}", q))

    for q in questions:
        engine.parse(q)
        turn(q)
    lines = []
    for label, call in (("parse", engine.parse), ("parse + answer (Assistant, in-memory SQLite)", turn)):
        p50, p99, n = percentiles(call, questions, rounds)
        lines.append(f"{label:<46} p50 {p50:6.2f} ms   p99 {p99:6.2f} ms   ({n} calls)")
    return lines


def peak_rss_mb(command: list[str]) -> tuple[int, float]:
    out = subprocess.run([PYTHON, "-c", RSS_WRAPPER, *command], cwd=ROOT, capture_output=True, text=True, check=True)
    rc, kb = out.stdout.split()
    return int(rc), int(kb) / 1024


def ask_command() -> list[str]:
    shenbao = Path(PYTHON).with_name("shenbao")
    probe = subprocess.run([str(shenbao), "ask", "--help"], capture_output=True, text=True)
    if probe.returncode == 0:
        return [str(shenbao), "ask", "资产要多少"]
    return [PYTHON, "-c", "from nlu import parse; print(parse('资产要多少').intent)"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=20, help="passes over the held-out questions")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"load average {os.getloadavg()[0]:.1f}")
    train_s, load_s = cold_start()
    print(f"cold start, empty cache (train on nlu.yml + 5-fold calibration): {train_s:6.2f} s")
    print(f"cold start, cached model (load):                                {load_s:6.2f} s")
    for line in latency(args.rounds):
        print(line)
    command = ask_command()
    rc, rss = peak_rss_mb(command)
    shown = " ".join(Path(c).name if i == 0 else c for i, c in enumerate(command))
    print(f"peak RSS of `{shown}` (warm cache): {rss:.0f} MB (exit {rc})")


if __name__ == "__main__":
    main()
