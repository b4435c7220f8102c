"""`POST /api/leo/chat {message}` → `{reply}`."""

from __future__ import annotations

from aiohttp import web

from dashboard.api.operations import ApiRoutes
from dashboard.context import services, tenant_id
from dashboard.errors import ApiError
from dashboard.leo import answer
from dashboard.schemas import LeoIn, LeoOut

routes = ApiRoutes()
LEO_PER_MINUTE = 30


@routes.post("/api/leo/chat", errors=(429,))
async def leo_chat(request: web.Request, body: LeoIn) -> LeoOut:
    """Ask Leo, the owner's assistant, about the business's numbers."""
    p, tenant = services(request), tenant_id(request)
    key = f"ratelimit:leo:{tenant}"
    count = await p.redis.incr(key)
    if count == 1:
        await p.redis.expire(key, 60)
    if count > LEO_PER_MINUTE:
        raise ApiError(429, "rate_limited", "Leo needs a short break; try again in a minute")
    return LeoOut(reply=await answer(p.db, tenant, body.message))
