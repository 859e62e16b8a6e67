"""Prints how fast the rule engine and the batch CSV self-check run (figures, not a test).

    .venv/bin/python benchmarks/selfcheck_batch.py [ROWS]
"""

from __future__ import annotations

import csv
import datetime
import io
import random
import sys
import time
import tracemalloc

from dialogs.selfcheck import evaluate, load_indicators, run_batch

PLAIN = {"bool": ["是", "否", "TRUE", "1", "✓"], "percent": ["85%", "百分之九十二", "79.5", "九成"]}


def cell(kind: str, unit: str | None, rng: random.Random) -> str:
    if kind in PLAIN:
        return rng.choice(PLAIN[kind])
    if unit == "万元":
        return rng.choice(["120万", "1,200,000元", "一百二十万", "95", "0.012亿"])
    if unit == "年":
        return rng.choice(["3", "两年半", "2019年3月", "1.5年"])
    return rng.choice(["25", "45家", "三十", "600人次", "1"])


def make_csv(rows: int, seed: int = 7) -> bytes:
    ind = load_indicators()
    rng = random.Random(seed)
    keys = [i for i in ind if i.type != "enum"]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "name", "机构类型", ind.functions_label, *(i.label for i in keys)])
    for n in range(rows):
        fns = "、".join(rng.sample([f.name for f in ind.functions], rng.randint(0, 3)))
        writer.writerow([n, f"机构{n}", "科研院所", fns, *(cell(i.type, i.unit, rng) for i in keys)])
    return out.getvalue().encode("gb18030")


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    data = make_csv(rows)
    run_batch(make_csv(5), io.StringIO())  # warm up (NLU patterns, templates)
    today = datetime.date(2026, 11, 26)
    start = time.perf_counter()
    summary = run_batch(data, io.StringIO(), today=today)
    elapsed = time.perf_counter() - start
    tracemalloc.start()  # measured in a second run: tracing slows the code down several times
    run_batch(data, io.StringIO(), today=today)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"batch: {rows} rows x {len(load_indicators().all_keys())} columns in {elapsed:.2f} s "
          f"({rows / elapsed:.0f} rows/s), peak traced memory {peak / 2**20:.1f} MiB; {summary.line()}")
    profile = {"legal_person": True, "total_assets_wan": 80, "functions_offered": ["info"], "info_activities": 1}
    n = 5000
    start = time.perf_counter()
    for _ in range(n):
        evaluate(profile)
    per = (time.perf_counter() - start) / n
    print(f"evaluate(): {per * 1e6:.0f} µs per profile ({n} runs)")


if __name__ == "__main__":
    main()
