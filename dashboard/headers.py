"""Security headers on every response the platform sends: pages, API, static files, webhooks and errors.

Added in `on_response_prepare` rather than a middleware so that the answers aiohttp builds itself (a 404 of
the router, a static file, a 500 of an unhandled error) carry them too.
"""

from __future__ import annotations

from aiohttp import hdrs, web

from bot.runtime.host import SETTINGS

# Pages load scripts, styles and images from /static/ only: no inline script or style, no `javascript:` URL.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        # Customers' voice notes play from this site's own URLs, never from Meta's.
        "media-src 'self'",
        # No page embeds a plugin: an injected <object> or <embed> runs nothing (default-src would allow this site's).
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate it
}
HSTS = "max-age=31536000"


async def add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    headers = response.headers
    for name, value in SECURITY_HEADERS.items():
        headers.setdefault(name, value)
    # aiohttp names itself and its version; say nothing about what runs here.
    headers.popall(hdrs.SERVER, None)
    if request.config_dict[SETTINGS].public_base.startswith("https://"):
        headers.setdefault("Strict-Transport-Security", HSTS)
    if request.path.startswith("/api/"):
        # Answers carry tokens and business data: no shared or browser cache keeps them.
        headers.setdefault(hdrs.CACHE_CONTROL, "no-store")


def setup_security_headers(app: web.Application) -> None:
    app.on_response_prepare.append(add_security_headers)
