"""`GET /api/analytics?from=YYYY-MM-DD&to=YYYY-MM-DD[&campaign_id=][&platform=]`: days in the business's time zone."""

from __future__ import annotations

from datetime import timedelta

from aiohttp import web

from dashboard.analytics import DEFAULT_DAYS, MAX_DAYS, DayRange, Scope, business_of, read_analytics
from dashboard.api.operations import ApiRoutes
from dashboard.api.shapes.analytics_json import analytics_json
from dashboard.context import clock_of, db_of, tenant_id
from dashboard.errors import not_found
from dashboard.schemas import AnalyticsOut, AnalyticsQuery
from knowledge.domain_errors import InvalidInput

routes = ApiRoutes()


@routes.get("/api/analytics", errors=(404,))
async def get_analytics(request: web.Request, query: AnalyticsQuery) -> AnalyticsOut:
    """Messages, answers, conversions, revenue and rates for a range of the business's days, against the period before.

    In total, per day (every day of the range), per campaign and per platform; the lead funnel; customer messages by
    hour of the week. Both dates are optional: the last 30 days ending today in the business's time zone.
    """
    tenant = tenant_id(request)
    business = await business_of(db_of(request), tenant, clock_of(request).now())
    last = query.to or business.today
    first = query.from_ or last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        raise InvalidInput("range_reversed", {"from": "after_last_day"})
    if (last - first).days >= MAX_DAYS:
        raise InvalidInput("range_too_long", {"from": "range_too_long"}, days=MAX_DAYS)
    if query.campaign_id and query.campaign_id not in business.campaign_names:
        raise not_found("campaign")
    scope = Scope(campaign_id=query.campaign_id or "", platform=query.platform or "")
    report = await read_analytics(db_of(request), tenant, DayRange(first, last), business, scope=scope)
    return AnalyticsOut.model_validate(analytics_json(report, business.locale))
