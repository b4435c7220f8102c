"""The whole platform's web app as `python -m bot serve` runs it: the runtime's app with the owner side plugged in."""

from __future__ import annotations

from aiohttp import web

from bot.runtime.app import create_app as create_runtime_app
from bot.runtime.settings import Settings
from dashboard.web import OWNER_SIDE


def create_app(settings: Settings, *, run_worker: bool = True, demo: bool = False) -> web.Application:
    return create_runtime_app(settings, run_worker=run_worker, extensions=OWNER_SIDE.demo if demo else OWNER_SIDE.serve)
