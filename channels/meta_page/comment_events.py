"""Comments on an account's posts and ads, as Meta's webhooks carry them: Facebook's `feed` change (`item:
comment`) and Instagram's `comments` change, read into `Comment` events.

Both are `ChangeParser`s (a change's `value` and its entry's id, the page or Instagram account). A change that is
not a comment (a like, a new post, a share) reads as no event at all; a comment that names no comment id raises
ValueError, which the envelope turns into an `Unsupported` stand-in.
"""

from __future__ import annotations

from typing import Any

from channels.events import ChannelEvent, Comment
from channels.parsing import as_dict, as_str, timestamp_ms
from knowledge.platforms import Platform

_VERBS = {"add": "add", "edited": "edited", "edit": "edited", "remove": "remove", "delete": "remove"}


def parse_feed_change(value: dict[str, Any], entry_id: str) -> list[ChannelEvent]:
    """A Facebook page's `feed` change: only comments are read; a reply to a comment keeps its parent's id."""
    if as_str(value.get("item")) != "comment":
        return []
    comment_id = as_str(value.get("comment_id"))
    if not comment_id:
        raise ValueError("feed comment without a comment_id")
    author = as_dict(value.get("from"))
    author_id = as_str(author.get("id"))
    post_id = as_str(value.get("post_id")) or as_str(as_dict(value.get("post")).get("id"))
    parent_id = as_str(value.get("parent_id"))
    return [
        Comment(
            platform=Platform.facebook,
            account_id=entry_id,
            customer_id=author_id,
            timestamp_ms=timestamp_ms(value.get("created_time")),
            comment_id=comment_id,
            post_id=post_id,
            # A top-level comment names the post as its parent: it has no comment above it.
            parent_id="" if parent_id == post_id else parent_id,
            verb=_VERBS.get(as_str(value.get("verb")), "other"),
            text=as_str(value.get("message")),
            customer_name=as_str(author.get("name")),
            from_account=bool(author_id) and author_id == entry_id,
        )
    ]


def parse_instagram_comment(value: dict[str, Any], entry_id: str) -> list[ChannelEvent]:
    """An Instagram `comments` change. Instagram has no verb: every change is a new comment. The account's own
    replies come back too, from the account's id. No time of its own: the envelope gives it its entry's."""
    comment_id = as_str(value.get("id"))
    if not comment_id:
        raise ValueError("instagram comment without an id")
    author = as_dict(value.get("from"))
    author_id = as_str(author.get("id"))
    media = as_dict(value.get("media"))
    return [
        Comment(
            platform=Platform.instagram,
            account_id=entry_id,
            customer_id=author_id,
            comment_id=comment_id,
            post_id=as_str(media.get("original_media_id")) or as_str(media.get("id")),
            parent_id=as_str(value.get("parent_id")),
            text=as_str(value.get("text")),
            ad_id=as_str(media.get("ad_id")),
            customer_name=as_str(author.get("username")),
            from_account=bool(author_id) and author_id == entry_id,
        )
    ]
