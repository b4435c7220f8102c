"""What an inbox row shows beside a conversation's name and status: its last message, and how many of the
customer's messages nobody of the team has read yet (those after the conversation was last opened).

`row_extras` decides from plain messages; `inbox_extras` reads the few latest messages of each row.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.conversations.messages import recent_messages
from bot.conversations.records import Conversation, Message
from dashboard.i18n.current import N_, gettext
from knowledge.db import Db

# How many of a conversation's latest messages a row reads; an unread count beyond what is shown reads "9+".
LATEST = 20
UNREAD_SHOWN_MAX = 9
PREVIEW_MAX = 140
# Who wrote the last message, as a row names them before its text (the customer's needs no name).
SENDER_PREFIX = {"bot": N_("Bot: {text}"), "human": N_("You: {text}")}
ATTACHMENT_ONLY = N_("Sent an attachment")


@dataclass(frozen=True)
class RowExtras:
    preview: str = ""
    last_from: str = ""  # customer, bot or human
    unread: int = 0

    @property
    def unread_text(self) -> str:
        if not self.unread:
            return ""
        shown = f"{UNREAD_SHOWN_MAX}+" if self.unread > UNREAD_SHOWN_MAX else str(self.unread)
        return gettext("{count} new").format(count=shown)


def preview_of(message: Message) -> str:
    text = " ".join(message.text.split()) or (gettext(ATTACHMENT_ONLY) if message.attachments else "")
    if len(text) > PREVIEW_MAX:
        text = text[: PREVIEW_MAX - 1].rstrip() + "…"
    prefix = SENDER_PREFIX.get(message.sender)
    return gettext(prefix).format(text=text) if prefix else text


def row_extras(latest: Sequence[Message], read_at: datetime | None) -> RowExtras:
    """The row's last message and unread count, from the conversation's latest messages (oldest first)."""
    if not latest:
        return RowExtras()
    # A person's answer (from the inbox, or the page or phone) shows what came before it was read.
    answered = [m.at for m in latest if m.sender == "human"]
    seen = max([at for at in (read_at, *answered) if at is not None], default=None)
    unread = sum(1 for m in latest if m.direction == "in" and (seen is None or m.at > seen))
    last = latest[-1]
    return RowExtras(preview=preview_of(last), last_from=last.sender, unread=unread)


async def conversation_extras(db: Db, conversation: Conversation) -> RowExtras:
    latest = await recent_messages(db, conversation.tenant_id, conversation.id, limit=LATEST)
    return row_extras(latest, conversation.read_at)


async def inbox_extras(db: Db, conversations: Sequence[Conversation]) -> dict[str, RowExtras]:
    found = await asyncio.gather(*(conversation_extras(db, c) for c in conversations))
    return {c.id: extras for c, extras in zip(conversations, found, strict=True)}
