"""Load on loopback: `shenbao serve` (REST channel, whole turns with state written every turn), its
`/model/parse`, and the same against a Rasa server (the exported project's REST channel and Rasa's
`/model/parse`). 10 concurrent connections without think time, many distinct senders, mixed questions and
self-check turns. Prints turns/s, p50/p99 latency, errors and the servers' RSS, and the ratios.

    .venv/bin/python benchmarks/service_load.py shenbao [--seconds 20] [--db sqlite|postgres] [--workers 1]
    .venv/bin/python benchmarks/service_load.py rasa-project      # exports, trains (cached) and serves it
        (SHENBAO_RASA_EPOCHS=N trains the exported project with N DIET epochs: same inference cost, less waiting)
    .venv/bin/python benchmarks/service_load.py parse             # both /model/parse endpoints
    .venv/bin/python benchmarks/service_load.py scaling [--sizes 1000,10000,100000]   # PostgreSQL, 2 workers
    .venv/bin/python benchmarks/service_load.py all

The load generator (one process: asyncio streams, keep-alive HTTP/1.1, every reply read and checked) runs on
the same 2 cores as the server, as the targets require. With several workers each connection's requests go to
their ports round-robin, standing in for the reverse proxy. RSS is VmHWM (peak) of each server process, summed
over workers.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import platform
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SHENBAO = ROOT / ".venv" / "bin" / "shenbao"
# the server runs this checkout's code (also from a git worktree whose .venv is another checkout's)
SERVE = [sys.executable, "-m", "bot", "serve"]
RASA_SH = ROOT / "scripts" / "rasa.sh"
PG_URL = os.environ.get("SHENBAO_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
CONNECTIONS = 10

SELFCHECK = ["我想自测", "我们是2019年3月成立的", "资产大概一百二十万", "去年服务了35家中小企业", "满意度百分之九十二",
             "服务人员有12个人", "跳过", "上一步", "资产一百五十万", "有固定的经营场所"]


def heldout_questions() -> list[str]:
    from nlu._training_data import EVAL_FILE, load_training_data

    return list(dict.fromkeys(t for t, _ in load_training_data(EVAL_FILE, evaluation=True).examples))


@dataclass
class Result:
    name: str
    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    rss_mb: float = 0.0
    error_samples: list[str] = field(default_factory=list)
    server_cpu: float = 0.0  # CPU seconds (user + system) of the server processes during the run
    client_cpu: float = 0.0  # CPU seconds of the load generator during the run

    @property
    def turns_per_s(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        xs = sorted(self.latencies)
        return xs[min(len(xs) - 1, int(len(xs) * q))] * 1000

    def cpu_ms(self, seconds: float) -> str:
        return f"{1000 * seconds / len(self.latencies):.2f}" if self.latencies and seconds else "–"

    def row(self) -> str:
        return (f"| {self.name} | {self.turns_per_s:.0f} | {self.pct(0.5):.1f} | {self.pct(0.99):.1f} | "
                f"{self.errors} | {self.rss_mb:.0f} | {self.cpu_ms(self.server_cpu)} | "
                f"{self.cpu_ms(self.client_cpu)} |")


HEADER = ("| target | turns/s | p50 ms | p99 ms | errors | RSS MB | server CPU ms/turn | generator CPU ms/turn |\n"
          "|---|---|---|---|---|---|---|---|")


class Script:
    """Per sender, the next message: a self-check dialogue for some senders, questions for the others."""

    def __init__(self, questions: list[str], seed: int = 7) -> None:
        self.questions = questions
        self.rng = random.Random(seed)
        self.position: dict[str, int] = {}

    def next_message(self, sender: str) -> str:
        i = self.position.get(sender, 0)
        self.position[sender] = i + 1
        if hash(sender) % 3 == 0:  # a third of the senders run the self-check, then ask questions
            return SELFCHECK[i] if i < len(SELFCHECK) else self.rng.choice(self.questions)
        return self.rng.choice(self.questions)


class HttpConnection:
    """One keep-alive HTTP/1.1 connection on raw asyncio streams: the generator shares the 2 cores with the
    server, so it spends as little CPU as it can (aiohttp's client took about 0.6 ms per request). Each request
    is a real POST; each reply is read in full, its status checked and its JSON body decoded."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.head = (f"POST {parts.path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
                     "Content-Type: application/json\r\nContent-Length: ").encode()
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def post(self, body: bytes) -> tuple[int, Any]:
        if self.streams is None:
            self.streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self.streams
        try:
            writer.write(self.head + str(len(body)).encode() + b"\r\n\r\n" + body)
            status, headers = await self._head(reader)
            raw = await self._body(reader, headers)
        except BaseException:
            self.close()
            raise
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, json.loads(raw)

    @staticmethod
    async def _head(reader: asyncio.StreamReader) -> tuple[int, dict[str, str]]:
        block = await reader.readuntil(b"\r\n\r\n")
        lines = block.decode("latin-1").split("\r\n")
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        return int(lines[0].split()[1]), headers

    @staticmethod
    async def _body(reader: asyncio.StreamReader, headers: dict[str, str]) -> bytes:
        if "content-length" in headers:
            return await reader.readexactly(int(headers["content-length"]))
        chunks = []
        while size := int((await reader.readuntil(b"\r\n")).strip(), 16):  # chunked
            chunks.append(await reader.readexactly(size + 2))
        await reader.readuntil(b"\r\n")
        return b"".join(c[:-2] for c in chunks)

    def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()
            self.streams = None


async def _worker(urls: list[str], kind: str, senders: list[str], script: Script, deadline: float, result: Result,
                  wid: int) -> None:
    connections = [HttpConnection(url) for url in urls]
    n = 0
    try:
        while time.perf_counter() < deadline:
            sender = senders[n % len(senders)]
            text = script.next_message(sender)
            conn = connections[(wid + n) % len(connections)]
            n += 1
            body = {"sender": sender, "message": text} if kind == "rest" else {"text": text}
            start = time.perf_counter()
            try:
                status, data = await asyncio.wait_for(conn.post(json.dumps(body).encode()), 30)
                ok = status == 200 and (isinstance(data, list) and bool(data) if kind == "rest" else "intent" in data)
            except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as exc:
                ok, data = False, repr(exc)
            if ok:
                result.latencies.append(time.perf_counter() - start)
            else:
                result.errors += 1
                if len(result.error_samples) < 3:
                    result.error_samples.append(f"{text!r} -> {str(data)[:200]}")
    finally:
        for conn in connections:
            conn.close()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (all its threads) from /proc; 0 when it cannot be read."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def run_load(name: str, urls: list[str], kind: str, seconds: float, questions: list[str],
                   senders_total: int = 3000, warmup: float = 2.0, pids: tuple[int, ...] = ()) -> Result:
    script = Script(questions)
    run = uuid.uuid4().hex[:6]
    senders = [f"bench-{run}-{i}" for i in range(senders_total)]
    per_worker = [senders[w::CONNECTIONS] for w in range(CONNECTIONS)]
    if warmup:
        scratch = Result(name, warmup)
        end = time.perf_counter() + warmup
        await asyncio.gather(*(_worker(urls, kind, [f"warm-{run}-{w}"], script, end, scratch, w)
                               for w in range(CONNECTIONS)))
    result = Result(name, seconds)
    server_cpu, client_cpu = sum(map(cpu_seconds, pids)), time.process_time()
    start = time.perf_counter()
    await asyncio.gather(*(_worker(urls, kind, per_worker[w], script, start + seconds, result, w)
                           for w in range(CONNECTIONS)))
    result.seconds = time.perf_counter() - start
    result.server_cpu = sum(map(cpu_seconds, pids)) - server_cpu
    result.client_cpu = time.process_time() - client_cpu
    return result


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def peak_rss_mb(pid: int) -> float:
    """VmHWM of the process and its children (a serve worker may fork)."""
    total = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmHWM"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def wait_http(url: str, proc: subprocess.Popen[bytes], limit: float = 120.0) -> None:
    import urllib.request

    end = time.time() + limit
    while time.time() < end:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode} before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status < 500:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer in {limit:.0f}s")


