"""Where Meta and the owner reach this server: `PUBLIC_URL` when it is set, else the address the server really
listens on (`serve --port 8765` shows 8765, not the setting's default 8080)."""

from __future__ import annotations

from aiohttp import web

from bot.runtime.host import SERVE_URL, SETTINGS

# Listening on every address names no host anyone can reach: the host the owner's browser used stands in for it.
WILDCARD_HOSTS = frozenset({"0.0.0.0", "::", ""})


def serve_base(serve_url: str, seen_host: str) -> str:
    """The listening address ("http://HOST:PORT", HOST possibly IPv6) as a base URL, a wildcard HOST replaced by
    `seen_host` (the host part of the address the browser used)."""
    scheme, _, rest = serve_url.partition("://")
    host, _, port = rest.rpartition(":")
    host = host.strip("[]")
    if host in WILDCARD_HOSTS:
        host = seen_host.strip("[]") or "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"{scheme}://{host}:{port}"


def public_base(request: web.Request) -> str:
    """The base URL of the webhook and callback addresses shown to the owner and sent to Meta."""
    settings = request.app[SETTINGS]
    if "public_url" in settings.model_fields_set:
        return settings.public_base
    seen_host = request.url.host or ""
    if SERVE_URL in request.app:
        return serve_base(request.app[SERVE_URL], seen_host)
    # Served some other way (an embedding app, the tests): the address this request came in on.
    return str(request.url.origin()).rstrip("/")
