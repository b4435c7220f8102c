"""`/api/comments/replies`: the private replies sent to comments under the owner's posts and ads, and why one
was not (Meta's words, with what the owner can do)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.inbound.comment_replies import recent_replies
from dashboard.api.operations import ApiRoutes
from dashboard.context import services, tenant_id
from dashboard.schemas import CommentRepliesOut, CommentReplyOut

routes = ApiRoutes()

# Why Meta refused a private reply, as the owner reads it (codes Meta gives, see `channels/graph_errors.py`).
_REFUSALS = {
    10900: "This comment already had its private reply: Meta allows one per comment.",
    10902: "Meta does not allow a private reply to this comment.",
    10903: "This person cannot receive a private reply from your page (their settings, or they left).",
}


def why_not_sent(doc: dict[str, Any]) -> str:
    """The owner's sentence for a reply that did not go out ("" for one that did or is on its way)."""
    if doc.get("state") != "failed":
        return ""
    if doc.get("problem") == "gave_up":
        return "Meta could not be reached or was busy each time we tried; this comment got no private reply."
    code = int(doc.get("error_code") or 0)
    return _REFUSALS.get(code) or f"Meta refused the private reply: {doc.get('error') or 'no reason given'}"


@routes.get("/api/comments/replies")
async def list_replies(request: web.Request) -> CommentRepliesOut:
    """The latest 50 comments answered (or refused), newest first: the comment, its post, the campaign, the
    conversation the reply opened, and why a reply did not go out."""
    docs = await recent_replies(services(request).db, tenant_id(request))
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
