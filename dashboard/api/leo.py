"""`POST /api/leo/chat {message}` → `{reply}`."""

from __future__ import annotations

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from dashboard.context import services, tenant_id
from dashboard.errors import ApiError, read_model
from dashboard.leo import answer

routes = web.RouteTableDef()
LEO_PER_MINUTE = 30


class LeoIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    message: str = Field(min_length=1, max_length=2000)


@routes.post("/api/leo/chat")
async def leo_chat(request: web.Request) -> web.Response:
    body = await read_model(request, LeoIn)
    p, tenant = services(request), tenant_id(request)
    key = f"ratelimit:leo:{tenant}"
    count = await p.redis.incr(key)
    if count == 1:
        await p.redis.expire(key, 60)
    if count > LEO_PER_MINUTE:
        raise ApiError(429, "rate_limited", "Leo needs a short break; try again in a minute")
    return web.json_response({"reply": await answer(p.db, tenant, body.message)})
