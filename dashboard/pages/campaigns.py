"""`/campaigns`: the list with each campaign's status and numbers (pause, activate, complete, delete after a
confirmation), and the steps that create or edit one: product, chat flow, audience, review."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiohttp import web
from pydantic import ValidationError

from bot.conversations.store import recent_comment_replies
from dashboard.api.campaigns import change_status, create, delete, replace
from dashboard.api.comments import why_not_sent
from dashboard.api.shapes.campaign_json import campaign_json
from dashboard.context import db_of
from dashboard.errors import validation_fields
from dashboard.i18n import N_, gettext
from dashboard.pages.access import owner_session, posted_form
from dashboard.pages.forms import FormData, FormState, lines_of, nest, text_of
from dashboard.pages.frame import Translated, not_found_page, render, see_other
from dashboard.pages.numbers import PERIOD_DAYS, safe_report, today
from dashboard.pages.whatsapp_templates import offered_templates
from dashboard.schemas import CampaignStatusIn
from knowledge.campaigns import get_campaign, list_campaigns
from knowledge.domain_errors import NotFound
from knowledge.models import CUSTOM_PERIOD_MAX, ISO_CURRENCIES, BillingPeriod, CampaignIn, CampaignStatus

routes = web.RouteTableDef()

COMMENT_REPLIES_SHOWN = 10  # the latest comments answered, under the campaigns (all of them: the owner API)

TEXT_FIELDS = (
    "name",
    "product.name",
    "product.description",
    "product.price",
    "product.currency",
    "product.call_to_action_url",
    "target_platform",
    "chat_flow.greeting",
    "chat_flow.closing_message",
    "target_audience.age_range",
    "status",
)
# The owner's own period ("per class pack"), used when the period chosen is "Other…".
CUSTOM_PERIOD_FIELD = "product.billing_period_custom"
OTHER_PERIOD = "custom"
LINE_FIELDS = ("product.features", "target_audience.location", "target_audience.interests")
# Private replies to comments: off, or on with its posts, keywords and words (`comment_rules` of the API).
COMMENTS_SWITCH = "comment_rules.answer"
COMMENT_LINE_FIELDS = ("comment_rules.post_ids", "comment_rules.keywords")
COMMENT_TEXT_FIELDS = ("comment_rules.private_reply", "comment_rules.public_reply")
COMMENT_OPTIONS = [("off", N_("Don’t answer comments")), ("on", N_("Answer with a private message"))]
# Up to two nudges after a silence (`follow_ups` of the API), each a row of the form: `follow_ups.0.after` …
FOLLOW_UP_SLOTS = 2
FOLLOW_UP_PARTS = ("after", "after_minutes", "text", "template.name", "template.language", "template.parameters")
FOLLOW_UP_FIELDS = tuple(f"follow_ups.{slot}.{part}" for slot in range(FOLLOW_UP_SLOTS) for part in FOLLOW_UP_PARTS)
FOLLOW_UP_OPTIONS = [
    ("", N_("No follow-up")),
    ("price", N_("After the bot gave a price")),
    ("link", N_("After the bot sent a link")),
    ("question", N_("After the bot asked one of your questions")),
]
ERROR_FIELDS = (
    *TEXT_FIELDS,
    *FOLLOW_UP_FIELDS,
    *(f"follow_ups.{slot}.template" for slot in range(FOLLOW_UP_SLOTS)),
    "follow_ups",
    *LINE_FIELDS,
    *COMMENT_LINE_FIELDS,
    *COMMENT_TEXT_FIELDS,
    "comment_rules",
    "product.billing_period",
    CUSTOM_PERIOD_FIELD,
    "chat_flow.qualification_questions",
    "chat_flow.objection_handling",
    "product",
    "chat_flow",
    "target_audience",
)
PLATFORM_OPTIONS = [
    ("facebook", N_("Messenger (Facebook page)")),
    ("instagram", "Instagram"),
    ("whatsapp", "WhatsApp"),
    ("all", N_("All my channels")),
]
STATUS_OPTIONS = [
    ("draft", N_("Draft: not offered to customers yet")),
    ("active", N_("Active: the bot offers it now")),
    ("paused", N_("Paused")),
    ("completed", N_("Completed")),
]
STATUS_ACTIONS = {"active": N_("Activate"), "paused": N_("Pause"), "completed": N_("Complete")}
PERIOD_LABELS = {
    BillingPeriod.one_time: N_("One-time payment"),
    BillingPeriod.hour: N_("Per hour"),
    BillingPeriod.day: N_("Per day"),
    BillingPeriod.night: N_("Per night"),
    BillingPeriod.week: N_("Per week"),
    BillingPeriod.month: N_("Per month"),
    BillingPeriod.year: N_("Per year"),
    BillingPeriod.session: N_("Per session"),
    BillingPeriod.person: N_("Per person"),
    BillingPeriod.user_month: N_("Per user per month"),
}
COMMON_CURRENCIES = ("USD", "EUR", "GBP", "CAD", "AUD", "BRL", "MXN", "INR")


def billing_periods() -> list[tuple[str, str]]:
    """The periods a price may be for, in words, then "Other…" for the owner's own."""
    return [(period.value, gettext(PERIOD_LABELS[period])) for period in BillingPeriod] + [(OTHER_PERIOD, gettext("Other…"))]


