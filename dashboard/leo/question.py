"""What the owner asked, understood without a model: the topic, the figures named, the days, the platform or
campaign, read after the thread's last question. Pure.

The words come from the catalog (`vocabulary.toml`), in the owner's languages. A question that names no topic,
figure, platform, campaign or days is outside what Leo's tools know ("weather tomorrow?", "thanks!"): it gets its
own short answer, never the last answer again. A follow-up keeps what the owner did not change: "and on
Instagram?" asks the last question again for Instagram, "and revenue?" asks for revenue over the same days.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from dashboard.analytics import DayRange
from dashboard.leo.figures import Metric
from dashboard.leo.ranges import NamedRange, default_range, range_in
from dashboard.leo.vocabulary import first_of, fold, metrics_in, vocabulary


class Topic(StrEnum):
    overview = "overview"
    figures = "figures"  # the figures named, and nothing else
    conversion = "conversion"
    catalog = "catalog"
    top_products = "top_products"
    campaigns = "campaigns"
    platforms = "platforms"
    leads = "leads"
    changes = "changes"
    improve = "improve"
    funnel = "funnel"
    activity = "activity"
    needs_person = "needs_person"
    intents = "intents"
    unanswered = "unanswered"
    ads = "ads"  # what each ad brought for what it cost
    outside = "outside"  # nothing Leo's tools know


# Where a figure named with a grouping makes a ranking ("which campaign brings the most revenue?").
RANKINGS = {"campaign": Topic.campaigns, "platform": Topic.platforms, "product": Topic.top_products}
RANKED = frozenset(RANKINGS.values())
# Topics whose answer is the figures themselves: a figure asked there and not yet stated is added.
FIGURE_TOPICS = frozenset({Topic.overview, Topic.figures, Topic.conversion, *RANKED})
# Topics a named figure with a grouping turns into a ranking; advice, leads and the rest stay what they are.
RANKABLE = frozenset({Topic.overview, Topic.figures, Topic.conversion, Topic.catalog, *RANKED})
PLATFORM_WORDS = (
    ("instagram", r"instagram|\big\b|insta\b"),
    ("whatsapp", r"whats ?app|\bwa\b"),
    ("facebook", r"messenger|facebook|\bfb\b"),
)


@dataclass(frozen=True)
class Question:
    """What the owner asked, understood: the topic, the figures named, the days, and which platform or campaign
    (empty: all)."""

    topic: Topic
    period: NamedRange
    platform: str = ""
    campaign_id: str = ""
    why: bool = False  # asks for the reasons ("why does Instagram convert worse?")
    metrics: tuple[Metric, ...] = ()  # the figures named, the one that ranks first
    ad: str = ""  # the ad named ("is the summer ad worth it?"): its title as its referrals carry it, or its id

    @property
    def ranking(self) -> Metric | None:
        """The figure a ranking is by, when the owner named one."""
        return self.metrics[0] if self.metrics else None

    def to_doc(self) -> dict[str, Any]:
        return {
            "topic": self.topic.value,
            "first": self.period.span.first.isoformat(),
            "last": self.period.span.last.isoformat(),
            "words": self.period.words,
            "platform": self.platform,
            "campaign_id": self.campaign_id,
            "why": self.why,
            "metrics": [metric.value for metric in self.metrics],
            **({"ad": self.ad} if self.ad else {}),
        }

    @classmethod
    def from_doc(cls, doc: Mapping[str, Any]) -> Question:
        span = DayRange(date.fromisoformat(doc["first"]), date.fromisoformat(doc["last"]))
        return cls(
            topic=Topic(doc["topic"]),
            period=NamedRange(span, doc["words"]),
            platform=doc.get("platform", ""),
            campaign_id=doc.get("campaign_id", ""),
            why=bool(doc.get("why")),
            metrics=tuple(Metric(m) for m in doc.get("metrics", []) if m in Metric.__members__),
            ad=str(doc.get("ad", "")),
        )


def topic_of(text: str) -> Topic | None:
    found = first_of(vocabulary().topics, fold(text))
    return Topic(found) if found else None


def platform_of(text: str) -> str:
    t = fold(text)
    return next((name for name, pattern in PLATFORM_WORDS if re.search(pattern, t)), "")


def campaign_in(text: str, campaigns: Mapping[str, Sequence[str]]) -> str:
    """The campaign whose name or product the question names (campaign id → its names)."""
    t = fold(text)
    for campaign_id, names in campaigns.items():
        if any(name and re.search(rf"(?<!\w){re.escape(fold(name))}(?!\w)", t) for name in names):
            return campaign_id
    return ""


# Words of an ad's title too short or too common to name it.
_MIN_AD_WORD = 4


def ad_in(text: str, titles: Sequence[str]) -> str:
    """The one ad the question names: by its id, or by the words of its title ("the summer ad" names "Summer yoga:
    first week free"); "" when none, or when two fit as well."""
    t = fold(text)
    scores: dict[str, int] = {}
    for title in titles:
        words = {w for w in re.findall(r"\w+", fold(title)) if len(w) >= _MIN_AD_WORD or w.isdigit()}
        found = sum(1 for w in words if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", t))
        if found:
            scores[title] = found
    best = sorted(scores.items(), key=lambda item: -item[1])
    if not best or (len(best) > 1 and best[1][1] == best[0][1]):
        return ""
    return best[0][0]


def _ranked_or_figures(topic: Topic | None, group: str, metrics: tuple[Metric, ...]) -> Topic | None:
    """A named figure with a grouping is a ranking; a figure alone is that figure."""
    if not metrics or (topic is not None and topic not in RANKABLE):
        return topic
    if group in RANKINGS:
        return RANKINGS[group]
    if topic is None:
        return Topic.conversion if metrics == (Metric.conversion_rate,) else Topic.figures
    return topic  # "how are sales going?" stays an overview, which states sales (and any figure it lacks is added)


def understand(
    text: str,
    today: date,
    previous: Question | None = None,
    campaigns: Mapping[str, Sequence[str]] | None = None,
    ads: Sequence[str] = (),
) -> Question:
    """The question `text` asks, read after `previous` (the thread's last question Leo could answer); `ads` are the
    titles (and ids) of the business's ads, for a question about one of them."""
    words = vocabulary()
    folded = fold(text)
    topic = topic_of(text)
    metrics = metrics_in(folded)
    group = first_of(words.groups, folded)
    platform = platform_of(text)
    period = range_in(text, today)
    campaign_id = campaign_in(text, campaigns or {})
    ad = (
        ad_in(text, ads) if topic == Topic.ads or (topic is None and previous is not None and previous.topic == Topic.ads) else ""
    )
    everywhere = bool(words.everywhere.search(folded))
    why = bool(words.why.search(folded))
    if platform and topic in (None, Topic.conversion, Topic.platforms) and why:
        topic = Topic.platforms
    named = bool(platform or period or campaign_id or everywhere or metrics or group or ad)
    follow_up = (topic is None or bool(words.follow_up.search(folded))) and (named or topic is not None)
    if follow_up and previous is not None:
        if topic is None and metrics:
            # "and by revenue?" ranks the same groups again; "and revenue?" after a total asks for that figure.
            topic = previous.topic if previous.topic in RANKED else _ranked_or_figures(None, "", metrics)
        return Question(
            topic=_ranked_or_figures(topic, group, metrics) or previous.topic,
            period=period or previous.period,
            platform="" if everywhere else platform or previous.platform,
            campaign_id="" if everywhere else campaign_id or previous.campaign_id,
            why=why or previous.why,
            metrics=metrics or (previous.metrics if topic in (None, previous.topic) else ()),
            ad=ad or (previous.ad if topic in (None, previous.topic) and not everywhere else ""),
        )
    topic = _ranked_or_figures(topic, group, metrics)
    if topic is None:
        if not named:
            return Question(topic=Topic.outside, period=default_range(today))
        topic = (
            Topic.platforms
            if platform or group == "platform"
            else Topic.campaigns
            if campaign_id or group == "campaign"
            else Topic.top_products
            if group == "product"
            else Topic.overview
        )
    if topic == Topic.leads:
        period = None  # "leads to call today" asks for who to call now, not for leads created today
    return Question(
        topic=topic,
        period=period or default_range(today),
        platform=platform,
        campaign_id=campaign_id,
        why=why,
        metrics=metrics,
        ad=ad if topic == Topic.ads else "",
    )


# What each tool's use says the owner asked, when the catalog could not read the question.
TOOL_TOPICS = {
    "compare_periods": Topic.changes,
    "lead_funnel": Topic.funnel,
    "top_products": Topic.top_products,
    "leads": Topic.leads,
    "conversations_needing_a_person": Topic.needs_person,
    "catalog": Topic.catalog,
    "customer_intents": Topic.intents,
    "unanswered_and_blocked": Topic.unanswered,
    "activity_by_hour": Topic.activity,
    "ad_performance": Topic.ads,
}


def as_the_model_read_it(question: Question, calls: Sequence[tuple[str, Mapping[str, Any]]], today: date) -> Question:
    """The question with what the model's tool calls say of it (`calls`: each tool and the arguments the model
    set): the figures it passed come first, in any language; the topic and days where the catalog read none."""
    calls = [(name, args) for name, args in calls if name != "calculator"]
    if not calls:
        return question
    passed = tuple(Metric(args["metric"]) for _, args in calls if args.get("metric") in Metric.__members__)
    metrics = tuple(dict.fromkeys(passed + question.metrics))
    topic = question.topic
    name, args = calls[0]
    if topic in (Topic.outside, Topic.overview):
        grouped = RANKINGS.get(str(args.get("group_by", "")))
        topic = TOOL_TOPICS.get(name) or grouped or (Topic.figures if metrics else Topic.overview)
    period = question.period
    words = args.get("period")
    if period == default_range(today) and isinstance(words, str):
        period = range_in(words, today) or period
    platform = question.platform or str(args.get("platform") or "")
    ad = str(args.get("ad") or question.ad) if name == "ad_performance" else question.ad
    return Question(topic, period, platform, question.campaign_id, question.why, metrics, ad)
