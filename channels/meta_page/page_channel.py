"""A channel on Meta's page platform (Messenger, Instagram): one shape, told apart by its names and limits."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from channels.channel import AccountCheck, ChangeParser, CustomerProfile, SendLimits
from channels.events import ChannelEvent
from channels.graph_errors import OutsideWindow
from channels.meta_page.page_events import parse_page_payload
from channels.meta_page.send_api import mark_seen_request, page_send_requests
from channels.outbound import HUMAN_AGENT_TAG, SendRequest
from channels.window import AD_WINDOW, WindowRules
from knowledge.platforms import Platform

# Outside the 24-hour window the bot is quiet, and a person may still answer with the HUMAN_AGENT tag (7 days).
PAGE_WINDOW = WindowRules(
    late_answer_tag=HUMAN_AGENT_TAG, refusal="outside the 24-hour window", failure=OutsideWindow, ad_window=AD_WINDOW
)
# Meta's rate-limiting page: 300 calls a second per Page or Instagram professional account for text, links,
# reactions and stickers; 10 a second for audio or video.
PAGE_SEND_LIMITS = SendLimits(text=300, media=10)


@dataclass(frozen=True)
class PageChannel:
    channel: str
    platform: Platform
    object_name: str
    display_name: str
    service_name: str
    max_text: int  # a part's limit, as `text_size` measures it
    text_size: Callable[[str], int]
    account_check: AccountCheck
    customer_profile: CustomerProfile
    change_fields: Mapping[str, ChangeParser] = field(default_factory=dict)
    send_limits: SendLimits = PAGE_SEND_LIMITS
    window: WindowRules = PAGE_WINDOW

    def parse(self, payload: dict[str, Any]) -> list[ChannelEvent]:
        return parse_page_payload(payload, self.platform, self.change_fields)

    def build_send_requests(
        self,
        account_id: str,  # noqa: ARG002 # the Channel protocol's: a page sends through its own token
        recipient_id: str,
        text: str,
        *,
        reply_to_message_id: str = "",  # noqa: ARG002 # page threads have no reply-to for page sends
        tag: str = "",
        reference: str = "",
    ) -> list[SendRequest]:
        return page_send_requests(recipient_id, text, limit=self.max_text, size=self.text_size, tag=tag, reference=reference)

    def build_mark_read_request(self, account_id: str, recipient_id: str, message_id: str) -> SendRequest:  # noqa: ARG002
        # A page marks the customer's whole thread seen, not one message, and sends through its own token.
        return mark_seen_request(recipient_id)
