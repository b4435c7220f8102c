"""The one interface every channel offers, and the small value types it is made of.

A channel is a folder (`channels/messenger/`, `channels/instagram/`, `channels/whatsapp/`) with one object that
satisfies `Channel`, listed once in `channels/registry.py`. Everything else (webhook routes, the worker, sending,
pacing, the account check, the owner's sentences) asks the registry, never names a channel.

Where a channel grows: a new kind of webhook change (Facebook `feed` comments, Instagram `comments`) is a parser
in its `change_fields`, under the change's `field`; what it parses into is a new event in `channels/events.py`.
Ad referrals arrive inside what `parse` already reads (`messaging[].referral`, `postback.referral`, WhatsApp
`messages[].referral`) and are kept on the events as `Referral`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from channels.events import ChannelEvent
from channels.graph import Auth
from channels.outbound import SendRequest
from channels.window import WindowRules

SendKind = Literal["text", "media"]

# Reads one `entry[].changes[].value` of a delivery (with its entry's id) into events; odd data raises ValueError.
ChangeParser = Callable[[dict[str, Any], str], list[ChannelEvent]]


@dataclass(frozen=True)
class SendLimits:
    """Calls per second Meta allows per account of this channel, by kind of message."""

    text: int
    media: int

    def of(self, kind: SendKind) -> int:
        return self.media if kind == "media" else self.text


@dataclass(frozen=True)
class CustomerProfile:
    """How a customer's name is read from Graph's user profile (`GET /{customer_id}?fields=…` with the account's
    token), for a channel whose deliveries do not carry it."""

    fields: str
    name_of: Callable[[dict[str, Any]], str]


@dataclass(frozen=True)
class AccountCheck:
    """How an account is read with its own token when it is connected by hand (`GET /{account_id}?fields=…`)."""

    fields: str  # what Graph returns: the id, and a name to show the owner
    auth: Auth  # where the token goes
    # The webhook fields the app is subscribed to once the account is connected (`POST
    # /{account_id}/subscribed_apps?subscribed_fields=…`, with its token); empty when the account needs no such call.
    webhook_fields: tuple[str, ...] = ()


class Channel(Protocol):
    # Names.
    @property
    def channel(self) -> str:
        """The URL name: `/webhooks/{channel}`, and the name a queued delivery carries."""
        ...

    @property
    def platform(self) -> str:
        """The key stored on accounts, conversations, leads and counters (a `Platform` value for Meta's channels)."""
        ...

    @property
    def object_name(self) -> str:
        """The webhook body's `object` (`page`, `instagram`, `whatsapp_business_account`)."""
        ...

    @property
    def display_name(self) -> str:
        """What the owner calls the channel: Messenger, Instagram, WhatsApp."""
        ...

    @property
    def service_name(self) -> str:
        """Who the owner's sentences say failed or refused: Facebook, Instagram, WhatsApp."""
        ...

    # Inbound.
    @property
    def change_fields(self) -> Mapping[str, ChangeParser]:
        """Parsers of `entry[].changes[]` by `field`: where comment events (Facebook `feed`, Instagram `comments`)
        belong. A field without a parser is kept as `Unsupported` (or skipped when it names nobody)."""
        ...

    def parse(self, payload: dict[str, Any]) -> list[ChannelEvent]:
        """Every event of a delivery; odd items become `Unsupported` or are skipped, never raised."""
        ...

    # Sending.
    @property
    def send_limits(self) -> SendLimits: ...

    @property
    def window(self) -> WindowRules: ...

    def build_send_requests(
        self,
        account_id: str,
        recipient_id: str,
        text: str,
        *,
        reply_to_message_id: str = "",
        tag: str = "",
        reference: str = "",
    ) -> list[SendRequest]:
        """One request per part of `text` (split at the platform's limit, at word boundaries). `reference` (the
        engine's turn) travels with each part and comes back on its echo or statuses."""
        ...

    def build_mark_read_request(self, account_id: str, recipient_id: str, message_id: str) -> SendRequest: ...

    @property
    def customer_profile(self) -> CustomerProfile | None:
        """Where customers' names come from Graph; None when the deliveries carry them (WhatsApp's contacts)."""
        ...

    # Connecting.
    @property
    def account_check(self) -> AccountCheck: ...
