"""Server-rendered owner pages (aiohttp-jinja2), their static files and the browser libraries they use."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web

from bot.conversations import queries as conversation_queries
from bot.runtime.host import DATABASE
from bot.sales import lead_queries
from dashboard.api.playground import setup_playground
from dashboard.i18n import gettext, ngettext
from dashboard.live import setup_live
from dashboard.pages import (
    ads_page,
    analytics_page,
    business,
    campaigns,
    home,
    inbox,
    integrations,
    join,
    leads,
    leo_page,
    login,
    playground,
    quality_page,
    settings_page,
    team_page,
    thread,
)
from dashboard.pages.frame import install_filters, page_errors

DASHBOARD_DIR = Path(__file__).resolve().parents[1]
TEMPLATES = DASHBOARD_DIR / "templates"
STATIC = DASHBOARD_DIR / "static"
NODE_MODULES = DASHBOARD_DIR.parent / "node_modules"
# Browser libraries installed from npm (package.json, `npm ci --ignore-scripts`) and served by the platform
# itself under /static/vendor/: never a CDN, so the pages' policy allows scripts from this site only.
VENDOR_FILES = {
    "chart.umd.min.js": NODE_MODULES / "chart.js" / "dist" / "chart.umd.min.js",
    "chartjs-chart-matrix.min.js": NODE_MODULES / "chartjs-chart-matrix" / "dist" / "chartjs-chart-matrix.min.js",
}
PAGE_MODULES = (
    login,
    home,
    business,
    campaigns,
    integrations,
    inbox,
    thread,
    leads,
    analytics_page,
    ads_page,
    settings_page,
    playground,
    quality_page,
    leo_page,
    team_page,
    join,
)


async def vendor_file(request: web.Request) -> web.StreamResponse:
    path = VENDOR_FILES.get(request.match_info["name"])
    if path is None or not path.is_file():
        raise web.HTTPNotFound(text="not installed: run npm ci --ignore-scripts")
    return web.FileResponse(
        path,
        headers={
            "Content-Type": "text/javascript; charset=utf-8",
            "Cache-Control": "public, max-age=86400",
            "X-Content-Type-Options": "nosniff",
        },
    )


async def _page_indexes(app: web.Application) -> AsyncIterator[None]:
    db = app[DATABASE]
    await conversation_queries.ensure_indexes(db)
    await lead_queries.ensure_indexes(db)
    yield


def setup_pages(app: web.Application) -> None:
    """Add the pages, their static files and the playground API. Call after `setup_dashboard`,
    whose middlewares render errors and guard `/api/*`."""
    env = aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, extensions=["jinja2.ext.i18n"])
    install_filters(env)
    # One environment serves every request: the callables read the request's language (dashboard/i18n/current.py).
    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    app.middlewares.append(page_errors)
    app.middlewares.append(home.playground_progress)
    for module in PAGE_MODULES:
        app.router.add_routes(module.routes)
    app.router.add_get("/static/vendor/{name}", vendor_file)
    app.router.add_static("/static/", STATIC, name="static")
    setup_playground(app)
    setup_live(app)
    app.cleanup_ctx.append(_page_indexes)
