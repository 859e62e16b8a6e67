"""Cross-origin requests. A browser request from another site carries ``Origin``: it is refused with 403 unless
that origin is the server's own or on the allow-list (``SHENBAO_CORS_ORIGINS`` / ``serve --cors``; ``*`` allows
every origin, as Rasa's ``--cors``). Allowed origins get CORS headers and answers to preflights, so a chat
widget on the 经信厅's own site can talk to the REST channel. Requests without ``Origin`` (scripts, curl, Rasa
clients, Telegram) pass whatever their content type."""

from __future__ import annotations

import functools
import json
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from aiohttp import web
from aiohttp.typedefs import Middleware

from knowledge.errors import ConfigError

__all__ = ["NO_CROSS_SITE", "CorsPolicy", "cors_middleware", "parse_origins"]

ALLOWED_METHODS = "GET, POST, OPTIONS"
ALLOWED_HEADERS = "Content-Type, Accept, X-Shenbao-Secret"  # the page's per-browser secret travels in a header
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def parse_origins(values: Iterable[str], source: str = "SHENBAO_CORS_ORIGINS") -> tuple[str, ...]:
    """Origins as ``scheme://host[:port]`` (or ``*``), from a comma-separated setting or ``--cors`` values."""
    out: list[str] = []
    for value in (v.strip() for raw in values for v in raw.split(",")):
        if not value:
            continue
        parts = urlsplit(value)
        if value != "*" and (parts.scheme not in ("http", "https") or not parts.netloc or parts.path.strip("/")):
            raise ConfigError(f"{source} 中的“{value}”不是来源（应形如 https://www.example.gov.cn 或 *）")
        out.append(value if value == "*" else f"{parts.scheme}://{parts.netloc}".lower())
    return tuple(dict.fromkeys(out))


@dataclass(frozen=True)
class CorsPolicy:
    origins: tuple[str, ...] = ()

    @classmethod
    def from_env(cls, environ: Mapping[str, str], command_line: Iterable[str] = ()) -> CorsPolicy:
        """``serve --cors`` when given (it overrides), else ``SHENBAO_CORS_ORIGINS``."""
        given = list(command_line)
        return cls(parse_origins(given, "--cors") if given else
                   parse_origins([environ.get("SHENBAO_CORS_ORIGINS", "")]))

    def allows(self, origin: str) -> bool:
        return "*" in self.origins or origin.lower() in self.origins


NO_CROSS_SITE = CorsPolicy()  # the default: no other site may call the API


def _own(request: web.Request, origin: str) -> bool:
    return urlsplit(origin).netloc.lower() == request.host.lower()


def _cors_headers(origin: str) -> dict[str, str]:
    return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}


def cors_middleware(policy: CorsPolicy) -> Middleware:
    @web.middleware
    async def cors(request: web.Request, handler: Handler) -> web.StreamResponse:
        origin = request.headers.get("Origin")
        if origin is None or _own(request, origin):
            return await handler(request)
        if not policy.allows(origin):
            return web.json_response({"error": "不接受来自其他网站的请求（来源未在允许列表中）。"}, status=403,
                                     dumps=functools.partial(json.dumps, ensure_ascii=False))
        if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
            return web.Response(status=204, headers={**_cors_headers(origin), "Access-Control-Max-Age": "600",
                                                     "Access-Control-Allow-Methods": ALLOWED_METHODS,
                                                     "Access-Control-Allow-Headers": ALLOWED_HEADERS})
        response = await handler(request)
        response.headers.update(_cors_headers(origin))
        return response

    return cors