Server = tuple[int, "subprocess.Popen[bytes]"]


@contextmanager
def shenbao_servers(db_url: str, workers: int, nlu: str = "builtin") -> Iterator[list[Server]]:
    env = {**os.environ, "SHENBAO_DATABASE_URL": db_url, "SHENBAO_NLU": nlu, "SHENBAO_LOG_LEVEL": "WARNING",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    servers: list[Server] = []
    try:
        for _ in range(workers):
            port = free_port()
            proc = subprocess.Popen([*SERVE, "--host", "127.0.0.1", "--port", str(port)], env=env,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
            servers.append((port, proc))
            wait_http(f"http://127.0.0.1:{port}/health", proc)
        yield servers
    finally:
        for _, proc in servers:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for _, proc in servers:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def bench_shenbao(seconds: float, db: str, workers: int, questions: list[str], label: str = "") -> list[Result]:
    tmp = Path(tempfile.mkdtemp(prefix="shenbao-load-"))
    schema = None
    try:
        if db == "sqlite":
            url = f"sqlite:///{tmp / 'load.db'}"
        else:
            url, schema = pg_schema_url()
        with shenbao_servers(url, workers) as servers:
            rest = [f"http://127.0.0.1:{p}/webhooks/rest/webhook" for p, _ in servers]
            parse = [f"http://127.0.0.1:{p}/model/parse" for p, _ in servers]
            name = label or f"shenbao serve, {db}, {workers} worker{'s' if workers > 1 else ''}"
            pids = tuple(proc.pid for _, proc in servers)
            r1 = asyncio.run(run_load(f"{name}: REST turns", rest, "rest", seconds, questions, pids=pids))
            r2 = asyncio.run(run_load(f"{name}: /model/parse", parse, "parse", seconds, questions, pids=pids))
            rss = sum(peak_rss_mb(proc.pid) for _, proc in servers)
            r1.rss_mb = r2.rss_mb = rss
            return [r1, r2]
    finally:
        if schema:
            drop_schema(schema)
        shutil.rmtree(tmp, ignore_errors=True)


def pg_schema_url() -> tuple[str, str]:
    from urllib.parse import quote

    from sqlalchemy import create_engine, text

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    engine = create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}options={quote(f'-csearch_path={schema}')}", schema


def drop_schema(schema: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


def preload(db_url: str, count: int) -> None:
    """`count` stored conversations (users with a saved dialogue state), inserted in bulk."""
    from sqlalchemy import create_engine, text

    from dialogs.store import Store

    Store(db_url).dispose()  # runs the migrations
    now = datetime.datetime.now(datetime.UTC)
    state = json.dumps({"flow": None, "step": None, "slots": {}, "history": [], "privacy_notice_shown": True})
    engine = create_engine(db_url)
    with engine.begin() as conn:
        for start in range(0, count, 10_000):
            rows = [{"c": "rest", "e": f"stored-{i}", "t": now} for i in range(start, min(count, start + 10_000))]
            conn.execute(text("INSERT INTO users (channel, external_id, created_at, last_active_at) "
                              "VALUES (:c, :e, :t, :t)"), rows)
        conn.execute(text("INSERT INTO conversations (user_id, state_json, updated_at) "
                          "SELECT id, :s, :t FROM users WHERE external_id LIKE 'stored-%'"), {"s": state, "t": now})
        conn.execute(text("ANALYZE"))
    engine.dispose()


def bench_scaling(seconds: float, sizes: list[int], questions: list[str]) -> list[Result]:
    out = []
    for size in sizes:
        url, schema = pg_schema_url()
        try:
            preload(url, size)
            with shenbao_servers(url, 2) as servers:
                rest = [f"http://127.0.0.1:{p}/webhooks/rest/webhook" for p, _ in servers]
                r = asyncio.run(run_load(f"PostgreSQL, 2 workers, {size:,} stored conversations", rest, "rest",
                                         seconds, questions, pids=tuple(proc.pid for _, proc in servers)))
                r.rss_mb = sum(peak_rss_mb(proc.pid) for _, proc in servers)
                out.append(r)
        finally:
            drop_schema(schema)
    return out


@contextmanager
def rasa_project_server() -> Iterator[int]:
    """Export the Rasa project, train it (cached by content), serve it; yields the port."""
    import hashlib

    cache = Path(os.environ.get("SHENBAO_RASA_CACHE", Path.home() / ".cache/shenbao/rasa")) / "projects"
    staging = Path(tempfile.mkdtemp(prefix="rasa-export-"))
    subprocess.run([str(SHENBAO), "rasa", "export", "--force", str(staging)], check=True, stdout=subprocess.DEVNULL)
    epochs = os.environ.get("SHENBAO_RASA_EPOCHS")
    if epochs:  # throughput does not depend on how long DIET trained; a shorter training saves many minutes
        import yaml

        config = yaml.safe_load((staging / "config.yml").read_text(encoding="utf-8"))
        for step in config["pipeline"]:
            if step.get("name") == "DIETClassifier":
                step["epochs"] = int(epochs)
        (staging / "config.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False),
                                            encoding="utf-8")
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in sorted(staging.rglob("*.yml")))).hexdigest()[:16]
    project = cache / digest
    if not (project / "models" / "project.tar.gz").exists():
        shutil.rmtree(project, ignore_errors=True)
        project.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(staging, project)
        t = time.perf_counter()
        subprocess.run(["bash", str(RASA_SH), "project-train", str(project)], check=True, stdout=subprocess.DEVNULL)
        print(f"(rasa train of the exported project: {time.perf_counter() - t:.0f} s)", file=sys.stderr)
    shutil.rmtree(staging, ignore_errors=True)
    port = free_port()
    subprocess.run(["bash", str(RASA_SH), "project-serve", str(project), str(port)], check=True,
                   stdout=subprocess.DEVNULL)
    try:
        yield port
    finally:
        subprocess.run(["bash", str(RASA_SH), "stop", str(port)], check=False)


