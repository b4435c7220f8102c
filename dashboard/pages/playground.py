"""The playground page: the owner writes as a customer on a chosen platform and sees the bot's answer."""

from __future__ import annotations

from aiohttp import web

from dashboard.pages.access import owner_session
from dashboard.pages.frame import STAGE_NAMES, Translated, render
from dashboard.words import INTENT_NAMES
from knowledge.platforms import KNOWN_PLATFORMS

routes = web.RouteTableDef()


@routes.get("/playground")
async def playground_page(request: web.Request) -> web.Response:
    session = await owner_session(request)
    # The page names what the bot made of each message in words, not the pipeline's codes.
    words = {"intents": dict(Translated(INTENT_NAMES)), "stages": dict(Translated(STAGE_NAMES))}
    return await render(request, "playground.html", session, "playground", {"platforms": KNOWN_PLATFORMS, "words": words})
