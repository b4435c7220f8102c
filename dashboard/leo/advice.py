"""How to sell more: rules over the numbers, each piece of advice tied to the figure behind it. Pure.

The rules look for what an owner can fix this week: a channel that answers fewer customers than the others,
customers who ask the price and never write again, objections a campaign has no answer for, hot leads that never
got the purchase link, a campaign with traffic and no sales, slow first answers, many handoffs, complaints,
answers the guard had to replace, and a conversion rate falling against the period before. Each is said in the
owner's language, with its figures written that language's way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from dashboard.analytics import AnalyticsReport, CampaignFigures, Figures, PlatformFigures
from dashboard.i18n.current import N_, gettext, ngettext
from dashboard.leo import writing
from dashboard.leo.figures import campaign_label

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


NO_NAME = N_("(no name)")


def _pct(rate: float) -> str:
    return writing.pct(round(rate * 100))


def _platform(name: str) -> str:
    return PLATFORM_NAMES.get(name, name)


def channel_gaps(per_platform: Sequence[PlatformFigures]) -> list[Advice]:
    rows = [row for row in per_platform if row.messages_in >= MIN_CONVERSATIONS]
    if len(rows) < 2:
        return []
    best = max(rows, key=lambda r: r.response_rate)
    worst = min(rows, key=lambda r: r.response_rate)
    if best.response_rate - worst.response_rate < 0.15:
        return []
    return [
        Advice(
            gettext(
                "{worst} answers {worst_rate} of customer messages against {best_rate} on {best} ({failures} not "
                "delivered, {handoffs} there): check that channel's connection and answer what waits."
            ).format(
                worst=_platform(worst.platform),
                worst_rate=_pct(worst.response_rate),
                best_rate=_pct(best.response_rate),
                best=_platform(best.platform),
                failures=writing.counted(ngettext("{count} reply", "{count} replies", worst.send_failures), worst.send_failures),
                handoffs=writing.counted(ngettext("{count} handoff", "{count} handoffs", worst.handoffs), worst.handoffs),
            ),
            weight=(best.response_rate - worst.response_rate) * worst.messages_in,
        )
    ]


def price_questions_without_reply(totals: Figures) -> list[Advice]:
    asked = int(totals.intent_price_question)
    answered_first = totals.first_responses
    if asked < MIN_CONVERSATIONS or not answered_first or totals.customer_reply_rate >= 0.5:
        return []
    silent = answered_first - totals.customers_replied
    return [
        Advice(
            gettext(
                "Customers asked the price {asked} times, but {silent} of {answered} customers never wrote again after "
                "the first answer ({share}): end the price answer with a question or an offer that invites a reply."
            ).format(
                asked=writing.num(asked),
                silent=writing.num(silent),
                answered=writing.num(answered_first),
                share=_pct(1 - totals.customer_reply_rate),
            ),
            weight=silent,
        )
    ]


def unanswered_objections(per_campaign: Sequence[CampaignFigures], has_answers: Mapping[str, bool]) -> list[Advice]:
    out = []
    for row in per_campaign:
        objections = int(row.intent_objection)
        if objections >= 2 and row.campaign_id and not has_answers.get(row.campaign_id, False):
            out.append(
                Advice(
                    gettext(
                        "{campaign} met {count} objections and its chat flow has no objection answers: add the answers "
                        "to the concerns customers raise (price, timing, trust)."
                    ).format(campaign=campaign_label(row), count=writing.num(objections)),
                    weight=objections * 2,
                )
            )
    return out


def hot_leads_without_link(leads: Sequence[HotLead]) -> list[Advice]:
    waiting = [lead for lead in leads if lead.score >= HOT_SCORE and not lead.cta_sent]
    if not waiting:
        return []
    names = ", ".join(f"{lead.name or gettext(NO_NAME)} ({lead.score})" for lead in waiting[:3])
    return [
        Advice(
            ngettext(
                "{count} hot lead scoring {score} or more never got the purchase link: send it to {names}.",
                "{count} hot leads scoring {score} or more never got the purchase link: send it to {names}.",
                len(waiting),
            ).format(count=writing.num(len(waiting)), score=HOT_SCORE, names=names),
            weight=len(waiting) * 3,
        )
    ]


def traffic_without_sales(per_campaign: Sequence[CampaignFigures]) -> list[Advice]:
    return [
        Advice(
            gettext(
                "{campaign} had {count} conversations and no sale: check its price, its offer and its closing message, "
                "or pause it and move the budget."
            ).format(campaign=campaign_label(row), count=writing.num(row.conversations)),
            weight=row.conversations,
        )
        for row in per_campaign
        if row.conversations >= 5 and not row.conversions
    ]


def service_levels(totals: Figures) -> list[Advice]:
    out = []
    conversations = totals.conversations
    wait = totals.first_response_avg_s
    if wait is not None and wait > 300:
        out.append(
            Advice(
                gettext(
                    "Customers waited {minutes} minutes on average for a first answer: answer faster, or let the bot "
                    "answer while you are away."
                ).format(minutes=writing.num(round(wait / 60))),
                weight=wait / 60,
            )
        )
    if conversations >= MIN_CONVERSATIONS and totals.handoff_rate > 0.25:
        out.append(
            Advice(
                gettext(
                    "{share} of conversations ({handoffs} of {conversations}) asked for a person: add the answers they "
                    "needed to your documents."
                ).format(
                    share=_pct(totals.handoff_rate),
                    handoffs=writing.num(totals.handoffs),
                    conversations=writing.num(conversations),
                ),
                weight=totals.handoffs,
            )
        )
    if conversations >= MIN_CONVERSATIONS and totals.complaint_rate > 0.1:
        out.append(
            Advice(
                gettext(
                    "{share} of conversations ({complaints}) had a complaint: read them and fix the cause before selling more."
                ).format(share=_pct(totals.complaint_rate), complaints=writing.num(totals.complaints)),
                weight=totals.complaints * 2,
            )
        )
    if totals.guard_blocks:
        out.append(
            Advice(
                writing.counted(
                    ngettext(
                        "{count} model answer stated a price or fact not in your catalog and was replaced: check prices "
                        "in your campaigns and documents.",
                        "{count} model answers stated a price or fact not in your catalog and were replaced: check prices "
                        "in your campaigns and documents.",
                        totals.guard_blocks,
                    ),
                    totals.guard_blocks,
                ),
                weight=totals.guard_blocks,
            )
        )
    return out


def falling_conversion(totals: Figures, previous: Figures) -> list[Advice]:
    now, before = totals.conversion_rate, previous.conversion_rate
    if previous.conversations < MIN_CONVERSATIONS or before <= 0 or now >= before * 0.75:
        return []
    return [
        Advice(
            gettext(
                "The conversion rate fell to {now} from {before} in the period before: see what changed in your "
                "campaigns and prices."
            ).format(now=_pct(now), before=_pct(before)),
            weight=(before - now) * 100,
        )
    ]


def recommendations(
    report: AnalyticsReport, has_objection_answers: Mapping[str, bool], hot_leads: Sequence[HotLead]
) -> list[str]:
    """The advice for this report, what matters most first."""
    totals = report.totals
    found = [
        *channel_gaps(report.per_platform),
        *price_questions_without_reply(totals),
        *unanswered_objections(report.per_campaign, has_objection_answers),
        *hot_leads_without_link(hot_leads),
        *traffic_without_sales(report.per_campaign),
        *service_levels(totals),
        *falling_conversion(totals, report.previous),
    ]
    return [advice.text for advice in sorted(found, key=lambda a: a.weight, reverse=True)]
