"""The whole platform's web app as `python -m bot serve` runs it: the runtime's app with the owner side plugged in."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager

from aiohttp import web
from aiohttp.web_urldispatcher import MatchedSubAppResource

from bot.clock import Clock
from bot.runtime.app import create_app as create_runtime_app
from bot.runtime.host import CLOCK, DNS, SERVICES, SETTINGS, HostResolver
from bot.runtime.settings import Settings
from dashboard.web import OWNER_SIDE


def create_app(settings: Settings, *, run_worker: bool = True, demo: bool = False) -> web.Application:
    return create_runtime_app(settings, run_worker=run_worker, extensions=OWNER_SIDE.demo if demo else OWNER_SIDE.serve)


def owner_app_of(app: web.Application) -> web.Application:
    """The owner side's own app, nested at the root of the platform's (its state: passwords, live hub, API)."""
    for resource in app.router.resources():
        if isinstance(resource, MatchedSubAppResource):
            owner = resource.get_info()["app"]
            assert isinstance(owner, web.Application)
            return owner
    raise LookupError("no owner side is mounted on this app")


def use_clock(app: web.Application, clock: Clock) -> None:
    """Every time-dependent decision of the platform and of the owner side reads `clock` from now on."""
    app[SERVICES].clock = clock
    with _changing_a_started_app():
        owner_app_of(app)[CLOCK] = clock


def use_settings(app: web.Application, settings: Settings) -> None:
    """The running app, owner side included, reads `settings` from now on."""
    app[SERVICES].settings = settings
    with _changing_a_started_app():
        owner_app_of(app)[SETTINGS] = settings


@contextmanager
def _changing_a_started_app() -> Iterator[None]:
    """aiohttp warns when a started app's state changes; a test swapping its clock or settings does so on purpose."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Changing state of started", DeprecationWarning)
        yield


def use_dns(app: web.Application, dns: HostResolver) -> None:
    """Outbound webhooks find their receivers' addresses through `dns` from now on (deliveries and the API)."""
    app[SERVICES].dns = dns
    with _changing_a_started_app():
        owner_app_of(app)[DNS] = dns
