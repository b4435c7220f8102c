"""A conversation's attribution as sales read it: what brought the customer (the `ConversationSource` a referral
records, see `bot/conversations/source.py`), and which conversations an ad or a comment brought in a period."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from knowledge.db import Db

# One document per attributed conversation, written by `bot.conversations.source.record_referral`.
SOURCES = "conversation_sources"

SourceKind = Literal["message", "comment", "ad"]


class ConversationSource(BaseModel):
    """What brought the customer: `ad` (Click-to-Messenger, Click-to-Direct, Click-to-WhatsApp), `comment` (a
    private reply to a comment on a post or ad) or `message` (they simply wrote)."""

    model_config = ConfigDict(extra="ignore")

    kind: SourceKind = "message"
    ad_id: str = Field(default="", max_length=64)
    post_id: str = Field(default="", max_length=128)
    comment_id: str = Field(default="", max_length=128)
    # WhatsApp's click id: the Conversions API needs it to tie a sale to the ad.
    ctwa_clid: str = Field(default="", max_length=512)
    headline: str = Field(default="", max_length=300)

    def stored(self) -> dict[str, str]:
        """As stored: empty values left out (nothing is stored as null or blank)."""
        return {k: v for k, v in self.model_dump().items() if v}


def _ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


async def sources_since(db: Db, tenant_id: str, kind: SourceKind, since: datetime, until: datetime) -> list[dict[str, Any]]:
    """The conversations attributed to `kind` whose first message came in [since, until): id, source, time."""
    query = {"tenant_id": tenant_id, "kind": kind, "at_ms": {"$gte": _ms(since), "$lt": _ms(until)}}
    return [doc async for doc in db[SOURCES].find(query)]
