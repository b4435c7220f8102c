"""The playground page: the owner writes as a customer on a chosen platform and sees the bot's answer."""

from __future__ import annotations

from aiohttp import web

from dashboard.api.playground import PLATFORMS
from dashboard.pages.access import owner_session
from dashboard.pages.frame import render

routes = web.RouteTableDef()


@routes.get("/playground")
async def playground_page(request: web.Request) -> web.Response:
    session = await owner_session(request)
    return await render(request, "playground.html", session, "playground", {"platforms": PLATFORMS})