def rasa_pid(port: int) -> int:
    cache = Path(os.environ.get("SHENBAO_RASA_CACHE", Path.home() / ".cache/shenbao/rasa"))
    return int((cache / "run" / f"rasa-{port}.pid").read_text().strip())


def bench_rasa(seconds: float, questions: list[str]) -> list[Result]:
    with rasa_project_server() as port:
        rest = [f"http://127.0.0.1:{port}/webhooks/rest/webhook"]
        parse = [f"http://127.0.0.1:{port}/model/parse"]
        r1 = asyncio.run(run_load("Rasa 3.6 exported project: REST turns", rest, "rest", seconds, questions))
        r2 = asyncio.run(run_load("Rasa 3.6: /model/parse", parse, "parse", seconds, questions))
        r1.rss_mb = r2.rss_mb = peak_rss_mb(rasa_pid(port))
        return [r1, r2]


def ratios(ours: Result, theirs: Result) -> str:
    return (f"| {ours.name} vs {theirs.name} | {ours.turns_per_s / max(theirs.turns_per_s, 1e-9):.1f}× | "
            f"{theirs.pct(0.5) / ours.pct(0.5):.1f}× | {theirs.pct(0.99) / ours.pct(0.99):.1f}× | "
            f"{theirs.rss_mb / max(ours.rss_mb, 1e-9):.1f}× |")


