"""The interface every channel adapter offers, and the adapters by URL channel, platform and webhook object.

An adapter is pure: `parse` turns a webhook body into normalized events, `build_send_requests` turns a reply
into Graph API requests. Network calls belong to `channels.graph`.
"""

from __future__ import annotations

from typing import Any, Protocol

from channels.events import ChannelEvent
from channels.instagram.channel import InstagramAdapter
from channels.messenger.channel import MessengerAdapter
from channels.outbound import HUMAN_AGENT_TAG, OUR_METADATA, OUR_METADATA_PREFIX, SendRequest, split_text
from channels.whatsapp.channel import WhatsAppAdapter

__all__ = [
    "ADAPTERS",
    "HUMAN_AGENT_TAG",
    "OUR_METADATA",
    "OUR_METADATA_PREFIX",
    "ChannelAdapter",
    "SendRequest",
    "adapter_for_channel",
    "adapter_for_object",
    "adapter_for_platform",
    "split_text",
]


class ChannelAdapter(Protocol):
    platform: str  # facebook, instagram, whatsapp: the value stored on accounts and conversations
    object_name: str  # the webhook body's `object`: page, instagram, whatsapp_business_account
    channel: str  # the URL name: /webhooks/{channel}

    def parse(self, payload: dict[str, Any]) -> list[ChannelEvent]:
        """Every event of a delivery; odd items become `Unsupported` or are skipped, never raised."""
        ...

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


ADAPTERS: dict[str, ChannelAdapter] = {
    "messenger": MessengerAdapter(),
    "instagram": InstagramAdapter(),
    "whatsapp": WhatsAppAdapter(),
}
_BY_PLATFORM = {adapter.platform: adapter for adapter in ADAPTERS.values()}
_BY_OBJECT = {adapter.object_name: adapter for adapter in ADAPTERS.values()}


def adapter_for_channel(channel: str) -> ChannelAdapter:
    """By URL name (`messenger`, `instagram`, `whatsapp`); KeyError for anything else."""
    return ADAPTERS[channel]


def adapter_for_platform(platform: str) -> ChannelAdapter:
    """By stored platform (`facebook`, `instagram`, `whatsapp`); KeyError for anything else."""
    return _BY_PLATFORM[platform]


def adapter_for_object(object_name: str) -> ChannelAdapter | None:
    """By a webhook body's `object`, or None for an object no adapter handles."""
    return _BY_OBJECT.get(object_name)
