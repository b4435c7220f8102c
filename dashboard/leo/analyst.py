"""The offline analyst: the common questions answered from the tools without a model (no key, or the model failed
or its answer was refused). Understanding a question is pure (`question.py`); answering runs the tools.

The figure asked decides the answer: a ranking by revenue names the campaign that brings the most revenue, not
the one that converts best. Every figure the question names is in the answer: one the topic's answer does not
state is added after it, from the same tools.

Every sentence is a catalog's, in the owner's language, with numbers, money and days written its way (`writing.py`);
the campaigns', products' and customers' own names stay as they are.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from dashboard.analytics import AnalyticsReport, CampaignFigures, Figures, PlatformFigures, Scope
from dashboard.i18n import N_, gettext, ngettext
from dashboard.leo import writing
from dashboard.leo.advice import HotLead, recommendations
from dashboard.leo.figures import Metric, campaign_label, leaders, main_currency, ranked
from dashboard.leo.labels import (
    BILLING_PHRASES,
    CHANGE_LABELS,
    INTENT_TOPICS,
    LEAD_STAGES,
    WAITING_STATES,
    WEEKDAYS,
    campaign_status,
    said,
)
from dashboard.leo.question import FIGURE_TOPICS, Question, Topic, understand
from dashboard.leo.results import Cell, Figure, ToolResult
from dashboard.leo.tools import (
    NO_CONTACT,
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


def _tables(*results: ToolResult) -> list[Figure]:
    return [result.figure for result in results]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


# Counted things, in the owner's language ("1 sale", "3 ventas").
def _conversations(n: int) -> str:
    return writing.counted(ngettext("{count} conversation", "{count} conversations", n), n)


def _new_conversations(n: int) -> str:
    return writing.counted(ngettext("{count} new conversation", "{count} new conversations", n), n)


def _customer_messages(n: int) -> str:
    return writing.counted(ngettext("{count} customer message", "{count} customer messages", n), n)


def _sales(n: int) -> str:
    return writing.counted(ngettext("{count} sale", "{count} sales", n), n)


def _leads(n: int) -> str:
    return writing.counted(ngettext("{count} lead", "{count} leads", n), n)


def _handoffs(n: int) -> str:
    return writing.counted(ngettext("{count} handoff", "{count} handoffs", n), n)


def _ad_money(figure: Figure, row: int, column: int) -> str:
    """A money cell of the ads table in the owner's language's way ("" when it is empty)."""
    amounts = figure.amounts.get(f"{row},{column}") or {}
    return ", ".join(writing.money(amount, currency) for currency, amount in amounts.items())


def _ad_verdict(figure: Figure, row: int) -> str:
    """Whether an ad is worth its money: what it cost, per sale, and its return on ad spend against 1."""
    spend, per_sale, roas = _ad_money(figure, row, 7), _ad_money(figure, row, 9), figure.rows[row][10]
    if not spend:
        return gettext("no spend entered, so its cost per sale is unknown (enter it on the Ads page).")
    if per_sale:
        cost = gettext("spent {spend}, {per_sale} per sale").format(spend=spend, per_sale=per_sale)
    else:
        cost = gettext("spent {spend}").format(spend=spend)
    if not isinstance(roas, (int, float)):
        return gettext("{cost}.").format(cost=cost)
    ratio = writing.ratio(roas)
    if roas >= 1:
        return gettext("{cost}, return on ad spend {roas}: it brought more than it cost.").format(cost=cost, roas=ratio)
    return gettext("{cost}, return on ad spend {roas}: it cost more than it brought so far.").format(cost=cost, roas=ratio)


def _revenue(row: Figures) -> str:
    amount = writing.revenue(row)
    return gettext("revenue {amount}").format(amount=amount) if amount else gettext("no revenue")


# Sentences that name what kind of group they compare.
NO_ACTIVITY = {
    "campaign": N_("No campaign had conversations in {period} yet."),
    "platform": N_("No platform had conversations in {period} yet."),
    "product": N_("No product had conversations in {period} yet."),
}
NONE_HAS = {
    "campaign": N_("None of your campaigns has any {figure} in {period} yet."),
    "platform": N_("None of your platforms has any {figure} in {period} yet."),
    "product": N_("None of your products has any {figure} in {period} yet."),
}
BY_FIGURE = {
    "campaign": N_("Your campaigns by {figure}:"),
    "platform": N_("Your platforms by {figure}:"),
    "product": N_("Your products by {figure}:"),
}
IN_PERIOD = {"campaign": N_("Your campaigns in {period}:"), "platform": N_("Your platforms in {period}:")}
ONLY_ONE = {
    "campaign": N_("{name} is your only campaign with conversations, so there is nothing to compare it with."),
    "platform": N_("{name} is your only platform with conversations, so there is nothing to compare it with."),
}
ACTUALLY_BEST = {
    "campaign": N_("{name} actually converts best of your campaigns."),
    "platform": N_("{name} actually converts best of your platforms."),
}


class OfflineAnalyst:
    """Answers a `Question` from the tools, in plain words with the figures behind them."""

    def __init__(self, data: LeoData) -> None:
        self.data = data

    def _scope_words(self, q: Question) -> str:
        parts = [gettext("on {platform}").format(platform=PLATFORM_NAMES[q.platform])] if q.platform else []
        if q.campaign_id:
            name = self.data.business.campaign_names.get(q.campaign_id) or gettext("that campaign")
            parts.append(gettext("for {campaign}").format(campaign=name))
        return (" " + " ".join(parts)) if parts else ""

    def _range_in(self, q: Question, **extra: Any) -> dict[str, Any]:
        campaign = self.data.business.campaign_names.get(q.campaign_id) if q.campaign_id else None
        return {"period": q.period.as_words, "platform": q.platform or None, "campaign": campaign, **extra}

    async def _report(self, q: Question) -> AnalyticsReport:
        return await self.data.report(q.period.span, Scope(campaign_id=q.campaign_id, platform=q.platform))

    async def answer(self, q: Question) -> Answer:
        # Every topic's handler takes the question; a few need none of it (`_q`).
        handler = getattr(self, f"_{q.topic.value}")
        answer: Answer = await handler(q)
        missing = tuple(metric for metric in q.metrics if metric not in answer.states) if q.topic in FIGURE_TOPICS else ()
        if not missing:
            return answer
        added = await self._figures(replace(q, metrics=missing))
        return Answer(f"{answer.reply}\n{added.reply}", answer.figures + added.figures, answer.states | added.states)

    async def _outside(self, _q: Question) -> Answer:
        return Answer(gettext(OUTSIDE))

    async def _figures(self, q: Question) -> Answer:
        """Each figure named, over the days asked, against the days just before."""
        result = await MetricsTool().run(self.data, MetricsTool.Input(**self._range_in(q, metric=q.ranking)))
        report = await self._report(q)
        now, before = report.totals, report.previous
        lines = [
            gettext("{figure}{where} in {period}: {now} (the {days} days before: {before}).").format(
                figure=_cap(writing.metric_words(metric)),
                where=self._scope_words(q),
                period=writing.period(q.period.label),
                now=writing.shown(now, metric),
                days=writing.num(q.period.span.days),
                before=writing.shown(before, metric),
            )
            for metric in q.metrics
        ]
        return Answer("\n".join(lines), _tables(result), frozenset(q.metrics))

    async def _overview(self, q: Question) -> Answer:
        result = await MetricsTool().run(self.data, MetricsTool.Input(**self._range_in(q)))
        t = (await self._report(q)).totals
        # Capitalised: a language whose days carry their own preposition starts the sentence with them.
        summary = gettext(
            "In {period}{where}: {conversations}, {messages}, {answered} of them answered, {sales} "
            "(conversion rate {conversion}), {revenue}, {handoffs} to a person."
        ).format(
            period=writing.period(q.period.label),
            where=self._scope_words(q),
            conversations=_new_conversations(t.conversations),
            messages=_customer_messages(t.messages_in),
            answered=writing.rate(t.response_rate),
            sales=_sales(t.conversions),
            conversion=writing.rate(t.conversion_rate),
            revenue=_revenue(t),
            handoffs=_handoffs(t.handoffs),
        )
        more = gettext("Ask me about your conversion rate, campaigns, channels, top products, leads to call or how to sell more.")
        return Answer(f"{_cap(summary)}\n{more}", _tables(result), OVERVIEW_FIGURES)

    async def _conversion(self, q: Question) -> Answer:
        total = await MetricsTool().run(self.data, MetricsTool.Input(**self._range_in(q)))
        by_campaign = await MetricsTool().run(self.data, MetricsTool.Input(**self._range_in(q, group_by="campaign")))
        by_platform = await MetricsTool().run(self.data, MetricsTool.Input(**self._range_in(q, group_by="platform")))
        report = await self._report(q)
        t = report.totals
        lines = [
            gettext("Your conversion rate{where} in {period} is {rate}: {sales} from {conversations}.").format(
                where=self._scope_words(q),
                period=writing.period(q.period.label),
                rate=writing.rate(t.conversion_rate),
                sales=_sales(t.conversions),
                conversations=_new_conversations(t.conversations),
            )
        ]

        def share(row: Figures) -> str:
            return gettext("{name} {rate} ({sales} of {conversations})").format(
                name=_name(row),
                rate=writing.rate(row.conversion_rate),
                sales=writing.num(row.conversions),
                conversations=writing.num(row.conversations),
            )

        campaigns = [row for row in report.per_campaign if row.conversations or row.conversions]
        if campaigns:
            lines.append(gettext("By campaign: {groups}.").format(groups="; ".join(share(row) for row in campaigns)))
        if report.per_platform:
            lines.append(gettext("By platform: {groups}.").format(groups="; ".join(share(row) for row in report.per_platform)))
        states = frozenset({Metric.conversion_rate, Metric.sales, Metric.conversations})
        return Answer("\n".join(lines), _tables(total, by_campaign, by_platform), states)

    async def _catalog(self, _q: Question) -> Answer:
        result = await CatalogTool().run(self.data, CatalogTool.Input())
        if not result.figure.rows:
            return Answer(
                gettext(
                    "You have no campaigns yet, so there is nothing to sell: add one under Campaigns with its product and price."
                ),
                _tables(result),
            )
        products = len(result.figure.rows)
        lines = [writing.counted(ngettext("You sell {count} product:", "You sell {count} products:", products), products)]
        for product, campaign, price, billing, platform, status, _ in result.figure.rows:
            if billing == "one-off":
                every = ""
            elif billing in BILLING_PHRASES:
                every = " " + gettext(BILLING_PHRASES[str(billing)])
            else:
                every = " " + gettext("per {period}").format(period=billing)
            where = gettext("every platform") if platform == "every platform" else str(platform)
            lines.append(
                "- "
                + gettext("{product} at {price}{every}, on {platform} (campaign {campaign}, {status}).").format(
                    product=product,
                    price=price,
                    every=every,
                    platform=where,
                    campaign=campaign,
                    status=campaign_status(status),
                )
            )
        return Answer("\n".join(lines), _tables(result))

    async def _top_products(self, q: Question) -> Answer:
        metric = q.ranking or Metric.sales
        result = await TopProductsTool().run(self.data, TopProductsTool.Input(period=self._range_in(q)["period"], metric=metric))
        rows = result.figure.rows
        if not rows:
            return Answer(gettext("You have no products yet: add a campaign with its product and price."), _tables(result))
        report = await self.data.report(q.period.span)
        if metric is not Metric.sales:
            products = {c.id: c.product.name for c in await self.data.campaigns()}
            groups = [row for row in report.per_campaign if row.campaign_id in products]
            lines = self._ranking(q, groups, "product", metric, lambda row: products[_key(row)])
            return Answer("\n".join(lines), _tables(result), RANKING_FIGURES | {metric})
        period = writing.period(q.period.label)
        selling = [row for row in rows if row[3]]
        if not selling:
            lines = [gettext("No sales recorded in {period} yet. By conversations:").format(period=period)]
            lines += [f"- {row[0]} ({row[2]}): {_conversations(int(row[5] or 0))}." for row in rows]
            return Answer("\n".join(lines), _tables(result))
        by_name = {campaign_label(row): row for row in report.per_campaign}
        lines = [gettext("Your top products in {period}:").format(period=period)]
        lines += [
            "- "
            + gettext("{product} ({price}): {sales}, revenue {revenue}, conversion rate {rate} from {conversations}.").format(
                product=row[0],
                price=row[2],
                sales=_sales(int(row[3] or 0)),
                revenue=writing.revenue(by_name[str(row[1])]) if str(row[1]) in by_name else row[4],
                rate=writing.pct(row[6] if isinstance(row[6], (int, float)) else str(row[6])),
                conversations=_conversations(int(row[5] or 0)),
            )
            for row in selling
        ]
        return Answer("\n".join(lines), _tables(result), ROW_FIGURES - {Metric.response_rate})

    def _reasons(self, row: Figures, others: Sequence[Figures]) -> list[str]:
        """Why a group does worse than the others, each reason with its figure."""
        if not others:
            return []
        reasons = []
        rates: tuple[tuple[Callable[[Figures], float], str], ...] = (
            (_response_rate, N_("answers fewer customer messages: {value} against {best} for {name}")),
            (_reply_rate, N_("fewer customers write again after the first answer: {value} against {best} for {name}")),
        )
        for rate_of, sentence in rates:
            top = max(others, key=rate_of)
            if rate_of(row) + 0.05 < rate_of(top):
                reasons.append(
                    gettext(sentence).format(value=writing.rate(rate_of(row)), best=writing.rate(rate_of(top)), name=_name(top))
                )
        waits = [(r, r.first_response_avg_s) for r in others if r.first_response_avg_s is not None]
        wait = row.first_response_avg_s
        if wait is not None and waits:
            fastest, fastest_wait = min(waits, key=lambda pair: pair[1])
            if wait > fastest_wait * 1.5 + 5:
                reasons.append(
                    gettext("customers wait longer for a first answer: {value} against {best} for {name}").format(
                        value=writing.seconds(wait),
                        best=writing.seconds(fastest_wait),
                        name=_name(fastest),
                    )
                )
        if row.conversations and row.handoff_rate > max(r.handoff_rate for r in others) + 0.05:
            reasons.append(
                gettext("more customers ask for a person: {value} of conversations").format(value=writing.rate(row.handoff_rate))
            )
        if failures := row.send_failures:
            reasons.append(
                writing.counted(
                    ngettext("{count} reply could not be delivered", "{count} replies could not be delivered", failures),
                    failures,
                )
            )
        if blocks := row.guard_blocks:
            reasons.append(
                writing.counted(
                    ngettext(
                        "{count} answer stated a price not in your catalog and was replaced",
                        "{count} answers stated a price not in your catalog and were replaced",
                        blocks,
                    ),
                    blocks,
                )
            )
        if objections := row.intent_objection:
            reasons.append(
                writing.counted(
                    ngettext("customers raised {count} objection there", "customers raised {count} objections there", objections),
                    objections,
                )
            )
        return reasons

    def _ranking(
        self, q: Question, rows: Sequence[Figures], kind: str, metric: Metric, name: Callable[[Figures], str]
    ) -> list[str]:
        """The groups by the figure asked, the leader first; each line with the figures around it."""
        period = writing.period(q.period.label)
        active = [row for row in rows if row.conversations or row.conversions]
        if not active:
            return [gettext(NO_ACTIVITY[kind]).format(period=period)]
        figure, best = writing.metric_words(metric), leaders(active, metric)
        if not best:
            lines = [gettext(NONE_HAS[kind]).format(figure=figure, period=period)]
        elif len(best) == 1:
            sentence = writing.LEADER_SENTENCES[metric]
            lines = [gettext(sentence).format(name=name(best[0]), period=period, value=writing.shown(best[0], metric))]
        else:
            lines = [
                gettext("{names} are level on {figure} in {period}: {value}.").format(
                    names=writing.joined([name(row) for row in best]),
                    figure=figure,
                    period=period,
                    value=writing.shown(best[0], metric),
                )
            ]
        currencies = {currency for row in active for currency in row.revenue}
        if metric is Metric.revenue and len(currencies) > 1:
            lines.append(gettext("(Ranked by revenue in {currency}.)").format(currency=main_currency(active)))
        lines.append(gettext(BY_FIGURE[kind]).format(figure=figure))
        for row in ranked(active, metric):
            around = {
                Metric.conversations: _conversations(row.conversations),
                Metric.sales: _sales(row.conversions),
                Metric.conversion_rate: gettext("conversion rate {rate}").format(rate=writing.rate(row.conversion_rate)),
            }
            context = ", ".join(text for shown_figure, text in around.items() if shown_figure is not metric)
            if metric is Metric.revenue and not writing.revenue(row):
                # "no revenue", not "revenue no revenue".
                line = gettext("{name}: no revenue ({context}).").format(name=name(row), context=context)
            else:
                line = gettext("{name}: {figure} {value} ({context}).").format(
                    name=name(row), figure=figure, value=writing.shown(row, metric), context=context
                )
            lines.append(f"- {line}")
        return lines

    async def _compare(self, q: Question, rows: Sequence[Figures], kind: str, asked: str) -> list[str]:
        period = writing.period(q.period.label)
        active = [row for row in rows if row.conversations or row.conversions]
        if not active:
            return [gettext(NO_ACTIVITY[kind]).format(period=period)]
        if q.ranking is not None and q.ranking is not Metric.conversion_rate:
            return self._ranking(q, active, kind, q.ranking, _name)
        lines = [gettext(IN_PERIOD[kind]).format(period=period)]
        ranked_rows = sorted(active, key=lambda r: (r.conversion_rate, r.conversions, r.conversations), reverse=True)
        lines.extend("- " + _compared_line(row) for row in ranked_rows)
        target = next((row for row in active if _key(row) == asked), None) if asked else None
        if target is not None:
            return lines + self._about_the_asked(kind, target, active, ranked_rows)
        if len(ranked_rows) > 1:
            lines.extend(self._best_and_worst(ranked_rows[0], ranked_rows[-1]))
        return lines

    def _about_the_asked(
        self, kind: str, target: Figures, active: Sequence[Figures], ranked_rows: Sequence[Figures]
    ) -> list[str]:
        """What the owner asked about one group ("why does X do worse?"): its place among the others, and why."""
        others = [row for row in active if row is not target]
        reasons = self._reasons(target, others)
        if not others:
            return [gettext(ONLY_ONE[kind]).format(name=_name(target))]
        if target is ranked_rows[0]:
            # The question's premise is wrong: say so before anything else.
            lines = [gettext(ACTUALLY_BEST[kind]).format(name=_name(target))]
            if reasons:
                lines.append(gettext("Where it still lags: {reasons}.").format(reasons="; ".join(reasons)))
            return lines
        if reasons:
            return [gettext("Why {name} does worse: {reasons}.").format(name=_name(target), reasons="; ".join(reasons))]
        return [
            gettext(
                "{name} converts at {rate} against {best_rate} for {best}; its service figures are as good as the "
                "others', so look at the audience and the offer there."
            ).format(
                name=_name(target),
                rate=writing.rate(target.conversion_rate),
                best_rate=writing.rate(ranked_rows[0].conversion_rate),
                best=_name(ranked_rows[0]),
            )
        ]

    def _best_and_worst(self, best: Figures, worst: Figures) -> list[str]:
        """The best and the worst converting group, and why the worst does worse (or that they all convert alike)."""
        lines = []
        if best.conversion_rate == worst.conversion_rate:
            rate = writing.rate(best.conversion_rate)
            if best.conversions:
                lines.append(gettext("They all convert at {rate}.").format(rate=rate))
            else:
                lines.append(gettext("They all convert at {rate}: none of them has a sale yet.").format(rate=rate))
        else:
            lines.append(
                gettext("Best: {best} at {best_rate}. Worst: {worst} at {worst_rate}.").format(
                    best=_name(best),
                    best_rate=writing.rate(best.conversion_rate),
                    worst=_name(worst),
                    worst_rate=writing.rate(worst.conversion_rate),
                )
            )
        reasons = self._reasons(worst, [best])
        if reasons:
            lines.append(gettext("Why {name} does worse: {reasons}.").format(name=_name(worst), reasons="; ".join(reasons)))
        return lines

    async def _campaigns(self, q: Question) -> Answer:
        result = await MetricsTool().run(self.data, MetricsTool.Input(**self._range_in(q, group_by="campaign", metric=q.ranking)))
        report = await self._report(q)
        lines = await self._compare(q, report.per_campaign, "campaign", q.campaign_id)
        return Answer("\n".join(lines), _tables(result), _compared(q))

    async def _platforms(self, q: Question) -> Answer:
        # The platforms compared with each other: the asked one is not filtered out of the comparison.
        wide = replace(q, platform="")
        result = await MetricsTool().run(
            self.data, MetricsTool.Input(**self._range_in(wide, group_by="platform", metric=q.ranking))
        )
        report = await self._report(wide)
        lines = await self._compare(wide, report.per_platform, "platform", q.platform)
        if q.platform and not any(row.platform == q.platform for row in report.per_platform):
            lines.append(
                gettext("{platform} had no conversations in {period}: is it connected?").format(
                    platform=PLATFORM_NAMES[q.platform], period=writing.period(q.period.label)
                )
            )
        return Answer("\n".join(lines), _tables(result), _compared(q))

    async def _ads(self, q: Question) -> Answer:
        """Which ad brings buyers, and whether each is worth its money: every figure from the ads tool."""
        campaign = self.data.business.campaign_names.get(q.campaign_id) if q.campaign_id else None
        if q.ad:
            one = await AdsTool().run(self.data, AdsTool.Input(period=q.period.as_words, campaign=campaign, ad=q.ad))
            if one.figure.rows:
                return self._one_ad(q, one)
        result = await AdsTool().run(self.data, AdsTool.Input(period=q.period.as_words, campaign=campaign))
        figure, period = result.figure, writing.period(q.period.label)
        if not figure.rows:
            return Answer(
                gettext("No conversation started from an ad in {period}, and no ad spend was entered for it.").format(
                    period=period
                ),
                _tables(result),
            )
        best = figure.rows[0]
        if best[5]:
            lead = gettext("The ad that brings the most buyers in {period} is {name}: {sales}, revenue {revenue}.").format(
                period=period, name=best[0], sales=_sales(int(best[5])), revenue=_ad_money(figure, 0, 6)
            )
        else:
            lead = gettext("No ad brought a sale in {period} yet. Each ad:").format(period=period)
        lines = [lead]
        for n, row in enumerate(figure.rows):
            lines.append(f"- {row[0]}: {self._ad_said(figure, n)}; {_ad_verdict(figure, n)}")
        return Answer("\n".join(lines), _tables(result))

    def _one_ad(self, q: Question, result: ToolResult) -> Answer:
        """Whether the ad the owner named is worth its money: its figures and the verdict, over the days asked."""
        figure = result.figure
        lines = [
            gettext("{name} in {period}: {said}; {verdict}").format(
                name=row[0],
                period=writing.period(q.period.label),
                said=self._ad_said(figure, n),
                verdict=_ad_verdict(figure, n),
            )
            for n, row in enumerate(figure.rows)
        ]
        return Answer("\n".join(lines), _tables(result))

    @staticmethod
    def _ad_said(figure: Figure, n: int) -> str:
        row = figure.rows[n]
        return gettext("{conversations}, {leads}, {sales}, revenue {revenue}").format(
            conversations=_conversations(int(row[3] or 0)),
            leads=_leads(int(row[4] or 0)),
            sales=_sales(int(row[5] or 0)),
            revenue=_ad_money(figure, n, 6),
        )

    async def _leads(self, q: Question) -> Answer:
        result = await LeadsTool().run(self.data, LeadsTool.Input(platform=q.platform or None, limit=5))
        if not result.figure.rows:
            return Answer(gettext("You have no open leads{where} right now.").format(where=self._scope_words(q)), _tables(result))
        matching = int(result.notes["matching_leads"])
        lines = [
            writing.counted(
                ngettext(
                    "Call these today ({count} open lead, hottest first):",
                    "Call these today ({count} open leads, hottest first):",
                    matching,
                ),
                matching,
            )
        ]
        for name, score, stage, contact, platform, _campaign, got_link, next_step in result.figure.rows:
            link = "" if got_link == "yes" else gettext(", has not had the purchase link")
            line = gettext("{name}: score {score}, {stage}, {contact} on {platform}{link}.").format(
                name=name,
                score=score,
                stage=said(LEAD_STAGES, stage),
                contact=gettext(NO_CONTACT) if contact == NO_CONTACT else contact,
                platform=platform,
                link=link,
            )
            lines.append(f"- {line} {next_step}".rstrip())
        return Answer("\n".join(lines), _tables(result))

    async def _changes(self, q: Question) -> Answer:
        result = await ComparePeriodsTool().run(self.data, ComparePeriodsTool.Input(**self._range_in(q)))
        changed = [row for row in result.figure.rows if row[3]]
        head = gettext("{period}{where} against the {days} days before ({previous})").format(
            period=writing.period(q.period.label),
            where=self._scope_words(q),
            days=writing.num(q.period.span.days),
            previous=writing.period(str(result.notes["previous_period"])),
        )
        if not changed:
            return Answer(gettext("Nothing changed in {head}.").format(head=head), _tables(result))
        lines = [gettext("What changed in {head}:").format(head=head)]
        for label, now, before, change in changed:
            sign = "+" if isinstance(change, (int, float)) and change > 0 else ""
            text = str(label)
            named = (
                gettext("revenue {currency}").format(currency=text.split(" ", 1)[1])
                if text.startswith("revenue ")
                else said(CHANGE_LABELS, text)
            )
            lines.append(
                "- "
                + gettext("{figure}: {now} (was {before}, {change}).").format(
                    figure=named, now=writing.cell(now), before=writing.cell(before), change=f"{sign}{writing.cell(change)}"
                )
            )
        return Answer("\n".join(lines), _tables(result))

    async def _improve(self, q: Question) -> Answer:
        by_platform = await MetricsTool().run(self.data, MetricsTool.Input(**self._range_in(q, group_by="platform")))
        by_campaign = await MetricsTool().run(self.data, MetricsTool.Input(**self._range_in(q, group_by="campaign")))
        leads = await LeadsTool().run(self.data, LeadsTool.Input(min_score=60, limit=50))
        report = await self._report(q)
        has_answers = {c.id: bool(c.chat_flow.objection_handling) for c in await self.data.campaigns()}
        hot = [HotLead(name=str(row[0]), score=int(row[1] or 0), cta_sent=row[6] == "yes") for row in leads.figure.rows]
        advice = recommendations(report, has_answers, hot)
        t = report.totals
        period = writing.period(q.period.label)
        if not advice:
            reply = gettext(
                "Nothing stands out in {period}: {conversations}, conversion rate {conversion}, {answered} of messages "
                "answered. Bring more customers in: run a campaign on the platform that converts best."
            ).format(
                period=period,
                conversations=_conversations(t.conversations),
                conversion=writing.rate(t.conversion_rate),
                answered=writing.rate(t.response_rate),
            )
            return Answer(reply, _tables(by_platform, by_campaign))
        lines = [gettext("How to sell more, from {period}:").format(period=period)]
        lines += [f"{n}. {text}" for n, text in enumerate(advice[:5], start=1)]
        return Answer("\n".join(lines), _tables(by_platform, by_campaign, leads))

    async def _funnel(self, q: Question) -> Answer:
        result = await FunnelTool().run(self.data, FunnelTool.Input(**self._range_in(q)))
        counts = {str(row[0]): writing.cell(row[1]) for row in result.figure.rows}
        reply = gettext(
            "Leads created in {period}{where}: {new} in total, {engaged} engaged, {qualified} qualified, {proposal} got "
            "an offer, {converted} bought; {lost} lost."
        ).format(period=writing.period(q.period.label), where=self._scope_words(q), **counts)
        return Answer(reply, _tables(result))

    async def _activity(self, q: Question) -> Answer:
        result = await HourOfWeekTool().run(self.data, HourOfWeekTool.Input(**self._range_in(q)))
        period = writing.period(q.period.label)
        if not result.figure.rows:
            return Answer(
                gettext("No customer wrote in {period}{where}.").format(period=period, where=self._scope_words(q)),
                _tables(result),
            )

        def busy(day: Cell, hour: Cell, messages: Cell) -> str:
            n = int(messages or 0)
            said = writing.counted(ngettext("{count} message", "{count} messages", n), n)
            return f"{writing.weekday(WEEKDAYS.index(str(day))) if day in WEEKDAYS else day} {hour} ({said})"

        hours = "; ".join(busy(day, hour, count) for day, hour, count in result.figure.rows)
        return Answer(
            gettext("Your customers write most on: {hours} ({zone} time).").format(hours=hours, zone=self.data.business.timezone),
            _tables(result),
        )

    async def _needs_person(self, _q: Question) -> Answer:
        result = await NeedsPersonTool().run(self.data, NeedsPersonTool.Input())
        if not result.figure.rows:
            return Answer(gettext("No conversation is waiting for a person."), _tables(result))
        waiting = int(result.notes["waiting"])
        lines = [
            writing.counted(
                ngettext("{count} conversation waiting for a person:", "{count} conversations waiting for a person:", waiting),
                waiting,
            )
        ]
        for who, platform, state, at, wrote in result.figure.rows:
            quoted = f": “{wrote}”" if wrote else ""
            lines.append(
                "- "
                + gettext("{who} on {platform}: {state}, last message {at}{said}.").format(
                    who=who, platform=platform, state=said(WAITING_STATES, state), at=writing.moment(str(at)), said=quoted
                )
            )
        return Answer("\n".join(lines), _tables(result))

    async def _intents(self, q: Question) -> Answer:
        result = await IntentsTool().run(self.data, IntentsTool.Input(**self._range_in(q)))
        period = writing.period(q.period.label)
        if not result.figure.rows:
            return Answer(
                gettext("No answered customer messages in {period}{where} yet.").format(
                    period=period, where=self._scope_words(q)
                ),
                _tables(result),
            )
        topics = "; ".join(f"{said(INTENT_TOPICS, name)} {writing.cell(count)}" for name, count in result.figure.rows)
        lines = [gettext("What customers wrote about in {period}: {topics}.").format(period=period, topics=topics)]
        for item in result.notes["objections_by_campaign"]:
            if not item["has_objection_answers"]:
                n = int(item["objections"])
                lines.append(
                    ngettext(
                        "{campaign} met {count} objection and has no objection answers.",
                        "{campaign} met {count} objections and has no objection answers.",
                        n,
                    ).format(campaign=item["campaign"], count=writing.num(n))
                )
        return Answer("\n".join(lines), _tables(result))

    async def _unanswered(self, q: Question) -> Answer:
        result = await GuardTool().run(self.data, GuardTool.Input(**self._range_in(q)))
        counts = {row[0]: int(row[1] or 0) for row in result.figure.rows}
        reply = gettext(
            "In {period}{where}: {left} of {messages} left without an answer, {failed} not delivered, {blocked} model "
            "answers replaced by the guard, {handoffs} to a person."
        ).format(
            period=writing.period(q.period.label),
            where=self._scope_words(q),
            left=writing.num(counts["left without an answer"]),
            messages=_customer_messages(counts["customer messages"]),
            failed=writing.num(counts["replies not delivered"]),
            blocked=writing.num(counts["answers blocked by the guard"]),
            handoffs=_handoffs(counts["handoffs to a person"]),
        )
        return Answer(_cap(reply), _tables(result))


def _compared(q: Question) -> frozenset[Metric]:
    """The figures a comparison of groups states: each group's usual ones, or its ranking's."""
    if q.ranking is None or q.ranking is Metric.conversion_rate:
        return ROW_FIGURES
    return RANKING_FIGURES | {q.ranking}


def _compared_line(row: Figures) -> str:
    """One group's figures in a comparison: conversations, sales, conversion rate, revenue, messages answered."""
    return gettext(
        "{name}: {conversations}, {sales} (conversion rate {rate}), {revenue}, {answered} of messages answered."
    ).format(
        name=_name(row),
        conversations=_conversations(row.conversations),
        sales=_sales(row.conversions),
        rate=writing.rate(row.conversion_rate),
        revenue=_revenue(row),
        answered=writing.rate(row.response_rate),
    )


def _name(row: Figures) -> str:
    if isinstance(row, CampaignFigures):
        return campaign_label(row)
    if isinstance(row, PlatformFigures):
        return PLATFORM_NAMES.get(row.platform, row.platform)
    return ""


def _key(row: Figures) -> str:
    """What a question names a group by: a campaign's id, a platform."""
    if isinstance(row, CampaignFigures):
        return row.campaign_id
    return row.platform if isinstance(row, PlatformFigures) else ""


def _response_rate(row: Figures) -> float:
    return row.response_rate


def _reply_rate(row: Figures) -> float:
    return row.customer_reply_rate
