"""The offline analyst: the common questions answered from the tools without a model (no key, or the model failed
or its answer was refused). Understanding a question is pure (`question.py`); answering runs the tools.

The figure asked decides the answer: a ranking by revenue names the campaign that brings the most revenue, not
the one that converts best. Every figure the question names is in the answer: one the topic's answer does not
state is added after it, from the same tools.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from dashboard.analytics import Scope
from dashboard.i18n import N_, gettext
from dashboard.leo.advice import HotLead, recommendations
from dashboard.leo.figures import SPECS, Metric, leaders, main_currency, ranked, shown
from dashboard.leo.question import FIGURE_TOPICS, Question, Topic, understand
from dashboard.leo.results import Figure, ToolResult
from dashboard.leo.tools import (
    PLATFORM_NAMES,
    AdsTool,
    CatalogTool,
    ComparePeriodsTool,
    FunnelTool,
    GuardTool,
    HourOfWeekTool,
    IntentsTool,
    LeadsTool,
    LeoData,
    MetricsTool,
    NeedsPersonTool,
    TopProductsTool,
)

__all__ = ["Answer", "OfflineAnalyst", "Question", "Topic", "understand"]

# What Leo can answer about, said when a question is about something else ("weather tomorrow?", "thanks!").
OUTSIDE = N_(
    "I can answer about your sales, revenue, conversion rate, conversations, campaigns, channels, products, "
    "leads to call and what customers ask. For example: “Which campaign brings the most revenue this month?”, "
    "“Which leads should I call today?” or “How can I sell more?”"
)
# The figures each topic's answer states, so that a figure asked and not stated is added.
OVERVIEW_FIGURES = frozenset(
    {
        Metric.conversations,
        Metric.messages,
        Metric.response_rate,
        Metric.sales,
        Metric.conversion_rate,
        Metric.revenue,
        Metric.handoffs,
    }
)
ROW_FIGURES = frozenset({Metric.conversations, Metric.sales, Metric.conversion_rate, Metric.revenue, Metric.response_rate})
RANKING_FIGURES = frozenset({Metric.conversations, Metric.sales, Metric.conversion_rate})


@dataclass
class Answer:
    reply: str
    figures: list[Figure] = field(default_factory=list)
    states: frozenset[Metric] = frozenset()  # the figures the reply states


def _plural(count: object, word: str, plural: str = "") -> str:
    return f"{count} {word if count == 1 else plural or word + 's'}"


def _pct(value: object) -> str:
    return f"{float(value):g}%" if isinstance(value, (int, float)) else f"{value}%"


def _money(metrics: Mapping[str, Any]) -> str:
    return ", ".join(item["text"] for item in metrics["revenue_formatted"]) or "none"


def _revenue(metrics: Mapping[str, Any]) -> str:
    money = _money(metrics)
    return "no revenue" if money == "none" else f"revenue {money}"


def _tables(*results: ToolResult) -> list[Figure]:
    return [result.figure for result in results]


class OfflineAnalyst:
    """Answers a `Question` from the tools, in plain words with the figures behind them."""

    def __init__(self, data: LeoData) -> None:
        self.data = data

    def _scope_words(self, q: Question) -> str:
        parts = [f"on {PLATFORM_NAMES[q.platform]}"] if q.platform else []
        if q.campaign_id:
            parts.append(f"for {self.data.business.campaign_names.get(q.campaign_id, 'that campaign')}")
        return (" " + " ".join(parts)) if parts else ""

    def _range_in(self, q: Question, **extra: Any) -> dict[str, Any]:
        campaign = self.data.business.campaign_names.get(q.campaign_id) if q.campaign_id else None
        return {"period": q.period.as_words, "platform": q.platform or None, "campaign": campaign, **extra}

    async def _report(self, q: Question) -> dict[str, Any]:
        return await self.data.report(q.period.span, Scope(campaign_id=q.campaign_id, platform=q.platform))

    async def answer(self, q: Question) -> Answer:
        handler = getattr(self, f"_{q.topic.value}")
        answer: Answer = await handler(q)
        missing = tuple(metric for metric in q.metrics if metric not in answer.states) if q.topic in FIGURE_TOPICS else ()
        if not missing:
            return answer
        added = await self._figures(replace(q, metrics=missing))
        return Answer(f"{answer.reply}\n{added.reply}", answer.figures + added.figures, answer.states | added.states)

    async def _outside(self, q: Question) -> Answer:
        return Answer(gettext(OUTSIDE))

    async def _figures(self, q: Question) -> Answer:
        """Each figure named, over the days asked, against the days just before."""
        result = await MetricsTool().run(self.data, MetricsTool.Input(**self._range_in(q, metric=q.ranking)))
        report = await self._report(q)
        now, before = report["totals"], report["previous"]["totals"]
        where = self._scope_words(q)
        lines = [
            f"{SPECS[metric].words.capitalize()}{where} in {q.period.label}: {shown(now, metric)} "
            f"(the {q.period.span.days} days before: {shown(before, metric)})."
            for metric in q.metrics
        ]
        return Answer("\n".join(lines), _tables(result), frozenset(q.metrics))

    async def _overview(self, q: Question) -> Answer:
        result = await MetricsTool().run(self.data, MetricsTool.Input(**self._range_in(q)))
        t = (await self._report(q))["totals"]
        reply = (
            f"In {q.period.label}{self._scope_words(q)}: {_plural(t['conversations'], 'new conversation')}, "
            f"{_plural(t['messages_in'], 'customer message')}, {_pct(_p(t['response_rate']))} of them answered, "
            f"{_plural(t['conversions'], 'sale')} (conversion rate {_pct(_p(t['conversion_rate']))}), {_revenue(t)}, "
            f"{_plural(t['handoffs'], 'handoff')} to a person.\n"
            "Ask me about your conversion rate, campaigns, channels, top products, leads to call or how to sell more."
        )
        return Answer(reply, _tables(result), OVERVIEW_FIGURES)

    async def _conversion(self, q: Question) -> Answer:
        total = await MetricsTool().run(self.data, MetricsTool.Input(**self._range_in(q)))
        by_campaign = await MetricsTool().run(self.data, MetricsTool.Input(**self._range_in(q, group_by="campaign")))
        by_platform = await MetricsTool().run(self.data, MetricsTool.Input(**self._range_in(q, group_by="platform")))
        report = await self._report(q)
        t = report["totals"]
        lines = [
            f"Your conversion rate{self._scope_words(q)} in {q.period.label} is {_pct(_p(t['conversion_rate']))}: "
            f"{_plural(t['conversions'], 'sale')} from {_plural(t['conversations'], 'new conversation')}."
        ]
        campaigns = [row for row in report["per_campaign"] if row["conversations"] or row["conversions"]]
        if campaigns:
            lines.append(
                "By campaign: "
                + "; ".join(
                    f"{row['campaign_name']} {_pct(_p(row['conversion_rate']))} ({row['conversions']} of {row['conversations']})"
                    for row in campaigns
                )
                + "."
            )
        if report["per_platform"]:
            lines.append(
                "By platform: "
                + "; ".join(
                    f"{PLATFORM_NAMES.get(row['platform'], row['platform'])} {_pct(_p(row['conversion_rate']))} "
                    f"({row['conversions']} of {row['conversations']})"
                    for row in report["per_platform"]
                )
                + "."
            )
        states = frozenset({Metric.conversion_rate, Metric.sales, Metric.conversations})
        return Answer("\n".join(lines), _tables(total, by_campaign, by_platform), states)

    async def _catalog(self, q: Question) -> Answer:
        result = await CatalogTool().run(self.data, CatalogTool.Input())
        if not result.figure.rows:
            return Answer(
                "You have no campaigns yet, so there is nothing to sell: add one under Campaigns with its product and price.",
                _tables(result),
            )
        lines = [f"You sell {_plural(len(result.figure.rows), 'product')}:"]
        for product, campaign, price, billing, platform, status, _ in result.figure.rows:
            every = "" if billing == "one-off" else f" per {billing}"
            lines.append(f"- {product} at {price}{every}, on {platform} (campaign {campaign}, {status}).")
        return Answer("\n".join(lines), _tables(result))

    async def _top_products(self, q: Question) -> Answer:
        metric = q.ranking or Metric.sales
        result = await TopProductsTool().run(self.data, TopProductsTool.Input(period=self._range_in(q)["period"], metric=metric))
        rows = result.figure.rows
        if not rows:
            return Answer("You have no products yet: add a campaign with its product and price.", _tables(result))
        if metric is not Metric.sales:
            products = {c.id: c.product.name for c in await self.data.campaigns()}
            groups = [row for row in (await self.data.report(q.period.span))["per_campaign"] if row["campaign_id"] in products]
            lines = self._ranking(q, groups, "product", metric, lambda row: products[row["campaign_id"]])
            return Answer("\n".join(lines), _tables(result), RANKING_FIGURES | {metric})
        selling = [row for row in rows if row[3]]
        if not selling:
            lines = [f"No sales recorded in {q.period.label} yet. By conversations:"]
            lines += [f"- {row[0]} ({row[2]}): {_plural(row[5], 'conversation')}." for row in rows]
            return Answer("\n".join(lines), _tables(result))
        lines = [f"Your top products in {q.period.label}:"]
        lines += [
            f"- {row[0]} ({row[2]}): {_plural(row[3], 'sale')}, revenue {row[4]}, conversion rate {_pct(row[6])} "
            f"from {_plural(row[5], 'conversation')}."
            for row in selling
        ]
        return Answer("\n".join(lines), _tables(result), ROW_FIGURES - {Metric.response_rate})

    def _reasons(self, row: Mapping[str, Any], others: Sequence[Mapping[str, Any]]) -> list[str]:
        """Why a group does worse than the others, each reason with its figure."""
        if not others:
            return []
        reasons = []
        best = lambda key: max(others, key=lambda r: r[key])  # noqa: E731
        for key, words in (
            ("response_rate", "answers fewer customer messages"),
            ("customer_reply_rate", "fewer customers write again after the first answer"),
        ):
            top = best(key)
            if row[key] + 0.05 < top[key]:
                reasons.append(f"{words}: {_pct(_p(row[key]))} against {_pct(_p(top[key]))} for {_name(top)}")
        waits = [r for r in others if r["first_response_avg_s"] is not None]
        if row["first_response_avg_s"] is not None and waits:
            fastest = min(waits, key=lambda r: r["first_response_avg_s"])
            if row["first_response_avg_s"] > fastest["first_response_avg_s"] * 1.5 + 5:
                reasons.append(
                    f"customers wait longer for a first answer: {row['first_response_avg_s']:g} s against "
                    f"{fastest['first_response_avg_s']:g} s for {_name(fastest)}"
                )
        if row["conversations"] and row["handoff_rate"] > max(r["handoff_rate"] for r in others) + 0.05:
            reasons.append(f"more customers ask for a person: {_pct(_p(row['handoff_rate']))} of conversations")
        if row["send_failures"]:
            reasons.append(f"{_plural(row['send_failures'], 'reply', 'replies')} could not be delivered")
        if row["guard_blocks"]:
            reasons.append(f"{_plural(row['guard_blocks'], 'answer')} stated a price not in your catalog and were replaced")
        if row.get("intent_objection"):
            reasons.append(f"customers raised {_plural(row['intent_objection'], 'objection')} there")
        return reasons

    def _ranking(
        self, q: Question, rows: Sequence[Mapping[str, Any]], kind: str, metric: Metric, name: Callable[[Mapping[str, Any]], str]
    ) -> list[str]:
        """The groups by the figure asked, the leader first; each line with the figures around it."""
        active = [row for row in rows if row["conversations"] or row["conversions"]]
        if not active:
            return [f"No {kind} had conversations in {q.period.label} yet."]
        spec, best = SPECS[metric], leaders(active, metric)
        if not best:
            lines = [f"None of your {kind}s has any {spec.words} in {q.period.label} yet."]
        elif len(best) == 1:
            lines = [f"{name(best[0])} {spec.leader} in {q.period.label}: {shown(best[0], metric)}."]
        else:
            lines = [
                f"{_join([name(row) for row in best])} are level on {spec.words} in {q.period.label}: {shown(best[0], metric)}."
            ]
        currencies = {currency for row in active for currency in row["revenue"]}
        if metric is Metric.revenue and len(currencies) > 1:
            lines.append(f"(Ranked by revenue in {main_currency(active)}.)")
        lines.append(f"Your {kind}s by {spec.words}:")
        for row in ranked(active, metric):
            around = {
                Metric.conversations: _plural(row["conversations"], "conversation"),
                Metric.sales: _plural(row["conversions"], "sale"),
                Metric.conversion_rate: f"conversion rate {_pct(_p(row['conversion_rate']))}",
            }
            context = ", ".join(words for figure, words in around.items() if figure is not metric)
            lines.append(f"- {name(row)}: {spec.words} {shown(row, metric)} ({context}).")
        return lines

    async def _compare(self, q: Question, rows: list[dict[str, Any]], kind: str, asked_key: str, asked: str) -> list[str]:
        active = [row for row in rows if row["conversations"] or row["conversions"]]
        if not active:
            return [f"No {kind} had conversations in {q.period.label} yet."]
        if q.ranking is not None and q.ranking is not Metric.conversion_rate:
            return self._ranking(q, active, kind, q.ranking, _name)
        lines = [f"Your {kind}s in {q.period.label}:"]
        for row in sorted(active, key=lambda r: (r["conversion_rate"], r["conversions"], r["conversations"]), reverse=True):
            lines.append(
                f"- {_name(row)}: {_plural(row['conversations'], 'conversation')}, {_plural(row['conversions'], 'sale')} "
                f"(conversion rate {_pct(_p(row['conversion_rate']))}), {_revenue(row)}, "
                f"{_pct(_p(row['response_rate']))} of messages answered."
            )
        ranked = sorted(active, key=lambda r: (r["conversion_rate"], r["conversions"], r["conversations"]), reverse=True)
        target = next((row for row in active if row[asked_key] == asked), None) if asked else None
        if target is not None:
            others = [row for row in active if row is not target]
            reasons = self._reasons(target, others)
            if not others:
                lines.append(f"{_name(target)} is your only {kind} with conversations, so there is nothing to compare it with.")
            elif target is ranked[0]:
                # The question's premise is wrong: say so before anything else.
                lines.append(f"{_name(target)} actually converts best of your {kind}s.")
                if reasons:
                    lines.append("Where it still lags: " + "; ".join(reasons) + ".")
            elif reasons:
                lines.append(f"Why {_name(target)} does worse: " + "; ".join(reasons) + ".")
            else:
                lines.append(
                    f"{_name(target)} converts at {_pct(_p(target['conversion_rate']))} against "
                    f"{_pct(_p(ranked[0]['conversion_rate']))} for {_name(ranked[0])}; its service figures are "
                    "as good as the others', so look at the audience and the offer there."
                )
            return lines
        if len(ranked) > 1:
            best, worst = ranked[0], ranked[-1]
            if best["conversion_rate"] == worst["conversion_rate"]:
                lines.append(
                    f"They all convert at {_pct(_p(best['conversion_rate']))}"
                    + (": none of them has a sale yet." if not best["conversions"] else ".")
                )
            else:
                lines.append(
                    f"Best: {_name(best)} at {_pct(_p(best['conversion_rate']))}. Worst: {_name(worst)} at "
                    f"{_pct(_p(worst['conversion_rate']))}."
                )
            reasons = self._reasons(worst, [best])
            if reasons:
                lines.append(f"Why {_name(worst)} does worse: " + "; ".join(reasons) + ".")
        return lines

    async def _campaigns(self, q: Question) -> Answer:
        result = await MetricsTool().run(self.data, MetricsTool.Input(**self._range_in(q, group_by="campaign", metric=q.ranking)))
        report = await self._report(q)
        lines = await self._compare(q, report["per_campaign"], "campaign", "campaign_id", q.campaign_id)
        return Answer("\n".join(lines), _tables(result), _compared(q))

    async def _platforms(self, q: Question) -> Answer:
        # The platforms compared with each other: the asked one is not filtered out of the comparison.
        wide = replace(q, platform="")
        result = await MetricsTool().run(
            self.data, MetricsTool.Input(**self._range_in(wide, group_by="platform", metric=q.ranking))
        )
        report = await self._report(wide)
        lines = await self._compare(wide, report["per_platform"], "platform", "platform", q.platform)
        if q.platform and not any(row["platform"] == q.platform for row in report["per_platform"]):
            lines.append(f"{PLATFORM_NAMES[q.platform]} had no conversations in {q.period.label}: is it connected?")
        return Answer("\n".join(lines), _tables(result), _compared(q))

    async def _ads(self, q: Question) -> Answer:
        """Which ad brings buyers, and whether each is worth its money: every figure from the ads tool."""
        campaign = self.data.business.campaign_names.get(q.campaign_id) if q.campaign_id else None
        result = await AdsTool().run(self.data, AdsTool.Input(period=q.period.as_words, campaign=campaign))
        rows = result.figure.rows
        if not rows:
            return Answer(
                f"No conversation started from an ad in {q.period.label}, and no ad spend was entered for it.", _tables(result)
            )
        lines = []
        best = rows[0]
        if best[5]:
            lines.append(
                f"The ad that brings the most buyers in {q.period.label} is {best[0]}: {_plural(best[5], 'sale')}, revenue {best[6]}."
            )
        else:
            lines.append(f"No ad brought a sale in {q.period.label} yet. Each ad:")
        for name, _id, _campaign, conversations, leads, sales, revenue, spend, _per_lead, per_sale, roas in rows:
            figures = (
                f"{_plural(conversations, 'conversation')}, {_plural(leads, 'lead')}, {_plural(sales, 'sale')}, revenue {revenue}"
            )
            lines.append(f"- {name}: {figures}{self._ad_verdict(spend, per_sale, roas)}")
        return Answer("\n".join(lines), _tables(result))

    @staticmethod
    def _ad_verdict(spend: object, per_sale: object, roas: object) -> str:
        if spend is None:
            return "; no spend entered, so its cost per sale is unknown (enter it on the Ads page)."
        cost = f"; spent {spend}" + (f", {per_sale} per sale" if per_sale is not None else "")
        if not isinstance(roas, (int, float)):
            return f"{cost}."
        ratio = f"return on ad spend {roas:.2f}"
        if roas >= 1:
            return f"{cost}, {ratio}: it brought more than it cost."
        return f"{cost}, {ratio}: it cost more than it brought so far."

    async def _leads(self, q: Question) -> Answer:
        result = await LeadsTool().run(self.data, LeadsTool.Input(platform=q.platform or None, limit=5))
        if not result.figure.rows:
            return Answer(f"You have no open leads{self._scope_words(q)} right now.", _tables(result))
        lines = [f"Call these today ({_plural(result.notes['matching_leads'], 'open lead')}, hottest first):"]
        for name, score, stage, contact, platform, _campaign, got_link, next_step in result.figure.rows:
            link = "" if got_link == "yes" else ", has not had the purchase link"
            lines.append(f"- {name}: score {score}, {stage}, {contact} on {platform}{link}. {next_step}".rstrip())
        return Answer("\n".join(lines), _tables(result))

    async def _changes(self, q: Question) -> Answer:
        result = await ComparePeriodsTool().run(self.data, ComparePeriodsTool.Input(**self._range_in(q)))
        changed = [row for row in result.figure.rows if row[3]]
        head = f"{q.period.label}{self._scope_words(q)} against the {q.period.span.days} days before ({result.notes['previous_period']})"
        if not changed:
            return Answer(f"Nothing changed in {head}.", _tables(result))
        lines = [f"What changed in {head}:"]
        for label, now, before, change in changed:
            sign = "+" if isinstance(change, (int, float)) and change > 0 else ""
            lines.append(f"- {label}: {now:g} (was {before:g}, {sign}{change:g}).")
        return Answer("\n".join(lines), _tables(result))

    async def _improve(self, q: Question) -> Answer:
        by_platform = await MetricsTool().run(self.data, MetricsTool.Input(**self._range_in(q, group_by="platform")))
        by_campaign = await MetricsTool().run(self.data, MetricsTool.Input(**self._range_in(q, group_by="campaign")))
        leads = await LeadsTool().run(self.data, LeadsTool.Input(min_score=60, limit=50))
        report = await self._report(q)
        has_answers = {c.id: bool(c.chat_flow.objection_handling) for c in await self.data.campaigns()}
        hot = [HotLead(name=str(row[0]), score=int(row[1] or 0), cta_sent=row[6] == "yes") for row in leads.figure.rows]
        advice = recommendations(report, has_answers, hot)
        t = report["totals"]
        if not advice:
            reply = (
                f"Nothing stands out in {q.period.label}: {_plural(t['conversations'], 'conversation')}, conversion rate "
                f"{_pct(_p(t['conversion_rate']))}, {_pct(_p(t['response_rate']))} of messages answered. Bring more "
                "customers in: run a campaign on the platform that converts best."
            )
            return Answer(reply, _tables(by_platform, by_campaign))
        lines = [f"How to sell more, from {q.period.label}:"] + [f"{n}. {text}" for n, text in enumerate(advice[:5], start=1)]
        return Answer("\n".join(lines), _tables(by_platform, by_campaign, leads))

    async def _funnel(self, q: Question) -> Answer:
        result = await FunnelTool().run(self.data, FunnelTool.Input(**self._range_in(q)))
        counts = {row[0]: row[1] for row in result.figure.rows}
        reply = (
            f"Leads created in {q.period.label}{self._scope_words(q)}: {counts['new']} in total, {counts['engaged']} engaged, "
            f"{counts['qualified']} qualified, {counts['proposal']} got an offer, {counts['converted']} bought; "
            f"{counts['lost']} lost."
        )
        return Answer(reply, _tables(result))

    async def _activity(self, q: Question) -> Answer:
        result = await HourOfWeekTool().run(self.data, HourOfWeekTool.Input(**self._range_in(q)))
        if not result.figure.rows:
            return Answer(f"No customer wrote in {q.period.label}{self._scope_words(q)}.", _tables(result))
        hours = "; ".join(f"{day} {hour} ({_plural(count, 'message')})" for day, hour, count in result.figure.rows)
        return Answer(f"Your customers write most on: {hours} ({self.data.business.timezone} time).", _tables(result))

    async def _needs_person(self, q: Question) -> Answer:
        result = await NeedsPersonTool().run(self.data, NeedsPersonTool.Input())
        if not result.figure.rows:
            return Answer("No conversation is waiting for a person.", _tables(result))
        lines = [f"{_plural(result.notes['waiting'], 'conversation')} waiting for a person:"]
        for who, platform, state, at, wrote in result.figure.rows:
            said = f": “{wrote}”" if wrote else ""
            lines.append(f"- {who} on {platform}: {state}, last message {at}{said}.")
        return Answer("\n".join(lines), _tables(result))

    async def _intents(self, q: Question) -> Answer:
        result = await IntentsTool().run(self.data, IntentsTool.Input(**self._range_in(q)))
        if not result.figure.rows:
            return Answer(f"No answered customer messages in {q.period.label}{self._scope_words(q)} yet.", _tables(result))
        lines = [
            f"What customers wrote about in {q.period.label}: "
            + "; ".join(f"{name} {count}" for name, count in result.figure.rows)
            + "."
        ]
        for item in result.notes["objections_by_campaign"]:
            if not item["has_objection_answers"]:
                lines.append(f"{item['campaign']} met {_plural(item['objections'], 'objection')} and has no objection answers.")
        return Answer("\n".join(lines), _tables(result))

    async def _unanswered(self, q: Question) -> Answer:
        result = await GuardTool().run(self.data, GuardTool.Input(**self._range_in(q)))
        counts = {row[0]: row[1] for row in result.figure.rows}
        reply = (
            f"In {q.period.label}{self._scope_words(q)}: {counts['left without an answer']} of "
            f"{_plural(counts['customer messages'], 'customer message')} left without an answer, "
            f"{counts['replies not delivered']} not delivered, {counts['answers blocked by the guard']} model answers "
            f"replaced by the guard, {_plural(counts['handoffs to a person'], 'handoff')} to a person."
        )
        return Answer(reply, _tables(result))


def _p(rate: float) -> float:
    return round(rate * 100, 1)


def _compared(q: Question) -> frozenset[Metric]:
    """The figures a comparison of groups states: each group's usual ones, or its ranking's."""
    if q.ranking is None or q.ranking is Metric.conversion_rate:
        return ROW_FIGURES
    return RANKING_FIGURES | {q.ranking}


def _join(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _name(row: Mapping[str, Any]) -> str:
    if "campaign_name" in row:
        return str(row["campaign_name"])
    return PLATFORM_NAMES.get(row["platform"], row["platform"])
