"""Instructions per turn: the CPU cost of one REST turn of `shenbao serve` counted by valgrind's callgrind, which
counts instructions, not seconds. Runs of the same code agree within about 3 % (the order in which the 10
connections' requests interleave varies), whatever else the machine is doing, so it compares commits, and
machines of unequal speed, where turns/s cannot (the same commit gave 330 turns/s on one 2-core machine and
690 on another). Kernel time (system calls) is not counted; it was under a tenth of the server's CPU.

    .venv/bin/python benchmarks/turn_instructions.py [--turns 600] [--warmup 200] [--ref HEAD~3 ...]

The server runs under callgrind (about 50× slower) on SQLite with the built-in NLU; the load is
`service_load.py`'s script (10 connections, many senders, questions and self-check turns). Counting starts
after the warm-up and stops after the measured turns, so start-up and model loading are not counted. Each
`--ref` is a commit measured the same way from a temporary worktree, for a before/after table.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.service_load import (  # noqa: E402
    CONNECTIONS,
    HttpConnection,
    Script,
    free_port,
    heldout_questions,
    wait_http,
)


async def drive(url: str, turns: int, script: Script, prefix: str) -> int:
    """Send ``turns`` REST turns over 10 connections; returns the number of failed turns. The senders are as
    many as give each the 3.3 turns a sender gets in a 15-s run of `service_load.py` (3,000 senders, ~10,000
    turns): mostly first contacts, and self-check answers beyond the first question."""
    senders = [f"{prefix}-{i}" for i in range(max(CONNECTIONS, round(turns * 0.3)))]
    failures = 0

    async def worker(w: int) -> None:
        nonlocal failures
        conn = HttpConnection(url)
        try:
            for n in range(w, turns, CONNECTIONS):
                sender = senders[n % len(senders)]
                body = json.dumps({"sender": sender, "message": script.next_message(sender)}).encode()
                status, data = await conn.post(body)
                failures += status != 200 or not isinstance(data, list) or not data
        finally:
            conn.close()

    await asyncio.gather(*(worker(w) for w in range(CONNECTIONS)))
    return failures


def measure(checkout: Path, turns: int, warmup: int) -> tuple[float, int]:
    """(million instructions per turn, failed turns) of the server in ``checkout``."""
    tmp = Path(tempfile.mkdtemp(prefix="shenbao-ir-"))
    port = free_port()
    env = {**os.environ, "SHENBAO_DATABASE_URL": f"sqlite:///{tmp / 'ir.db'}", "SHENBAO_NLU": "builtin",
           "SHENBAO_LOG_LEVEL": "WARNING", "PYTHONPATH": str(checkout)}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    cmd = ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={tmp}/callgrind.out.%p",
           "--dump-instr=no", "--compress-strings=no", sys.executable, "-m", "bot", "serve", "--port", str(port)]
    proc = subprocess.Popen(cmd, env=env, cwd=checkout, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_http(f"http://127.0.0.1:{port}/health", proc, limit=600)
        script = Script(heldout_questions())
        run = uuid.uuid4().hex[:6]
        url = f"http://127.0.0.1:{port}/webhooks/rest/webhook"
        asyncio.run(drive(url, warmup, script, f"warm-{run}"))
        subprocess.run(["callgrind_control", "--instr=on", str(proc.pid)], check=True, stdout=subprocess.DEVNULL)
        failures = asyncio.run(drive(url, turns, script, f"ir-{run}"))
        subprocess.run(["callgrind_control", "--instr=off", str(proc.pid)], check=True, stdout=subprocess.DEVNULL)
        subprocess.run(["callgrind_control", "--dump", str(proc.pid)], check=True, stdout=subprocess.DEVNULL)
    finally:
        proc.terminate()
        proc.wait(timeout=120)
    total = sum(_totals(p) for p in tmp.glob("callgrind.out.*"))
    shutil.rmtree(tmp, ignore_errors=True)
    return total / turns / 1e6, failures


def _totals(path: Path) -> int:
    """The instruction count of one callgrind dump file (its ``totals:`` line)."""
    for line in path.read_text(errors="replace").splitlines():
        if line.startswith("totals:"):
            return int(line.split()[1])
    return 0


def worktree(ref: str) -> Path:
    path = Path(tempfile.mkdtemp(prefix="shenbao-ref-"))
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(path), ref], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--turns", type=int, default=600)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--ref", action="append", default=[], help="a commit to measure too (before/after)")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed")
    print(f"Instructions per REST turn (callgrind), SQLite, built-in NLU, {args.turns} turns after "
          f"{args.warmup} warm-up turns\n\n| code | M instructions/turn | failed turns |\n|---|---|---|")
    for ref in args.ref:
        path = worktree(ref)
        try:
            ir, failed = measure(path, args.turns, args.warmup)
            print(f"| {ref} | {ir:.2f} | {failed} |", flush=True)
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(path)], check=False)
    ir, failed = measure(ROOT, args.turns, args.warmup)
    print(f"| this checkout | {ir:.2f} | {failed} |")


if __name__ == "__main__":
    main()
