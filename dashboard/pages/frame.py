"""What every page shares: rendering with the frame (business, menu, Leo), the page's security headers,
the styled 404, and the filters templates use for times, money and rates in the business's own terms."""

from __future__ import annotations

from datetime import date
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web
from babel.numbers import format_currency, format_decimal

from bot.sales.bot_settings import get_bot_settings
from dashboard.context import services
from dashboard.errors import Handler
from dashboard.headers import CONTENT_SECURITY_POLICY
from dashboard.owners import get_tenant
from dashboard.sessions import Session
from dashboard.team.caller import role_of
from dashboard.team.policy import allowed as can_use
from dashboard.team.policy import can_open
from dashboard.times import when
from dashboard.trouble import owner_trouble

# The pages' policy is the platform's one (scripts, styles and pictures from this site only; no inline code of
# any kind), named once: a copy of it here once missed a directive added there.
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
MENU = (
    ("dashboard", "/dashboard", "Home"),
    ("inbox", "/inbox", "Inbox"),
    ("leads", "/leads", "Leads"),
    ("campaigns", "/campaigns", "Campaigns"),
    ("analytics", "/analytics", "Analytics"),
    ("integrations", "/integrations", "Channels"),
    ("onboarding", "/onboarding", "Business info"),
    ("playground", "/playground", "Playground"),
    ("quality", "/quality", "Test questions"),
    ("settings", "/settings", "Settings"),
    ("team", "/team", "Team"),
)
# Short confirmations after a form was handled (the page is reloaded with ?notice=KEY, never with free text).
NOTICES = {
    "saved": "Saved.",
    "profile_saved": "Your business details are saved; the bot uses them from now on.",
    "uploaded": "Document added; the bot can use it now.",
    "document_deleted": "Document removed; the bot no longer uses it.",
    "campaign_created": "Campaign created.",
    "campaign_saved": "Campaign saved.",
    "campaign_deleted": "Campaign deleted.",
    "status_changed": "Campaign status changed.",
    "channel_connected": "Channel connected. Customers who write there are answered by your bot.",
    "channel_disconnected": "Channel disconnected. The bot no longer answers there.",
    "taken_over": "You have this conversation now: the bot stays quiet until you release it.",
    "released": "The bot answers this conversation again.",
    "replied": "Your message was sent.",
    "retried": "Sent: the customer has the message now.",
    "retry_queued": "The customer's message went back to the bot, which answers it in a moment.",
    "sale_recorded": "Sale recorded.",
    "sale_known": "This sale was already recorded; it is counted once.",
    "settings_saved": "Settings saved.",
    "welcome": "Welcome! Start by telling the bot about your business.",
    "facebook_connected": "Facebook connected: your pages and their Instagram accounts are listed below.",
    "facebook_failed": "Facebook did not connect. Try again, or connect a page by hand below.",
    "joined": "Welcome to the team! Customers who wait for a person are listed here.",
    "member_removed": "Removed: their sessions and API tokens ended at once.",
    "invite_cancelled": "Invitation withdrawn: its link no longer works.",
}
PLATFORM_NAMES = {"facebook": "Messenger", "instagram": "Instagram", "whatsapp": "WhatsApp", "all": "All channels"}
STATUS_NAMES = {
    "bot": "Bot answering",
    "handoff": "Needs a person",
    "human": "You have it",
    "closed": "Closed",
    "opted_out": "Opted out",
}
# A conversation's delivery as the inbox names it (an answered one shows nothing).
DELIVERY_NAMES = {"failed": "Not answered", "pending": "Sending again"}
STAGE_NAMES = {
    "new": "New",
    "engaged": "Engaged",
    "qualified": "Qualified",
    "proposal": "Offer sent",
    "converted": "Bought",
    "lost": "Lost",
}


def set_page_headers(response: web.StreamResponse) -> None:
    for name, value in PAGE_HEADERS.items():
        response.headers.setdefault(name, value)


