"""The playground page: the owner writes as a customer on a chosen platform and sees the bot's answer."""

from __future__ import annotations

import aiohttp_jinja2
from aiohttp import web

from dashboard.api.playground import PLATFORMS
from dashboard.pages.access import page_session
from dashboard.pages.login import redirect
from dashboard.pages.overview import page_frame

routes = web.RouteTableDef()


@routes.get("/playground")
async def playground_page(request: web.Request) -> web.Response:
    session = await page_session(request)
    if session is None:
        return redirect("/")
    context = {**await page_frame(request, session), "platforms": PLATFORMS}
    return aiohttp_jinja2.render_template("playground.html", request, context)
