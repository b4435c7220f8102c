"""Ads: spend entered by the owner, and per ad and campaign what it brought and what it cost."""

from __future__ import annotations

from datetime import date, timedelta

from aiohttp import web

from bot.sales.ad_figures import ad_figures
from bot.sales.ad_spend import CsvProblem, SpendIn, SpendRow, amount, delete_spend, list_spend, parse_spend_csv
from dashboard.ad_detail import ad_detail
from dashboard.ad_spend_entry import csv_problem_words, csv_refused, enter_spend, import_spend
from dashboard.analytics import DEFAULT_DAYS, MAX_DAYS, DayRange, business_of
from dashboard.api.operations import ApiRoutes
from dashboard.api.shapes.ad_json import ad_detail_json, ads_json
from dashboard.context import clock_of, db_of, tenant_id
from dashboard.errors import not_found
from dashboard.schemas import AdDetailOut, AdsOut, AdsQuery, DeletedOut, SpendEntryOut, SpendImportOut, SpendListOut, SpendOut
from knowledge.domain_errors import InvalidInput

routes = ApiRoutes()

MAX_CSV_BYTES = 1024 * 1024
CSV_UPLOAD = {"text/csv": {"type": "string"}}


@routes.put("/api/ads/spend", errors=(404,))
async def put_spend(request: web.Request, body: SpendIn) -> SpendOut:
    """Enter what a campaign or ad cost from one day to another (the same campaign, ad and days again: a correction).

    `amount` is in the business's currency (its campaigns' currency); spend in another currency is refused (422).
    """
    await enter_spend(db_of(request), tenant_id(request), body, clock_of(request).now())
    return SpendOut.model_validate(body.model_dump(by_alias=True))


def spend_entry(spend_id: str, row: SpendRow) -> SpendEntryOut:
    return SpendEntryOut.model_validate(
        {
            "id": spend_id,
            "campaign_id": row.campaign_id,
            "ad_id": row.ad_id,
            "from": row.from_day,
            "to": row.to_day,
            "amount": amount(row.amount_minor, row.currency),
            "currency": row.currency,
        }
    )


@routes.get("/api/ads/spend")
async def list_spend_entries(request: web.Request) -> SpendListOut:
    """The amounts entered, latest days first (at most 500)."""
    rows = await list_spend(db_of(request), tenant_id(request))
    return SpendListOut(spend=[spend_entry(spend_id, row) for spend_id, row in rows])


@routes.delete("/api/ads/spend/{id}")
async def delete_spend_entry(request: web.Request) -> DeletedOut:
    """Remove an amount entered by mistake; the figures stop counting it at once."""
    if not await delete_spend(db_of(request), tenant_id(request), request.match_info["id"]):
        raise not_found("spend")
    return DeletedOut(deleted=True)


async def read_at_most(request: web.Request, limit: int) -> bytes:
    """The body, or its first `limit` bytes when it is longer: one read returns only what has arrived so far."""
    raw = bytearray()
    while len(raw) < limit and (chunk := await request.content.read(limit - len(raw))):
        raw += chunk
    return bytes(raw)


@routes.post("/api/ads/spend/import", errors=(404,), uploads=CSV_UPLOAD)
async def import_csv(request: web.Request) -> SpendImportOut:
    """Import spend from a CSV (`campaign_id,ad_id,from,to,amount,currency`): every row, or none when one is bad."""
    raw = await read_at_most(request, MAX_CSV_BYTES + 1)
    if len(raw) > MAX_CSV_BYTES:
        raise InvalidInput("csv_too_large", {"file": "csv_too_large"}, megabytes=MAX_CSV_BYTES // (1024 * 1024))
    try:
        rows = parse_spend_csv(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise InvalidInput("csv_not_utf8", {"file": "csv_not_utf8"}) from None
    except CsvProblem as problem:
        raise csv_refused(csv_problem_words(problem)) from None
    return SpendImportOut(imported=await import_spend(db_of(request), tenant_id(request), rows, clock_of(request).now()))


def period(query: AdsQuery, today: date) -> tuple[date, date]:
    """The days asked for: without dates the last 30 days; reversed or too long a range is refused."""
    last = query.to or today
    first = query.from_ or last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        raise InvalidInput("range_reversed", {"from": "after_last_day"})
    if (last - first).days >= MAX_DAYS:
        raise InvalidInput("range_too_long", {"from": "range_too_long"}, days=MAX_DAYS)
    return first, last


@routes.get("/api/ads")
async def get_ads(request: web.Request, query: AdsQuery) -> AdsOut:
    """Per ad and per campaign: conversations, leads, sales, revenue, spend, cost per lead and sale, return on ad spend.

    Days are the business's own; without dates, the last 30 days. Ratios are null when undefined (no spend
    entered, nothing to divide by).
    """
    tenant = tenant_id(request)
    business = await business_of(db_of(request), tenant, clock_of(request).now())
    first, last = period(query, business.today)
    since, until = DayRange(first, last).bounds(business.zone)
    report = await ad_figures(db_of(request), tenant, since, until, first, last)
    return AdsOut.model_validate(ads_json(report, first, last))


@routes.get("/api/ads/{id}")
async def get_ad(request: web.Request, query: AdsQuery) -> AdDetailOut:
    """One ad or post (by Meta's id) per day: comments received, private replies sent, conversations, leads, sales,
    revenue, spend and return on ad spend, with the period's totals (the same figures as its row in `GET /api/ads`).

    404 for an id none of the business's conversations, comments or spend names.
    """
    db, tenant = db_of(request), tenant_id(request)
    business = await business_of(db, tenant, clock_of(request).now())
    first, last = period(query, business.today)
    since, until = DayRange(first, last).bounds(business.zone)
    detail = await ad_detail(
        db, tenant, request.match_info["id"], first=first, last=last, since=since, until=until, zone=business.zone
    )
    if detail is None:
        raise not_found("ad")
    return AdDetailOut.model_validate(ad_detail_json(detail, first, last))
