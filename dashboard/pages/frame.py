"""What every page shares: rendering with the frame (business, menu, Leo), the page's security headers,
the styled 404, and the filters templates use for times, money and rates in the business's own terms."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web
from babel.dates import format_skeleton
from babel.numbers import format_currency, format_decimal

from bot.conversations.bot_settings import get_bot_settings
from channels.registry import all_channels
from dashboard.context import db_of, redis_of
from dashboard.errors import Handler
from dashboard.headers import CONTENT_SECURITY_POLICY
from dashboard.i18n import N_, current_language, gettext
from dashboard.i18n.current import format_locale
from dashboard.i18n.script_words import script_words
from dashboard.owners import get_tenant
from dashboard.sessions import SESSION_COOKIE, Session
from dashboard.team.caller import role_of
from dashboard.team.policy import allowed as can_use
from dashboard.team.policy import can_open
from dashboard.times import when
from dashboard.trouble import owner_trouble
from knowledge.platforms import KNOWN_PLATFORMS

# The pages' policy is the platform's one (scripts, styles and pictures from this site only; no inline code of
# any kind), named once: a copy of it here once missed a directive added there.
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
MENU = (
    ("dashboard", "/dashboard", N_("Home")),
    ("inbox", "/inbox", N_("Inbox")),
    ("leads", "/leads", N_("Leads")),
    ("campaigns", "/campaigns", N_("Campaigns")),
    ("analytics", "/analytics", N_("Analytics")),
    ("ads", "/ads", N_("Ads")),
    ("integrations", "/integrations", N_("Channels")),
    ("onboarding", "/onboarding", N_("Business info")),
    ("playground", "/playground", N_("Playground")),
    ("quality", "/quality", N_("Test questions")),
    ("settings", "/settings", N_("Settings")),
    ("team", "/team", N_("Team")),
)
# Short confirmations after a form was handled (the page is reloaded with ?notice=KEY, never with free text).
NOTICES = {
    "saved": N_("Saved."),
    "spend_imported": N_("Spend imported: every row of the file is counted."),
    "profile_saved": N_("Your business details are saved; the bot uses them from now on."),
    "uploaded": N_("Document added; the bot can use it now."),
    "document_deleted": N_("Document removed; the bot no longer uses it."),
    "campaign_created": N_("Campaign created."),
    "campaign_saved": N_("Campaign saved."),
    "campaign_deleted": N_("Campaign deleted."),
    "status_changed": N_("Campaign status changed."),
    "channel_connected": N_("Channel connected. Customers who write there are answered by your bot."),
    "channel_disconnected": N_("Channel disconnected. The bot no longer answers there."),
    "taken_over": N_("You have this conversation now: the bot stays quiet until you release it."),
    "follow_up_cancelled": N_("The follow-up is cancelled: nothing will be sent."),
    "released": N_("The bot answers this conversation again."),
    "replied": N_("Your message was sent."),
    "retried": N_("Sent: the customer has the message now."),
    "retry_queued": N_("The customer's message went back to the bot, which answers it in a moment."),
    "sale_recorded": N_("Sale recorded."),
    "sale_known": N_("This sale was already recorded; it is counted once."),
    "settings_saved": N_("Settings saved."),
    "webhook_test_delivered": N_("Test event delivered: your CRM answered that it took it."),
    "webhook_test_failed": N_("The test event was not taken; the delivery log below says what your CRM answered."),
    "webhook_resumed": N_("Webhook resumed: the events it missed are sent first."),
    "webhook_deleted": N_("Webhook removed: nothing more is sent to it."),
    "language_saved": N_("Language saved: your pages and messages use it from now on."),
    "welcome": N_("Welcome! Start by telling the bot about your business."),
    "facebook_connected": N_("Facebook connected: your pages and their Instagram accounts are listed below."),
    "facebook_failed": N_("Facebook did not connect. Try again, or connect a page by hand below."),
    "joined": N_("Welcome to the team! Customers who wait for a person are listed here."),
    "member_removed": N_("Removed: their sessions and API tokens ended at once."),
    "invite_cancelled": N_("Invitation withdrawn: its link no longer works."),
}
PLATFORM_NAMES = {**{channel.platform: channel.display_name for channel in all_channels()}, "all": N_("All channels")}
STATUS_NAMES = {
    "bot": N_("Bot answering"),
    "handoff": N_("Needs a person"),
    "human": N_("A person has it"),  # the inbox filter; a badge names who has it (team/holders.py)
    "closed": N_("Closed"),
    "opted_out": N_("Opted out"),
}
CAMPAIGN_STATUS_NAMES = {
    "draft": N_("Draft"),
    "active": N_("Active"),
    "paused": N_("Paused"),
    "completed": N_("Completed"),
}
# A conversation's delivery as the inbox names it (an answered one shows nothing).
DELIVERY_NAMES = {"failed": N_("Not answered"), "pending": N_("Sending again")}
STAGE_NAMES = {
    "new": N_("New"),
    "engaged": N_("Engaged"),
    "qualified": N_("Qualified"),
    "proposal": N_("Offer sent"),
    "converted": N_("Bought"),
    "lost": N_("Lost"),
}


def set_page_headers(response: web.StreamResponse) -> None:
    for name, value in PAGE_HEADERS.items():
        response.headers.setdefault(name, value)


async def frame(request: web.Request, session: Session, active: str) -> dict[str, Any]:
    """What every logged-in page shows around its content."""
    db = db_of(request)
    tenant = await get_tenant(db, session.tenant_id)
    bot_settings = await get_bot_settings(db, session.tenant_id)
    notice = NOTICES.get(request.query.get("notice", ""), "")
    notice = gettext(notice) if notice else ""
    # A team member sees only the links they may open (the role guard refuses the rest anyway).
    role = role_of(request)
    can = can_open(role)
    return {
        "trouble": await owner_trouble(db, session.tenant_id, redis_of(request)),
        "business_name": tenant.name if tenant else "",
        "demo": bool(tenant and tenant.settings.get("demo")),
        "csrf_token": session.csrf_token,
        "menu": tuple((key, href, gettext(label)) for key, href, label in MENU if can(href)),
        "can": can,
        "show_leo": can_use(role, "POST /api/leo/chat"),
        "active": active,
        # Whose "You have it" a live badge says: the person reading the page.
        "viewer_id": session.owner_id,
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


# The 404 page's heading, by what was not found.
NOT_FOUND_TITLES = {
    "page": N_("We can’t find that page"),
    "campaign": N_("We can’t find that campaign"),
    "channel": N_("We can’t find that channel"),
    "conversation": N_("We can’t find that conversation"),
    "document": N_("We can’t find that document"),
    "invitation": N_("We can’t find that invitation"),
    "team member": N_("We can’t find that team member"),
    "test question": N_("We can’t find that test question"),
    "ad": N_("We can’t find that ad or post"),
}


def not_found_page(request: web.Request, what: str = "page") -> web.HTTPNotFound:
    title = gettext(NOT_FOUND_TITLES.get(what, NOT_FOUND_TITLES["page"]))
    # Someone logged in who follows a dead link is offered their dashboard, not a login, in the page's top bar.
    signed_in = SESSION_COOKIE in request.cookies
    body = aiohttp_jinja2.render_string("not_found.html", request, {"what": what, "title": title, "signed_in": signed_in})
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
    return format_skeleton("MMMd", day, locale=format_locale())


def money(amount: float | int | None, currency: str, locale: str = "") -> str:
    """An amount in the owner's language's way ("$1,299.00", "1.299,00 US$"); the currency is the sale's own."""
    if amount is None:
        return ""
    try:
        return format_currency(amount, currency, locale=locale or format_locale())
    except (ValueError, KeyError):
        return f"{amount:,.2f} {currency}"


