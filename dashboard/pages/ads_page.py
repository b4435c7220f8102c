"""`/ads`: what each ad and campaign brought and cost over a chosen period (the same operation as `GET /api/ads`),
a chart of spend against revenue per ad, and the forms that enter spend by hand or from a CSV; `/ads/{id}`: one ad
or post per day over the period (the same operation as `GET /api/ads/{id}`), as a chart and a table."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from babel.numbers import format_currency, format_decimal
from pydantic import ValidationError

from bot.conversations.bot_settings import get_bot_settings
from bot.sales.ad_spend import CsvProblem, SpendIn, business_currency, delete_spend, parse_spend_csv
from dashboard.ad_detail import commented_posts
from dashboard.ad_spend_entry import check_spend, csv_problem_words, enter_spend, import_spend
from dashboard.analytics import DayRange
from dashboard.api.ads import get_ad, get_ads, list_spend_entries
from dashboard.context import clock_of, db_of
from dashboard.errors import validation_fields
from dashboard.i18n.current import format_locale, gettext
from dashboard.pages.access import owner_session, posted_form
from dashboard.pages.forms import FormState, text_of
from dashboard.pages.frame import not_found_page, render, see_other
from dashboard.pages.numbers import parse_range, today
from dashboard.schemas import AdsQuery
from knowledge.campaigns import list_campaigns
from knowledge.domain_errors import InvalidInput, NotFound

routes = web.RouteTableDef()

SPEND_FIELDS = ("campaign_id", "ad_id", "from", "to", "amount", "currency")
MAX_CSV_BYTES = 1024 * 1024


def money(value: float | None, currency: str) -> str:
    """An amount in the owner's locale; "—" when there is none (nothing to divide by, no spend entered)."""
    return "—" if value is None else format_currency(value, currency, locale=format_locale())


def times(value: float | None) -> str:
    """Return on ad spend as "2.5×" (revenue per unit spent)."""
    return "—" if value is None else format_decimal(round(value, 2), locale=format_locale()) + "×"


def shown_row(row: dict[str, Any], currency: str) -> dict[str, Any]:
    return {
        **row,
        "revenue_text": money(row["revenue"], currency),
        "spend_text": money(row["spend"], currency),
        "cost_per_lead_text": money(row["cost_per_lead"], currency),
        "cost_per_sale_text": money(row["cost_per_sale"], currency),
        "roas_text": times(row["roas"]),
    }


def chart_data(report: dict[str, Any]) -> dict[str, Any]:
    ads = report["ads"]
    return {
        "currency": report["currency"],
        "ads": {
            "labels": [ad["headline"] or ad["ad_id"] for ad in ads],
            "spend": [ad["spend"] or 0 for ad in ads],
            "revenue": [ad["revenue"] for ad in ads],
        },
    }


async def _page(
    request: web.Request, form: FormState | None = None, csv_errors: list[str] | None = None, status: int = 200
) -> web.Response:
    session = await owner_session(request)
    db = db_of(request)
    first, last, errors = parse_range(request, await today(request))
    report = (await get_ads(request, AdsQuery.model_validate({"from": first, "to": last}))).model_dump(mode="json", by_alias=True)
    currency = report["currency"]
    settings = await get_bot_settings(db, session.tenant_id)
    campaigns = await list_campaigns(db, session.tenant_id)
    if form is None:
        form = FormState(values={"currency": currency, "from": first.isoformat(), "to": last.isoformat()})
    context = {
        "report": report,
        "ads": [shown_row(ad, currency) for ad in report["ads"]],
        "ad_campaigns": [shown_row(c, currency) for c in report["campaigns"]],
        "totals": shown_row(report["totals"], currency),
        "chart_data": chart_data(report),
        "commented": await commented_posts(db, session.tenant_id, *DayRange(first, last).bounds(settings.zone)),
        "errors": errors,
        "first": first.isoformat(),
        "last": last.isoformat(),
        "campaigns": campaigns,
        "campaign_names": {c.id: c.name for c in campaigns},
        "form": form,
        "csv_errors": csv_errors or [],
        "entered": [
            {**entry.model_dump(by_alias=True), "amount_text": money(entry.amount, entry.currency)}
            for entry in (await list_spend_entries(request)).spend
        ],
        "currency": currency,
    }
    return await render(request, "ads.html", session, "ads", context, status=status)


@routes.get("/ads")
async def ads_page(request: web.Request) -> web.Response:
    return await _page(request)


