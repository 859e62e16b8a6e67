"""Secrets never reach stdout, stderr or the log: a Telegram token that the Bot API rejects (PTB puts it into
the error's text), a token inside any error a command raises, and a traceback that carries one."""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot import cli
from knowledge.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
# Not the fake Bot API's token: this one must be redacted because it is configured, and the part after the
# colon is too short for the token pattern, so only knowing the secret can hide it.
TOKEN = "987654321:SecretPart_xyz"
SECRET_PART = TOKEN.split(":")[1]


class _Rejecting(BaseHTTPRequestHandler):
    """A Bot API that refuses every token, as api.telegram.org does for a wrong one."""

    def _refuse(self) -> None:
        body = b'{"ok":false,"error_code":401,"description":"Unauthorized"}'
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _refuse

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def rejecting_api() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Rejecting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/bot"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.slow
def test_a_rejected_token_is_not_printed_by_serve(tmp_path: Path, rejecting_api: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SHENBAO_", "TELEGRAM_"))}
    env.update(XDG_DATA_HOME=str(tmp_path), PYTHONUNBUFFERED="1", TELEGRAM_BOT_TOKEN=TOKEN,
               TELEGRAM_API_BASE_URL=rejecting_api, SHENBAO_LOG_LEVEL="DEBUG")
    proc = subprocess.run([sys.executable, "-m", "bot", "serve", "--port", "0"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "TELEGRAM_BOT_TOKEN" in proc.stderr  # the user is told what to check
    assert SECRET_PART not in output and TOKEN not in output


def _raise(message: str, kind: type[Exception]) -> None:
    raise kind(message)


@pytest.mark.parametrize("kind", [ConfigError, RuntimeError])
def test_an_error_carrying_a_secret_is_redacted_on_stderr_and_in_the_log(
        kind: type[Exception], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("SHENBAO_SMTP_URL", "smtps://mailer:Pa55word-x@mail.example.org:465")
    monkeypatch.setattr(cli, "build_parser", _parser_raising(f"token {TOKEN} and password Pa55word-x", kind))
    caplog.set_level(logging.DEBUG)
    status = cli.main(["boom"])
    captured = capsys.readouterr()
    shown = captured.out + captured.err + caplog.text
    assert status != 0 and "错误" in captured.err
    assert SECRET_PART not in shown and "Pa55word-x" not in shown


def _parser_raising(message: str, kind: type[Exception]) -> Callable[[], argparse.ArgumentParser]:
    def build() -> argparse.ArgumentParser:
        parser = argparse.ArgumentParser(prog="shenbao")
        sub = parser.add_subparsers(dest="command")
        sub.add_parser("boom").set_defaults(func=lambda _args: _raise(message, kind))
        return parser

    return build
