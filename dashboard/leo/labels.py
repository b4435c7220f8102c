"""The words Leo's tools write in English (a lead's stage, a campaign's status, a topic customers wrote about, a
weekday) and how the owner reads them: each a catalog sentence, said in the request's language where it is shown
(the offline answers, the tables beside them)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from dashboard.i18n.current import N_, gettext, pgettext

# How the catalog says a price's period, a campaign's status and where it runs.
BILLING_PHRASES = {
    "hour": N_("per hour"),
    "day": N_("per day"),
    "night": N_("per night"),
    "week": N_("per week"),
    "month": N_("per month"),
    "year": N_("per year"),
    "session": N_("per session"),
    "person": N_("per person"),
    "user and month": N_("per user and month"),
}
# The catalog table's billing column ("month" for a price per month).
BILLING_WORDS = {
    "hour": N_("hour"),
    "day": N_("day"),
    "night": N_("night"),
    "week": N_("week"),
    "month": N_("month"),
    "year": N_("year"),
    "session": N_("session"),
    "person": N_("person"),
    "user and month": N_("user and month"),
}
# A campaign's status, said of one campaign (elsewhere "active" describes several).
CAMPAIGN_STATUS: dict[str, Callable[[], str]] = {
    "draft": lambda: pgettext("campaign status", "draft"),
    "active": lambda: pgettext("campaign status", "active"),
    "paused": lambda: pgettext("campaign status", "paused"),
    "completed": lambda: pgettext("campaign status", "completed"),
}


def campaign_status(value: object) -> str:
    text = str(value)
    return CAMPAIGN_STATUS[text]() if text in CAMPAIGN_STATUS else text


LEAD_STAGES = {
    "new": N_("new"),
    "engaged": N_("engaged"),
    "qualified": N_("qualified"),
    "proposal": N_("proposal"),
    "converted": N_("converted"),
    "lost": N_("lost"),
}
WAITING_STATES = {
    "asked for a person": N_("asked for a person"),
    "a question the bot could not answer": N_("a question the bot could not answer"),
    "a person has it": N_("a person has it"),
}
# The compare-periods table's figures, as a sentence names them.
CHANGE_LABELS = {
    "conversations": N_("conversations"),
    "customer messages": N_("customer messages"),
    "response rate %": N_("response rate %"),
    "sales": N_("sales"),
    "conversion rate %": N_("conversion rate %"),
    "handoffs": N_("handoffs"),
    "complaint rate %": N_("complaint rate %"),
    "first response s": N_("first response s"),
}
INTENT_TOPICS = {
    "greetings": N_("greetings"),
    "product questions": N_("product questions"),
    "price questions": N_("price questions"),
    "objections": N_("objections"),
    "ready to buy": N_("ready to buy"),
    "asked for a person": N_("asked for a person"),
    "stop messages": N_("stop messages"),
    "start again": N_("start again"),
    "small talk": N_("small talk"),
    "off topic": N_("off topic"),
}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def said(table: Mapping[str, str], value: object) -> str:
    """A word a tool wrote in English, in the owner's language when the table knows it."""
    text = str(value)
    return gettext(table[text]) if text in table else text
