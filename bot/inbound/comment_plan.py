"""Decisions about a comment under a post or ad, from plain data: whether it gets a private reply, from which
campaign, with which words, and where the private and public replies go. No I/O here (see `comment_replies.py`).

Meta takes one private reply per comment, and only within 7 days of the comment; the account's own comments
(its replies come back as comments), edits and removals are never answered.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from channels.events import Comment
from channels.outbound import SendRequest, our_metadata
from channels.registry import channel_for_platform
from knowledge.models import Campaign, CommentRules
from knowledge.platforms import Platform

PRIVATE_REPLY_WINDOW = timedelta(days=7)
# The reference a private reply's echo carries: recognised as ours, and never taken for a turn's reply.
REFERENCE_PREFIX = "comment_"


@dataclass(frozen=True)
class CommentReply:
    """A comment to answer: the campaign whose rules it matched, the private text and the optional public one."""

    campaign_id: str
    private_text: str
    public_text: str


def _folded(text: str) -> str:
    """Text as compared: compatibility forms unified and case folded, so keywords match in any script."""
    return unicodedata.normalize("NFKC", text).casefold()


def keyword_matches(text: str, keywords: Sequence[str]) -> bool:
    """Whether the comment contains any keyword (no keywords: every comment matches). Containment, not words:
    scripts without spaces (Chinese, Thai, Japanese) have no word boundaries to look for."""
    if not keywords:
        return True
    folded = _folded(text)
    return any(_folded(keyword) in folded for keyword in keywords)


def post_matches(event: Comment, post_ids: Sequence[str]) -> bool:
    """Whether the comment is under one of the posts or ads (none listed: every one). A Facebook post is named
    `{page_id}_{post_id}` by Meta; the owner may write either that or the post's own number."""
    if not post_ids:
        return True
    named = {event.post_id, event.ad_id} - {""}
    if event.post_id and "_" in event.post_id:
        named.add(event.post_id.split("_", 1)[1])
    return any(post_id in named or post_id.split("_", 1)[-1] in named for post_id in post_ids)


def skip_reason(event: Comment, now: datetime) -> str:
    """Why a comment is never answered, whatever the rules ("" when it may be)."""
    if event.verb != "add":
        return f"comment {event.verb}"
    if event.from_account or event.customer_id == event.account_id:
        return "the account's own comment"
    if event.parent_id:
        # Meta answers a reply within a thread poorly (Instagram takes public replies on top-level comments only);
        # the person asked under someone else's comment, not under the post.
        return "a reply to another comment"
    if event.timestamp_ms and now - datetime.fromtimestamp(event.timestamp_ms / 1000, UTC) > PRIVATE_REPLY_WINDOW:
        return "older than 7 days"
    return ""


def rules_match(event: Comment, rules: CommentRules) -> bool:
    return post_matches(event, rules.post_ids) and keyword_matches(event.text, rules.keywords)


def plan_comment(event: Comment, campaigns: Sequence[Campaign], now: datetime) -> CommentReply | None:
    """The reply a comment gets, from the first campaign (oldest first) visible on its platform whose rules match;
    None when it gets none. The private text is the rules' own, else the campaign's greeting."""
    if skip_reason(event, now):
        return None
    for campaign in campaigns:
        rules = campaign.comment_rules
        if rules is None or not campaign.visible_on(event.platform) or not rules_match(event, rules):
            continue
        private_text = rules.private_reply.strip() or campaign.chat_flow.greeting.strip()
        if not private_text:
            continue  # nothing to say: the owner wrote neither a reply nor a greeting
        return CommentReply(campaign.id, private_text, rules.public_reply.strip())
    return None


def reply_key(event: Comment) -> str:
    """The one record a comment's reply has, whatever Meta redelivers (ad comments arrive twice)."""
    return f"{event.platform}:{event.account_id}:{event.comment_id}"


def one_message(platform: str, text: str) -> str:
    """The text as one message of its channel: a private reply is a single message, so a greeting longer than the
    channel takes (Instagram: 1000 bytes) is cut where the channel would end its first part."""
    parts = channel_for_platform(platform).build_send_requests("", "", text)
    return str(parts[0].body["message"]["text"]) if parts else text


def private_reply_request(event: Comment, text: str) -> SendRequest:
    """The private reply: the Send API of the page (Instagram: of the account), addressed to the comment."""
    text = one_message(event.platform, text)
    return SendRequest(
        path=f"/{event.account_id}/messages",
        body={
            "recipient": {"comment_id": event.comment_id},
            "message": {"text": text, "metadata": our_metadata(REFERENCE_PREFIX + event.comment_id)},
        },
        auth="access_token",
    )


def public_reply_request(event: Comment, text: str) -> SendRequest:
    """The answer under the comment: Facebook's `/comments` edge, Instagram's `/replies`."""
    edge = "replies" if event.platform == Platform.instagram else "comments"
    return SendRequest(path=f"/{event.comment_id}/{edge}", body={"message": text}, auth="access_token")


def answered_by_account(replies: dict[str, Any], account_id: str) -> bool:
    """Whether Meta's list of the answers under a comment (`GET /{comment_id}/comments`, Instagram `/replies`,
    `data[].from.id`) holds one the account wrote: a public reply that went out before its sender could write it down."""
    data = replies.get("data")
    items = data if isinstance(data, list) else []
    return any(
        isinstance(item, dict) and isinstance(item.get("from"), dict) and str(item["from"].get("id", "")) == account_id
        for item in items
    )