def revenue_text(metrics: dict[str, Any], locale: str = "") -> str:
    """Revenue per currency as the owner reads it ("$1,299.00 · €34.90"), in the page's language: the API's
    `revenue_formatted` is in the business's locale, for API clients; a page follows its reader."""
    revenue = metrics.get("revenue") or {}
    if not revenue and metrics.get("revenue_formatted"):
        return " · ".join(item["text"] for item in metrics["revenue_formatted"])
    return " · ".join(money(amount, currency, locale) for currency, amount in revenue.items()) or money(0, "USD", locale)


def percent(rate: float | None) -> str:
    if rate is None:
        return "–"
    return f"{rate * 100:.0f}%" if rate * 100 >= 10 or rate == 0 else f"{rate * 100:.1f}%"


def number(value: float | int | None) -> str:
    if value is None:
        return "–"
    return format_decimal(value, locale=format_locale())


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds < 60:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


class Translated(Mapping[str, str]):
    """Names marked for the catalogs, read in the language of the page being drawn."""

    def __init__(self, names: Mapping[str, str]) -> None:
        self._names = names

    def __getitem__(self, key: str) -> str:
        return gettext(self._names[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


def install_filters(env: jinja2.Environment) -> None:
    env.filters.update(
        when=when, day_label=day_label, money=money, revenue=revenue_text, pct=percent, num=number, duration=duration
    )
    env.globals.update(
        PLATFORM_NAMES=Translated(PLATFORM_NAMES),
        PLATFORMS=KNOWN_PLATFORMS,
        STATUS_NAMES=Translated(STATUS_NAMES),
        STAGE_NAMES=Translated(STAGE_NAMES),
        DELIVERY_NAMES=Translated(DELIVERY_NAMES),
        CAMPAIGN_STATUS_NAMES=Translated(CAMPAIGN_STATUS_NAMES),
        page_language=current_language,
        script_words=script_words,
    )