def print_results(results: list[Result]) -> None:
    print(HEADER)
    for r in results:
        print(r.row())
    for r in results:
        for sample in r.error_samples:
            print(f"  error ({r.name}): {sample}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["shenbao", "rasa-project", "parse", "scaling", "all"])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--sizes", default="1000,10000,100000")
    args = parser.parse_args()
    questions = heldout_questions()
    print(f"Service load, {datetime.date.today()}, {platform.machine()}, {os.cpu_count()} cores, "
          f"{CONNECTIONS} connections, no think time, {args.seconds:.0f} s per target\n")
    results: list[Result] = []
    if args.what in ("shenbao", "parse", "all"):
        results += bench_shenbao(args.seconds, args.db, args.workers, questions)
    if args.what in ("rasa-project", "parse", "all"):
        results += bench_rasa(args.seconds, questions)
    if args.what in ("scaling", "all"):
        results += bench_scaling(args.seconds, [int(s) for s in args.sizes.split(",")], questions)
    print_results(results)
    by_name = {r.name.split(": ")[-1] + (" rasa" if r.name.startswith("Rasa") else ""): r for r in results}
    if "REST turns" in by_name and "REST turns rasa" in by_name:
        print("\n| ratio (shenbao / Rasa) | turns/s | p50 | p99 | RSS (Rasa / shenbao) |\n|---|---|---|---|---|")
        print(ratios(by_name["REST turns"], by_name["REST turns rasa"]))
        print(ratios(by_name["/model/parse"], by_name["/model/parse rasa"]))


if __name__ == "__main__":
    main()
