"""``shenbao serve`` as a subprocess the reliability tests can start, kill -9 and start again, and a small
REST client that counts what was acknowledged."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from tests.reliability._tcpproxy import free_port

ROOT = Path(__file__).resolve().parents[2]


class ServeProcess:
    """One ``shenbao serve`` on 127.0.0.1 with its own port, on the database ``url``."""

    def __init__(self, url: str, log_dir: Path, *, port: int | None = None, env: dict[str, str] | None = None,
                 name: str = "serve") -> None:
        self.url = url
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log_dir / f"{name}.log"
        inherited = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "SHENBAO_NLU", "RASA_"))}
        self.env = {**inherited, "SHENBAO_DATABASE_URL": url, "SHENBAO_LOG_LEVEL": "WARNING", **(env or {})}
        self.proc: subprocess.Popen[bytes] | None = None
        self.kills = 0

    def start(self, timeout: float = 90) -> None:
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--port", str(self.port)],
                                         cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"shenbao serve exited with {self.proc.returncode}: {self.log.read_text()[-2000:]}")
            if self.health()[0] == 200:
                return
            time.sleep(0.2)
        raise RuntimeError(f"shenbao serve did not become healthy: {self.log.read_text()[-2000:]}")

    def health(self) -> tuple[int, dict[str, Any]]:
        try:
            with urllib.request.urlopen(f"{self.base}/health", timeout=5) as resp:
                return resp.status, json.loads(resp.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"{}")
        except OSError:
            return 0, {}

    def errors(self) -> list[str]:
        """The log's lines at ERROR or worse (the service logs from WARNING up here)."""
        if not self.log.exists():
            return []
        lines = self.log.read_text(encoding="utf-8", errors="replace").splitlines()
        return [line for line in lines if " ERROR " in line or " CRITICAL " in line]

    def kill9(self) -> None:
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)
        self.kills += 1

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
