"""`/api/comments/replies`: the private replies sent to comments under the owner's posts and ads, and why one
was not, in the owner's words."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.conversations.store import recent_comment_replies
from channels.problems import service_name
from dashboard.api.operations import ApiRoutes
from dashboard.context import db_of, tenant_id
from dashboard.delivery_words import cause
from dashboard.i18n.current import N_, gettext
from dashboard.schemas import CommentRepliesOut, CommentReplyOut

routes = ApiRoutes()

# Why a private reply did not go out, as the owner reads it, by Meta's code (see `channels/graph_errors.py`).
_REFUSALS = {
    10900: N_("This comment already had its private reply: {service} allows one per comment."),
    10902: N_("{service} does not allow a private reply to this comment."),
    10903: N_("This person cannot receive a private reply from you on {service}."),
}
_GAVE_UP = N_("{service} could not be reached or was busy each time we tried; this comment got no private reply.")


def why_not_sent(doc: dict[str, Any]) -> str:
    """The owner's sentence for a reply that did not go out ("" for one that did or is on its way)."""
    if doc.get("state") != "failed":
        return ""
    platform = str(doc.get("platform", ""))
    words = _GAVE_UP if doc.get("problem") == "gave_up" else _REFUSALS.get(int(doc.get("error_code") or 0))
    if words is None:  # another failure of a send: said as any message's
        return cause(str(doc.get("problem", "")), platform)
    return gettext(words).format(service=service_name(platform))


@routes.get("/api/comments/replies")
async def list_replies(request: web.Request) -> CommentRepliesOut:
    """The latest 50 comments answered (or refused), newest first: the comment, its post, the campaign, the
    conversation the reply opened, and why a reply did not go out."""
    docs = await recent_comment_replies(db_of(request), tenant_id(request))
    return CommentRepliesOut(
        replies=[
            CommentReplyOut(
                comment_id=doc["comment_id"],
                post_id=doc.get("post_id", ""),
                platform=doc["platform"],
                campaign_id=doc.get("campaign_id", ""),
                state=doc["state"],
                conversation_id=doc.get("conversation_id"),
                error_code=doc.get("error_code") or None,
                reason=why_not_sent(doc),
                public_reply=doc.get("public_state", ""),
                at=doc["at"],
            )
            for doc in docs
        ]
    )
