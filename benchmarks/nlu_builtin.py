"""Prints what the built-in NLU costs (figures, not a test): training and loading time from a cold start,
p50/p99 latency of one parse and of one parse + answer in process, and the peak RSS of `shenbao ask`.

    .venv/bin/python benchmarks/nlu_builtin.py [--rounds N]

Cold start runs in child processes with an empty cache directory (training) and then with the warm cache
(loading). Latency uses the held-out questions of nlu/eval/heldout.yml (or of --data FILE, e.g.
nlu/eval/heldout_en.yml). Parse + answer goes through the Assistant with an in-memory SQLite store (state read
and written every turn, as in production).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
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


def _child_seconds(cache: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the whole child process including interpreter start)."""
    env = {**os.environ, "SHENBAO_CACHE_DIR": str(cache)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run([PYTHON, "-c", LOAD_SNIPPET], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return float(out.stdout.strip().splitlines()[-1]), cpu


def cold_start() -> tuple[tuple[float, float], tuple[float, float]]:
    """(train from nothing, load the cached model), each in a fresh process, as (wall, CPU) seconds."""
    cache = Path(tempfile.mkdtemp(prefix="shenbao-nlu-bench-"))
    try:
        return _child_seconds(cache), _child_seconds(cache)
    finally:
        shutil.rmtree(cache, ignore_errors=True)


def _p50_p99(samples: list[float]) -> tuple[float, float]:
    samples = sorted(samples)
    return statistics.median(samples) * 1000, samples[min(len(samples) - 1, int(len(samples) * 0.99))] * 1000


def percentiles(call: Callable[[str], object], questions: list[str], rounds: int) -> str:
    """Wall-clock and CPU (this thread) percentiles: on a loaded machine the wall clock includes waiting for
    a core, the CPU time is what the call itself costs."""
    wall, cpu = [], []
    for _ in range(rounds):
        for q in questions:
            start, start_cpu = time.perf_counter(), time.thread_time()
            call(q)
            cpu.append(time.thread_time() - start_cpu)
            wall.append(time.perf_counter() - start)
    (w50, w99), (c50, c99) = _p50_p99(wall), _p50_p99(cpu)
    return f"wall p50 {w50:6.2f} ms  p99 {w99:6.2f} ms | cpu p50 {c50:6.2f} ms  p99 {c99:6.2f} ms  ({len(wall)} calls)"


def latency(rounds: int, data: Path | None = None) -> list[str]:
    import datetime

    from dialogs._types import Incoming
    from dialogs.assistant import Assistant
    from dialogs.store import Store
    from knowledge import compose
    from nlu import reset_engine
    from nlu._builtin import BuiltinEngine
    from nlu._training_data import EVAL_FILE, load_training_data

    engine = BuiltinEngine.load()
    reset_engine(engine)
    questions = [text for text, _ in load_training_data(data or EVAL_FILE, evaluation=True).examples]
    assistant = Assistant(Store("sqlite://"))
    counter = iter(range(10**9))

    def turn(q: str) -> object:  # a new user per question: every turn is a first, stand-alone question
        return assistant.handle(Incoming("bench", f"u{next(counter) % 50}", q))

    today = datetime.date.today()

    def answer(q: str) -> object:  # parse + the reply from knowledge/ (template, figures, clauses), no storage
        parsed = engine.parse(q)
        return compose(parsed.intent, q, parsed.entities, today, lang=parsed.lang)

    for q in questions:
        answer(q)
        turn(q)
    calls = (("parse", engine.parse), ("parse + answer (knowledge.compose)", answer),
             ("whole turn (Assistant, in-memory SQLite)", turn))
    return [f"{label:<42} {percentiles(call, questions, rounds)}" for label, call in calls]


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
    parser.add_argument("--data", type=Path, default=None,
                        help="questions for the latency figures (default nlu/eval/heldout.yml; "
                             "nlu/eval/heldout_en.yml for English)")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"load average {os.getloadavg()[0]:.1f}")
    (train_s, train_cpu), (load_s, load_cpu) = cold_start()
    print(f"cold start, empty cache (train on nlu.yml + 5-fold calibration): wall {train_s:6.2f} s, "
          f"cpu {train_cpu:6.2f} s")
    print(f"cold start, cached model (load):                                wall {load_s:6.2f} s, "
          f"cpu {load_cpu:6.2f} s")
    for line in latency(args.rounds, args.data):
        print(line)
    command = ask_command()
    rc, rss = peak_rss_mb(command)
    shown = " ".join(Path(c).name if i == 0 else c for i, c in enumerate(command))
    print(f"peak RSS of `{shown}` (warm cache): {rss:.0f} MB (exit {rc})")


if __name__ == "__main__":
    main()
