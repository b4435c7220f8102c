"""The one door from the owner side into the process: what `dashboard/` may read off the web app, and how it
plugs in.

The runtime never names `dashboard/`. The process's entry (`bot/__main__.py`) hands the runtime an `OwnerSide`
(the extensions to call on the app before it starts); the owner side reads the process's parts through the
app keys below and the types they hold, and imports nothing else of the runtime.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from aiohttp import web

from bot.inbound.stream import InboundStream
from bot.runtime.engine import Engine
from bot.runtime.services import Services
from bot.runtime.settings import Settings

SERVICES = web.AppKey("services", Services)
ENGINE = web.AppKey("engine", Engine)
SETTINGS = web.AppKey("settings", Settings)
INBOUND = web.AppKey("inbound", InboundStream)
SERVE_URL = web.AppKey("serve_url", str)  # where this process listens, for start-up messages


# Lines extensions want printed once the server listens (the demo's URLs and login).
@dataclass
class StartupLines:
    lines: list[str] = field(default_factory=list)


STARTUP_LINES = web.AppKey("startup_lines", StartupLines)

# Called with the app before it starts: adds routes, middlewares and cleanup contexts.
Extension = Callable[[web.Application], None]


@dataclass(frozen=True)
class OwnerSide:
    """What plugs into the web app beside the webhooks: for `serve`, and for `demo` (which also seeds)."""

    serve: tuple[Extension, ...] = ()
    demo: tuple[Extension, ...] = ()


__all__ = [
    "ENGINE",
    "INBOUND",
    "SERVE_URL",
    "SERVICES",
    "SETTINGS",
    "STARTUP_LINES",
    "Engine",
    "Extension",
    "InboundStream",
    "OwnerSide",
    "Services",
    "Settings",
    "StartupLines",
]