def currency_options() -> list[tuple[str, str]]:
    rest = sorted(ISO_CURRENCIES - set(COMMON_CURRENCIES))
    return [(code, code) for code in (*COMMON_CURRENCIES, *rest)]


def _price(raw: str) -> str | float:
    text = raw.replace(" ", "").replace("\u00a0", "")
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return raw


def read_campaign_form(form: FormData) -> tuple[FormState, dict[str, Any]]:
    """What the owner typed (to show again) and the API body built from it."""
    values: dict[str, Any] = {name: text_of(form, name) for name in TEXT_FIELDS}
    values["product.billing_period"] = text_of(form, "product.billing_period") or BillingPeriod.one_time.value
    values[CUSTOM_PERIOD_FIELD] = text_of(form, CUSTOM_PERIOD_FIELD)
    for name in LINE_FIELDS:
        values[name] = "\n".join(lines_of(form, name))
    questions = lines_of(form, "chat_flow.qualification_questions")
    objections = [
        value.strip() if isinstance(value, str) else "" for value in form.getall("chat_flow.objection_handling.objection", [])
    ]
    answers = [
        value.strip() if isinstance(value, str) else "" for value in form.getall("chat_flow.objection_handling.answer", [])
    ]
    pairs = [(o, a) for o, a in zip(objections, answers, strict=False) if o or a]
    values["chat_flow.qualification_questions"] = questions
    values["chat_flow.objection_handling"] = pairs
    state = FormState(values=values)
    if any(not o or not a for o, a in pairs):
        state.errors["chat_flow.objection_handling"] = gettext(
            "Write both the customer’s doubt and the bot’s answer, or clear both."
        )
    flat: dict[str, Any] = {name: values[name] for name in TEXT_FIELDS if values[name] != ""}
    flat["product.price"] = _price(values["product.price"]) if values["product.price"] else None
    period = values["product.billing_period"]
    flat["product.billing_period"] = {"custom": values[CUSTOM_PERIOD_FIELD]} if period == OTHER_PERIOD else period
    if not flat.get("product.call_to_action_url"):
        flat.pop("product.call_to_action_url", None)
    for name in LINE_FIELDS:
        flat[name] = lines_of(form, name)
    flat["chat_flow.qualification_questions"] = questions
    flat["chat_flow.objection_handling"] = {o: a for o, a in pairs if o and a}
    body = nest({k: v for k, v in flat.items() if v is not None})
    body["comment_rules"] = _comment_rules(form, values)
    body["follow_ups"] = _follow_ups(form, values)
    return state, body


def _follow_ups(form: FormData, values: dict[str, Any]) -> list[dict[str, Any]]:
    """The nudges the owner set (each row whose moment is chosen), kept in `values` to show again."""
    chosen = []
    for slot in range(FOLLOW_UP_SLOTS):
        row = {part: text_of(form, f"follow_ups.{slot}.{part}") for part in FOLLOW_UP_PARTS}
        row["template.parameters"] = "\n".join(lines_of(form, f"follow_ups.{slot}.template.parameters"))
        values.update({f"follow_ups.{slot}.{part}": value for part, value in row.items()})
        if not row["after"]:
            continue
        minutes = row["after_minutes"]
        follow_up: dict[str, Any] = {
            "after": row["after"],
            "after_minutes": int(minutes) if minutes.isdigit() else minutes,
            "text": row["text"],
        }
        if row["template.name"] or row["template.language"]:
            follow_up["template"] = {
                "name": row["template.name"],
                "language": row["template.language"],
                "parameters": lines_of(form, f"follow_ups.{slot}.template.parameters"),
            }
        chosen.append(follow_up)
    return chosen


