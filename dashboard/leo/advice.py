"""How to sell more: rules over the numbers, each piece of advice tied to the figure behind it. Pure.

The rules look for what an owner can fix this week: a channel that answers fewer customers than the others,
customers who ask the price and never write again, objections a campaign has no answer for, hot leads that never
got the purchase link, a campaign with traffic and no sales, slow first answers, many handoffs, complaints,
answers the guard had to replace, and a conversion rate falling against the period before.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

PLATFORM_NAMES = {"facebook": "Messenger", "instagram": "Instagram", "whatsapp": "WhatsApp"}
MIN_CONVERSATIONS = 3  # below this, a rate says little
HOT_SCORE = 60


@dataclass(frozen=True)
class Advice:
    text: str
    weight: float  # how much it matters, for ordering


@dataclass(frozen=True)
class HotLead:
    name: str
    score: int
    cta_sent: bool


def _plural(count: int, word: str, plural: str = "") -> str:
    return f"{count} {word if count == 1 else plural or word + 's'}"


def _pct(rate: float) -> str:
    return f"{rate * 100:.0f}%"


def _platform(name: str) -> str:
    return PLATFORM_NAMES.get(name, name)


def channel_gaps(per_platform: Sequence[Mapping[str, Any]]) -> list[Advice]:
    rows = [row for row in per_platform if row["messages_in"] >= MIN_CONVERSATIONS]
    if len(rows) < 2:
        return []
    best = max(rows, key=lambda r: r["response_rate"])
    worst = min(rows, key=lambda r: r["response_rate"])
    if best["response_rate"] - worst["response_rate"] < 0.15:
        return []
    return [
        Advice(
            f"{_platform(worst['platform'])} answers {_pct(worst['response_rate'])} of customer messages against "
            f"{_pct(best['response_rate'])} on {_platform(best['platform'])} ({_plural(worst['send_failures'], 'reply', 'replies')} "
            f"not delivered, {_plural(worst['handoffs'], 'handoff')} there): check that channel's connection and answer what waits.",
            weight=(best["response_rate"] - worst["response_rate"]) * worst["messages_in"],
        )
    ]


def price_questions_without_reply(totals: Mapping[str, Any]) -> list[Advice]:
    asked = int(totals.get("intent_price_question", 0))
    answered_first = totals["first_responses"]
    if asked < MIN_CONVERSATIONS or not answered_first or totals["customer_reply_rate"] >= 0.5:
        return []
    silent = answered_first - totals["customers_replied"]
    return [
        Advice(
            f"Customers asked the price {asked} times, but {silent} of {answered_first} customers never wrote again after the "
            f"first answer ({_pct(1 - totals['customer_reply_rate'])}): end the price answer with a question or an offer "
            "that invites a reply.",
            weight=silent,
        )
    ]


def unanswered_objections(per_campaign: Sequence[Mapping[str, Any]], has_answers: Mapping[str, bool]) -> list[Advice]:
    out = []
    for row in per_campaign:
        objections = int(row.get("intent_objection", 0))
        if objections >= 2 and row["campaign_id"] and not has_answers.get(row["campaign_id"], False):
            out.append(
                Advice(
                    f"{row['campaign_name']} met {objections} objections and its chat flow has no objection answers: add the "
                    "answers to the concerns customers raise (price, timing, trust).",
                    weight=objections * 2,
                )
            )
    return out


def hot_leads_without_link(leads: Sequence[HotLead]) -> list[Advice]:
    waiting = [lead for lead in leads if lead.score >= HOT_SCORE and not lead.cta_sent]
    if not waiting:
        return []
    names = ", ".join(f"{lead.name or '(no name)'} ({lead.score})" for lead in waiting[:3])
    who = "hot lead" if len(waiting) == 1 else "hot leads"
    return [
        Advice(
            f"{len(waiting)} {who} scoring {HOT_SCORE} or more never got the purchase link: send it to {names}.",
            weight=len(waiting) * 3,
        )
    ]


def traffic_without_sales(per_campaign: Sequence[Mapping[str, Any]]) -> list[Advice]:
    return [
        Advice(
            f"{row['campaign_name']} had {row['conversations']} conversations and no sale: check its price, its offer and "
            "its closing message, or pause it and move the budget.",
            weight=row["conversations"],
        )
        for row in per_campaign
        if row["conversations"] >= 5 and not row["conversions"]
    ]


def service_levels(totals: Mapping[str, Any]) -> list[Advice]:
    out = []
    conversations = totals["conversations"]
    wait = totals["first_response_avg_s"]
    if wait is not None and wait > 300:
        out.append(
            Advice(
                f"Customers waited {wait / 60:.0f} minutes on average for a first answer: answer faster, "
                "or let the bot answer while you are away.",
                weight=wait / 60,
            )
        )
    if conversations >= MIN_CONVERSATIONS and totals["handoff_rate"] > 0.25:
        out.append(
            Advice(
                f"{_pct(totals['handoff_rate'])} of conversations ({totals['handoffs']} of {conversations}) "
                "asked for a person: add the answers they needed to your documents.",
                weight=totals["handoffs"],
            )
        )
    if conversations >= MIN_CONVERSATIONS and totals["complaint_rate"] > 0.1:
        out.append(
            Advice(
                f"{_pct(totals['complaint_rate'])} of conversations ({totals['complaints']}) had a complaint: "
                "read them and fix the cause before selling more.",
                weight=totals["complaints"] * 2,
            )
        )
    if totals["guard_blocks"]:
        out.append(
            Advice(
                f"{_plural(totals['guard_blocks'], 'model answer')} stated a price or fact not in your catalog and "
                "were replaced: check prices in your campaigns and documents.",
                weight=totals["guard_blocks"],
            )
        )
    return out


def falling_conversion(totals: Mapping[str, Any], previous: Mapping[str, Any]) -> list[Advice]:
    now, before = totals["conversion_rate"], previous["conversion_rate"]
    if previous["conversations"] < MIN_CONVERSATIONS or before <= 0 or now >= before * 0.75:
        return []
    return [
        Advice(
            f"The conversion rate fell to {_pct(now)} from {_pct(before)} in the period before: see what changed "
            "in your campaigns and prices.",
            weight=(before - now) * 100,
        )
    ]


def recommendations(
    report: Mapping[str, Any], has_objection_answers: Mapping[str, bool], hot_leads: Sequence[HotLead]
) -> list[str]:
    """The advice for this report, what matters most first."""
    totals = report["totals"]
    found = [
        *channel_gaps(report["per_platform"]),
        *price_questions_without_reply(totals),
        *unanswered_objections(report["per_campaign"], has_objection_answers),
        *hot_leads_without_link(hot_leads),
        *traffic_without_sales(report["per_campaign"]),
        *service_levels(totals),
        *falling_conversion(totals, report["previous"]["totals"]),
    ]
    return [advice.text for advice in sorted(found, key=lambda a: a.weight, reverse=True)]
