"""One ad's or post's figures over a period, read for its page, the owner API and Leo (`bot/sales/ad_timeline.py`
tallies them per day).

An id is the tenant's when anything of theirs names it: a conversation an ad or comment started (`ad_id` or
`post_id` of its source), a comment received under it, or spend entered for it. Anything else (another business's
ad, a made-up id) is unknown: None, which the callers answer with 404.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from bot.conversations.store import COMMENT_REPLIES, COMMENTS_RECEIVED
from bot.sales.ad_figures import sales_of_conversations
from bot.sales.ad_spend import business_currency, spend_overlapping
from bot.sales.ad_timeline import DatedConversation, Timeline, ad_timeline
from bot.sales.attribution import SOURCES
from bot.sales.leads import QUALIFIED_STAGES, leads_of_conversations
from knowledge.db import Db

# Meta's ids: an ad id, a media id, a page post `{page_id}_{post_id}`.
AD_OR_POST_ID = re.compile(r"^[0-9A-Za-z_.:-]{1,128}$")

Kind = Literal["ad", "post"]


@dataclass
class AdDetail:
    id: str
    kind: Kind
    headline: str
    timeline: Timeline


def _ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


def _utc(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _named(key: str) -> dict[str, Any]:
    return {"$or": [{"ad_id": key}, {"post_id": key}]}


async def _kind_and_headline(db: Db, tenant_id: str, key: str) -> tuple[Kind, str] | None:
    """Whether the id is the tenant's ad or post (None: neither), and the ad's title when a referral carried it."""
    headline, is_ad = "", False
    async for doc in db[SOURCES].find({"tenant_id": tenant_id, **_named(key)}, {"headline": 1, "ad_id": 1}).limit(50):
        headline = headline or str(doc.get("headline", ""))
        is_ad = is_ad or doc.get("ad_id") == key
    if headline or is_ad:
        return "ad", headline
    if await db.ad_spend.find_one({"tenant_id": tenant_id, "ad_id": key}, {"_id": 1}) is not None:
        return "ad", ""
    found = await db[SOURCES].find_one({"tenant_id": tenant_id, "post_id": key}, {"_id": 1})
    found = found or await db[COMMENTS_RECEIVED].find_one({"tenant_id": tenant_id, **_named(key)}, {"ad_id": 1})
    if found is None:
        return None
    return ("ad" if found.get("ad_id") == key else "post"), ""


async def _conversations(
    db: Db, tenant_id: str, key: str, since: datetime, until: datetime, currency: str
) -> list[DatedConversation]:
    query = {
        "tenant_id": tenant_id,
        "kind": {"$in": ["ad", "comment"]},
        "at_ms": {"$gte": _ms(since), "$lt": _ms(until)},
        **_named(key),
    }
    sources = [doc async for doc in db[SOURCES].find(query, {"at_ms": 1})]
    ids = [doc["_id"] for doc in sources]
    if not ids:
        return []
    leads = await leads_of_conversations(db, tenant_id, ids)
    sales, revenue = await sales_of_conversations(db, tenant_id, ids, currency)
    return [
        DatedConversation(
            at_ms=int(doc["at_ms"]),
            lead=doc["_id"] in leads and leads[doc["_id"]].stage in QUALIFIED_STAGES,
            sales=sales[doc["_id"]],
            revenue_minor=revenue[doc["_id"]],
        )
        for doc in sources
    ]


async def ad_detail(
    db: Db, tenant_id: str, key: str, *, first: date, last: date, since: datetime, until: datetime, zone: ZoneInfo
) -> AdDetail | None:
    """The ad's or post's days [first, last] (from `since` to `until` in the business's zone); None when the id is
    not one of the tenant's."""
    if not AD_OR_POST_ID.match(key):
        return None
    known = await _kind_and_headline(db, tenant_id, key)
    if known is None:
        return None
    currency = await business_currency(db, tenant_id)
    comments = db[COMMENTS_RECEIVED].find(
        {"tenant_id": tenant_id, "at_ms": {"$gte": _ms(since), "$lt": _ms(until)}, **_named(key)}, {"at_ms": 1}
    )
    replies = db[COMMENT_REPLIES].find(
        {"tenant_id": tenant_id, "state": "sent", "at": {"$gte": since, "$lt": until}, **_named(key)}, {"at": 1}
    )
    spend = [row for row in await spend_overlapping(db, tenant_id, first, last) if row.ad_id == key]
    timeline = ad_timeline(
        first,
        last,
        zone,
        comments_ms=[int(doc["at_ms"]) async for doc in comments],
        replies_ms=[_ms(_utc(doc["at"])) async for doc in replies],
        conversations=await _conversations(db, tenant_id, key, since, until, currency),
        spend=spend,
        currency=currency,
    )
    return AdDetail(id=key, kind=known[0], headline=known[1], timeline=timeline)


# The ads page lists the posts commented on most; a page for each is a click away.
MAX_COMMENTED = 50


@dataclass(frozen=True, slots=True)
class CommentedPost:
    id: str  # the ad's id, or the post's or media's
    kind: Kind
    comments: int
    private_replies: int


_MAX_COMMENTS_READ = 20_000


async def commented_posts(db: Db, tenant_id: str, since: datetime, until: datetime) -> list[CommentedPost]:
    """The ads and posts commented on in [since, until), most comments first (an ad's comment counts for the ad,
    another for its post)."""
    window = {"tenant_id": tenant_id, "at_ms": {"$gte": _ms(since), "$lt": _ms(until)}}
    comments: Counter[str] = Counter()
    ads: set[str] = set()
    async for doc in db[COMMENTS_RECEIVED].find(window, {"ad_id": 1, "post_id": 1}).limit(_MAX_COMMENTS_READ):
        key = str(doc.get("ad_id") or doc.get("post_id") or "")
        if key:
            comments[key] += 1
            if doc.get("ad_id"):
                ads.add(key)
    replies: Counter[str] = Counter()
    sent = {"tenant_id": tenant_id, "state": "sent", "at": {"$gte": since, "$lt": until}}
    async for doc in db[COMMENT_REPLIES].find(sent, {"ad_id": 1, "post_id": 1}).limit(_MAX_COMMENTS_READ):
        replies[str(doc.get("ad_id") or doc.get("post_id") or "")] += 1
    ranked = sorted(comments.items(), key=lambda item: (-item[1], item[0]))[:MAX_COMMENTED]
    return [
        CommentedPost(id=key, kind="ad" if key in ads else "post", comments=count, private_replies=replies[key])
        for key, count in ranked
    ]


async def ad_titles(db: Db, tenant_id: str) -> list[str]:
    """The titles the business's ads' referrals carried, for a question that names one ("the summer ad")."""
    titles = await db[SOURCES].distinct("headline", {"tenant_id": tenant_id, "kind": "ad"})
    return sorted(str(title) for title in titles if title)
