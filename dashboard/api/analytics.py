"""`GET /api/analytics?from=YYYY-MM-DD&to=YYYY-MM-DD`."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from aiohttp import web

from dashboard.analytics import MAX_DAYS, analytics
from dashboard.api.operations import ApiRoutes
from dashboard.context import services, tenant_id
from dashboard.errors import ApiError
from dashboard.schemas import AnalyticsOut, AnalyticsQuery
from knowledge.campaigns import list_campaigns

routes = ApiRoutes()


@routes.get("/api/analytics")
async def get_analytics(request: web.Request, query: AnalyticsQuery) -> AnalyticsOut:
    """Messages in and out, response rate, conversions and revenue: in total, per campaign, platform and day."""
    last = query.to or datetime.now(timezone.utc).date()
    first = query.from_ or last - timedelta(days=29)
    if first > last:
        raise ApiError(400, "invalid_range", "from must not be after to", {"from": "after to"})
    if (last - first).days >= MAX_DAYS:
        raise ApiError(400, "invalid_range", f"at most {MAX_DAYS} days at once", {"from": "range too long"})
    db, tenant = services(request).db, tenant_id(request)
    names = {c.id: c.name for c in await list_campaigns(db, tenant)}
    return AnalyticsOut.model_validate(await analytics(db, tenant, first, last, names))