def follow_up_values(follow_ups: list[dict[str, Any]]) -> dict[str, Any]:
    """An API campaign's follow-ups as the form's values."""
    values: dict[str, Any] = {}
    for slot in range(FOLLOW_UP_SLOTS):
        follow_up = follow_ups[slot] if slot < len(follow_ups) else {}
        template = follow_up.get("template") or {}
        values.update(
            {
                f"follow_ups.{slot}.after": follow_up.get("after", ""),
                f"follow_ups.{slot}.after_minutes": str(follow_up.get("after_minutes", "")),
                f"follow_ups.{slot}.text": follow_up.get("text", ""),
                f"follow_ups.{slot}.template.name": template.get("name", ""),
                f"follow_ups.{slot}.template.language": template.get("language", ""),
                f"follow_ups.{slot}.template.parameters": "\n".join(template.get("parameters", [])),
            }
        )
    return values


def _comment_rules(form: FormData, values: dict[str, Any]) -> dict[str, Any] | None:
    """The comment rules the owner set (kept in `values` to show again), or None when comments are not answered."""
    values[COMMENTS_SWITCH] = "on" if text_of(form, COMMENTS_SWITCH) == "on" else "off"
    for name in COMMENT_LINE_FIELDS:
        values[name] = "\n".join(lines_of(form, name))
    for name in COMMENT_TEXT_FIELDS:
        values[name] = text_of(form, name)
    if values[COMMENTS_SWITCH] != "on":
        return None
    rules: dict[str, Any] = {name.split(".")[1]: lines_of(form, name) for name in COMMENT_LINE_FIELDS}
    rules.update({name.split(".")[1]: values[name] for name in COMMENT_TEXT_FIELDS})
    return rules


def comment_values(rules: dict[str, Any] | None) -> dict[str, Any]:
    """An API campaign's comment rules as the form's values."""
    rules = rules or {}
    values: dict[str, Any] = {COMMENTS_SWITCH: "on" if rules else "off"}
    for name in COMMENT_LINE_FIELDS:
        values[name] = "\n".join(rules.get(name.split(".")[1], []))
    for name in COMMENT_TEXT_FIELDS:
        values[name] = rules.get(name.split(".")[1], "")
    return values


def campaign_values(campaign: dict[str, Any]) -> dict[str, Any]:
    """An API campaign as the form's values."""
    product, flow, audience = campaign["product"], campaign["chat_flow"], campaign["target_audience"]
    values: dict[str, Any] = {
        "name": campaign["name"],
        "product.name": product["name"],
        "product.description": product["description"],
        "product.price": f"{product['price']:.2f}".rstrip("0").rstrip(".")
        if product["price"] % 1 == 0
        else f"{product['price']:.2f}",
        "product.currency": product["currency"],
        "product.call_to_action_url": product.get("call_to_action_url") or "",
        "product.features": "\n".join(product["features"]),
        "target_platform": campaign["target_platform"],
        "chat_flow.greeting": flow["greeting"],
        "chat_flow.closing_message": flow["closing_message"],
        "chat_flow.qualification_questions": list(flow["qualification_questions"]),
        "chat_flow.objection_handling": list(flow["objection_handling"].items()),
        "target_audience.age_range": audience["age_range"],
        "target_audience.location": "\n".join(audience["location"]),
        "target_audience.interests": "\n".join(audience["interests"]),
        "status": campaign["status"],
        **comment_values(campaign.get("comment_rules")),
        **follow_up_values(campaign.get("follow_ups", [])),
    }
    period = product.get("billing_period", BillingPeriod.one_time.value)
    if isinstance(period, dict):
        values["product.billing_period"], values[CUSTOM_PERIOD_FIELD] = OTHER_PERIOD, period.get("custom", "")
    else:
        values["product.billing_period"] = period
    return values


NEW_VALUES: dict[str, Any] = {
    "product.currency": "USD",
    "target_platform": "all",
    "status": "draft",
    "product.billing_period": "one_time",
    "chat_flow.qualification_questions": [],
    "chat_flow.objection_handling": [],
    COMMENTS_SWITCH: "off",
    **follow_up_values([]),
}


async def _form_page(request: web.Request, state: FormState, campaign_id: str = "", status: int = 200) -> web.Response:
    session = await owner_session(request)
    context = {
        "form": state,
        "campaign_id": campaign_id,
        "platforms": [(value, gettext(label)) for value, label in PLATFORM_OPTIONS],
        "statuses": [(value, gettext(label)) for value, label in STATUS_OPTIONS],
        "comment_choices": [(value, gettext(label)) for value, label in COMMENT_OPTIONS],
        "follow_up_choices": [(value, gettext(label)) for value, label in FOLLOW_UP_OPTIONS],
        "follow_up_slots": range(FOLLOW_UP_SLOTS),
        "wa_templates": await offered_templates(request, session.tenant_id),
        "currencies": currency_options(),
        "periods": billing_periods(),
        "custom_period_max": CUSTOM_PERIOD_MAX,
    }
    return await render(request, "campaign_form.html", session, "campaigns", context, status=status)


