"""Server-rendered owner pages: login, overview, a conversation's thread and the bot playground."""

from __future__ import annotations

from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web

from dashboard.api.playground import setup_playground
from dashboard.pages import login, overview, playground

DASHBOARD_DIR = Path(__file__).resolve().parents[1]
TEMPLATES = DASHBOARD_DIR / "templates"
STATIC = DASHBOARD_DIR / "static"


def setup_pages(app: web.Application) -> None:
    """Add the pages, their static files and the playground API. Call after `setup_dashboard`,
    whose middlewares render errors and guard `/api/*`."""
    aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True)
    for module in (login, overview, playground):
        app.router.add_routes(module.routes)
    app.router.add_static("/static/", STATIC, name="static")
    setup_playground(app)