def day_had_something(day: dict[str, Any]) -> bool:
    return any(day[name] for name in ("comments", "private_replies", "conversations", "leads", "sales", "revenue", "spend"))


def day_chart(detail: dict[str, Any]) -> dict[str, Any]:
    """The per-day series the chart draws (a day without spend entered draws as 0)."""
    days = detail["days"]
    series = {name: [d[name] for d in days] for name in ("comments", "private_replies", "conversations", "sales", "revenue")}
    return {
        "currency": detail["currency"],
        "ad_days": {"days": [d["day"] for d in days], **series, "spend": [d["spend"] or 0 for d in days]},
    }


@routes.get("/ads/{id}")
async def ad_page(request: web.Request) -> web.Response:
    session = await owner_session(request)
    first, last, errors = parse_range(request, await today(request))
    try:
        found = await get_ad(request, AdsQuery.model_validate({"from": first, "to": last}))
    except NotFound:
        raise not_found_page(request, "ad") from None
    detail = found.model_dump(mode="json", by_alias=True)
    currency = detail["currency"]
    context = {
        "ad": detail,
        "title": detail["headline"] or detail["id"],
        # The chart draws every day; the table lists the days something happened (latest first), so a phone's
        # month is not thirty cards of zeros.
        "days": [shown_row(day, currency) for day in reversed(detail["days"]) if day_had_something(day)],
        "totals": shown_row(detail["totals"], currency),
        "chart_data": day_chart(detail),
        "errors": errors,
        "first": first.isoformat(),
        "last": last.isoformat(),
        "currency": currency,
    }
    return await render(request, "ad.html", session, "ads", context)


@routes.post("/ads/spend")
async def spend_form(request: web.Request) -> web.Response:
    session, posted = await posted_form(request)
    state = FormState(values={name: text_of(posted, name) for name in SPEND_FIELDS})
    try:
        body = SpendIn.model_validate({k: v for k, v in state.values.items() if v or k in ("from", "to", "amount", "currency")})
    except ValidationError as exc:
        state.add_errors(validation_fields(exc), SPEND_FIELDS)
        if state.errors.pop("form", ""):  # the rule across fields (an id given, days in order), in the owner's words
            state.errors["ad_id"] = gettext("Name a campaign, an ad or both, and a last day not before the first.")
        return await _page(request, state, status=422)
    try:
        await enter_spend(db_of(request), session.tenant_id, body, clock_of(request).now())
    except NotFound:
        state.errors["campaign_id"] = gettext("Choose one of your campaigns.")
        return await _page(request, state, status=422)
    except InvalidInput:  # spend in another currency than the business's
        currency = await business_currency(db_of(request), session.tenant_id)
        state.errors["currency"] = gettext("Enter the spend in %(currency)s, the currency your campaigns sell in.") % {
            "currency": currency
        }
        return await _page(request, state, status=422)
    return see_other("/ads?notice=saved")


@routes.post("/ads/spend/{id}/delete")
async def delete_form(request: web.Request) -> web.Response:
    session, _ = await posted_form(request)
    if not await delete_spend(db_of(request), session.tenant_id, request.match_info["id"]):
        raise web.HTTPNotFound(text="No such spend.")
    return see_other("/ads?notice=saved#entered")


@routes.post("/ads/spend/import")
async def import_form(request: web.Request) -> web.Response:
    session, posted = await posted_form(request)
    upload = posted.get("file")
    if not isinstance(upload, web.FileField) or not upload.filename:
        return await _page(request, csv_errors=[gettext("Choose a CSV file first.")], status=422)
    raw = upload.file.read(MAX_CSV_BYTES + 1)
    try:
        rows = parse_spend_csv(raw.decode("utf-8")) if len(raw) <= MAX_CSV_BYTES else None
    except UnicodeDecodeError:
        return await _page(request, csv_errors=[gettext("The file must be a CSV saved as UTF-8 text.")], status=422)
    except CsvProblem as problem:
        return await _page(request, csv_errors=csv_problem_words(problem), status=422)
    if rows is None:
        return await _page(request, csv_errors=[gettext("The file may be at most 1 MB.")], status=422)
    db = db_of(request)
    if problems := await check_spend(db, session.tenant_id, rows):
        return await _page(request, csv_errors=problems, status=422)
    await import_spend(db, session.tenant_id, rows, clock_of(request).now())
    return see_other("/ads?notice=spend_imported")