async def _save(request: web.Request, campaign_id: str = "") -> web.Response:
    _, form = await posted_form(request)
    state, body = read_campaign_form(form)
    data: CampaignIn | None = None
    try:
        data = CampaignIn.model_validate(body)
    except ValidationError as exc:  # each field's problem beside it
        fields = validation_fields(exc)
        if state.values["product.billing_period"] == OTHER_PERIOD and "product.billing_period" in fields:
            fields[CUSTOM_PERIOD_FIELD] = fields.pop("product.billing_period")  # beside the words the owner typed
        state.add_errors(fields, ERROR_FIELDS)
    if data is None or state.failed:
        return await _form_page(request, state, campaign_id, status=422)
    if campaign_id:
        await replace(request, data)
        return see_other("/campaigns?notice=campaign_saved")
    await create(request, data)
    return see_other("/campaigns?notice=campaign_created")


async def _owned(request: web.Request) -> dict[str, Any]:
    session = await owner_session(request)
    campaign = await get_campaign(db_of(request), session.tenant_id, request.match_info["id"])
    if campaign is None:
        raise not_found_page(request, "campaign")
    return campaign_json(campaign)


@routes.get("/campaigns")
async def campaigns_page(request: web.Request) -> web.Response:
    session = await owner_session(request)
    campaigns = [campaign_json(c) for c in await list_campaigns(db_of(request), session.tenant_id)]
    last = await today(request)
    report, _ = await safe_report(request, last - timedelta(days=PERIOD_DAYS - 1), last)
    numbers = {row["campaign_id"]: row for row in report.get("per_campaign", [])}
    order = {"active": 0, "paused": 1, "draft": 2, "completed": 3}
    campaigns.sort(key=lambda c: (order.get(c["status"], 9), c["name"].lower()))
    names = {c["id"]: c["name"] for c in campaigns}
    comment_replies = [
        {**doc, "campaign": names.get(doc.get("campaign_id", ""), ""), "reason": why_not_sent(doc)}
        for doc in await recent_comment_replies(db_of(request), session.tenant_id, limit=COMMENT_REPLIES_SHOWN)
    ]
    context = {
        "campaigns": campaigns,
        "numbers": numbers,
        "actions": Translated(STATUS_ACTIONS),
        "report": report,
        "comment_replies": comment_replies,
    }
    return await render(request, "campaigns.html", session, "campaigns", context)


@routes.get("/campaigns/new")
async def new_campaign_page(request: web.Request) -> web.Response:
    return await _form_page(request, FormState(values=dict(NEW_VALUES)))


@routes.post("/campaigns/new")
async def create_campaign_form(request: web.Request) -> web.Response:
    return await _save(request)


@routes.get("/campaigns/{id}/edit")
async def edit_campaign_page(request: web.Request) -> web.Response:
    campaign = await _owned(request)
    return await _form_page(request, FormState(values=campaign_values(campaign)), campaign["id"])


@routes.post("/campaigns/{id}/edit")
async def edit_campaign_form(request: web.Request) -> web.Response:
    campaign = await _owned(request)
    return await _save(request, campaign["id"])


@routes.post("/campaigns/{id}/status")
async def status_form(request: web.Request) -> web.Response:
    await _owned(request)
    _, form = await posted_form(request)
    try:
        status = CampaignStatus(text_of(form, "status"))
    except ValueError:
        raise web.HTTPBadRequest(text="unknown status") from None
    await change_status(request, CampaignStatusIn(status=status))
    return see_other("/campaigns?notice=status_changed")


@routes.get("/campaigns/{id}/delete")
async def delete_confirm_page(request: web.Request) -> web.Response:
    campaign = await _owned(request)
    return await render(request, "campaign_delete.html", await owner_session(request), "campaigns", {"campaign": campaign})


@routes.post("/campaigns/{id}/delete")
async def delete_form(request: web.Request) -> web.Response:
    await _owned(request)
    await posted_form(request)
    try:
        await delete(request)
    except NotFound:
        raise not_found_page(request, "campaign") from None
    return see_other("/campaigns?notice=campaign_deleted")
