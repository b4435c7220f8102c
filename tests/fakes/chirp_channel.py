"""Chirp, a made-up channel: everything a channel is, in one module, so that a test can add it with one line.

Its deliveries are `{"object": "chirp", "chirps": [{"account", "from", "id", "text", "at"}]}`; it sends each part
of a reply as `POST /{account}/messages {"chirp": {"to", "text", "ref"}}` with a bearer token.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from channels.channel import AccountCheck, ChangeParser, CustomerProfile, SendLimits
from channels.events import ChannelEvent, InboundMessage, Unsupported
from channels.graph_errors import OutsideWindow
from channels.outbound import SendRequest, our_metadata, part_reference, split_text
from channels.parsing import as_str, dicts, timestamp_ms
from channels.window import WindowRules

MAX_TEXT_CHARS = 280


@dataclass(frozen=True)
class ChirpChannel:
    channel: str = "chirp"
    platform: str = "chirp"
    object_name: str = "chirp"
    display_name: str = "Chirp"
    service_name: str = "Chirp"
    change_fields: Mapping[str, ChangeParser] = field(default_factory=dict)
    send_limits: SendLimits = SendLimits(text=20, media=5)
    window: WindowRules = WindowRules(late_answer_tag="", refusal="outside the 24-hour window", failure=OutsideWindow)
    account_check: AccountCheck = AccountCheck(fields="id,name", auth="bearer")
    customer_profile: CustomerProfile | None = None

    def parse(self, payload: dict[str, Any]) -> list[ChannelEvent]:
        events: list[ChannelEvent] = []
        for chirp in dicts(payload.get("chirps")):
            base = {
                "platform": self.platform,
                "account_id": as_str(chirp.get("account")),
                "customer_id": as_str(chirp.get("from")),
            }
            text, chirp_id = as_str(chirp.get("text")), as_str(chirp.get("id"))
            if not (text and chirp_id and base["account_id"] and base["customer_id"]):
                events.append(Unsupported(**base, reason="chirp without text"))
                continue
            events.append(InboundMessage(**base, message_id=chirp_id, text=text, timestamp_ms=timestamp_ms(chirp.get("at"))))
        return events

    def build_send_requests(
        self,
        account_id: str,
        recipient_id: str,
        text: str,
        *,
        reply_to_message_id: str = "",  # noqa: ARG002 # the Channel protocol's; chirp has no replies
        tag: str = "",  # noqa: ARG002 # the Channel protocol's; chirp has no tags
        reference: str = "",
    ) -> list[SendRequest]:
        return [
            SendRequest(
                path=f"/{account_id}/messages",
                body={"chirp": {"to": recipient_id, "text": part, "ref": our_metadata(part_reference(reference, index))}},
                auth="bearer",
            )
            for index, part in enumerate(split_text(text, MAX_TEXT_CHARS))
        ]

    def build_mark_read_request(self, account_id: str, recipient_id: str, message_id: str) -> SendRequest:  # noqa: ARG002 # the Channel protocol's; chirp marks by message id
        return SendRequest(path=f"/{account_id}/read", body={"chirp": {"id": message_id}}, auth="bearer")


CHIRP = ChirpChannel()
