"""`GET /api/analytics?from=YYYY-MM-DD&to=YYYY-MM-DD`."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from aiohttp import web

from dashboard.analytics import MAX_DAYS, analytics
from dashboard.context import services, tenant_id
from dashboard.errors import ApiError
from knowledge.campaigns import list_campaigns

routes = web.RouteTableDef()


def _day(request: web.Request, name: str, default: date) -> date:
    raw = request.query.get(name, "")
    if not raw:
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ApiError(400, "invalid_date", f"{name} must be a date YYYY-MM-DD", {name: "expected YYYY-MM-DD"}) from None


@routes.get("/api/analytics")
async def get_analytics(request: web.Request) -> web.Response:
    today = datetime.now(timezone.utc).date()
    last = _day(request, "to", today)
    first = _day(request, "from", last - timedelta(days=29))
    if first > last:
        raise ApiError(400, "invalid_range", "from must not be after to", {"from": "after to"})
    if (last - first).days >= MAX_DAYS:
        raise ApiError(400, "invalid_range", f"at most {MAX_DAYS} days at once", {"from": "range too long"})
    db, tenant = services(request).db, tenant_id(request)
    names = {c.id: c.name for c in await list_campaigns(db, tenant)}
    return web.json_response(await analytics(db, tenant, first, last, names))