async def frame(request: web.Request, session: Session, active: str) -> dict[str, Any]:
    """What every logged-in page shows around its content."""
    db = services(request).db
    tenant = await get_tenant(db, session.tenant_id)
    bot_settings = await get_bot_settings(db, session.tenant_id)
    notice = NOTICES.get(request.query.get("notice", ""), "")
    # A team member sees only the links they may open (the role guard refuses the rest anyway).
    role = role_of(request)
    can = can_open(role)
    return {
        "trouble": await owner_trouble(db, session.tenant_id),
        "business_name": tenant.name if tenant else "",
        "demo": bool(tenant and tenant.settings.get("demo")),
        "csrf_token": session.csrf_token,
        "menu": tuple(item for item in MENU if can(item[1])),
        "can": can,
        "show_leo": can_use(role, "POST /api/leo/chat"),
        "active": active,
        "tz": bot_settings.zone,
        "timezone_name": bot_settings.timezone,
        "notice": notice,
    }


async def render(
    request: web.Request, template: str, session: Session, active: str, context: dict[str, Any], *, status: int = 200
) -> web.Response:
    full = {**await frame(request, session, active), **context}
    response = aiohttp_jinja2.render_template(template, request, full, status=status)
    set_page_headers(response)
    return response


def render_public(request: web.Request, template: str, context: dict[str, Any], *, status: int = 200) -> web.Response:
    response = aiohttp_jinja2.render_template(template, request, context, status=status)
    set_page_headers(response)
    return response


def see_other(location: str) -> web.Response:
    """A 303 to `location` that can carry cookies (a raised HTTPSeeOther would drop ours)."""
    return web.Response(status=303, headers={"Location": location})


def not_found_page(request: web.Request, what: str = "page") -> web.HTTPNotFound:
    body = aiohttp_jinja2.render_string("not_found.html", request, {"what": what})
    error = web.HTTPNotFound(text=body, content_type="text/html")
    set_page_headers(error)
    return error


@web.middleware
async def page_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """A page that does not exist answers the styled 404 (the API keeps its JSON errors)."""
    try:
        response = await handler(request)
    except web.HTTPNotFound as exc:
        if request.path.startswith(("/api/", "/webhooks/", "/static/")) or exc.content_type == "text/html":
            raise
        raise not_found_page(request) from None
    return response


# Template filters ------------------------------------------------------------------------------------------


def day_label(value: str | date) -> str:
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return day.strftime("%b %d").replace(" 0", " ")


def money(amount: float | int | None, currency: str, locale: str = "en_US") -> str:
    if amount is None:
        return ""
    try:
        return format_currency(amount, currency, locale=locale)
    except (ValueError, KeyError):
        return f"{amount:,.2f} {currency}"


def revenue_text(metrics: dict[str, Any], locale: str = "en_US") -> str:
    """Revenue per currency as the owner reads it ("$1,299.00 · €34.90"), from the API's formatted texts
    when it sends them."""
    formatted = metrics.get("revenue_formatted")
    if formatted:
        return " · ".join(item["text"] for item in formatted)
    revenue = metrics.get("revenue") or {}
    return " · ".join(money(amount, currency, locale) for currency, amount in revenue.items()) or money(0, "USD", locale)


def percent(rate: float | None) -> str:
    if rate is None:
        return "–"
    return f"{rate * 100:.0f}%" if rate * 100 >= 10 or rate == 0 else f"{rate * 100:.1f}%"


def number(value: float | int | None) -> str:
    if value is None:
        return "–"
    return format_decimal(value, locale="en_US")


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds < 60:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def install_filters(env: jinja2.Environment) -> None:
    env.filters.update(
        when=when, day_label=day_label, money=money, revenue=revenue_text, pct=percent, num=number, duration=duration
    )
    env.globals.update(
        PLATFORM_NAMES=PLATFORM_NAMES, STATUS_NAMES=STATUS_NAMES, STAGE_NAMES=STAGE_NAMES, DELIVERY_NAMES=DELIVERY_NAMES
    )
