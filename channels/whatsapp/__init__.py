"""WhatsApp Cloud API (`object: whatsapp_business_account`): a business phone number's conversations."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from channels.channel import AccountCheck, ChangeParser, CustomerProfile, SendLimits
from channels.events import ChannelEvent
from channels.graph_errors import TemplateRequired
from channels.outbound import SendRequest, our_metadata, part_reference, split_text
from channels.whatsapp.deliveries import parse_message_echoes, parse_messages, parse_whatsapp_payload
from channels.whatsapp.recipients import recipient_field
from channels.window import WindowRules
from knowledge.platforms import Platform

MAX_TEXT_CHARS = 4096


@dataclass(frozen=True)
class WhatsAppChannel:
    channel: str = "whatsapp"
    platform: Platform = Platform.whatsapp
    object_name: str = "whatsapp_business_account"
    display_name: str = "WhatsApp"
    service_name: str = "WhatsApp"
    # Deliveries nest everything in `entry[].changes[]`; a field not listed is kept for the log.
    change_fields: Mapping[str, ChangeParser] = field(
        default_factory=lambda: {"messages": parse_messages, "smb_message_echoes": parse_message_echoes}
    )
    # A Cloud API number starts at 80 messages a second, whatever the message.
    send_limits: SendLimits = SendLimits(text=80, media=80)
    # No message tags: outside the 24-hour window only an approved template may go, which the bot does not send.
    window: WindowRules = WindowRules(
        late_answer_tag="",
        refusal="outside the 24-hour window: WhatsApp needs an approved template",
        failure=TemplateRequired,
        templates_after_window=True,
    )
    # The Cloud API takes its token as a bearer header.
    account_check: AccountCheck = AccountCheck(fields="id,display_phone_number,verified_name", auth="bearer")
    # Customers' names come with each delivery (`contacts[].profile.name`).
    customer_profile: CustomerProfile | None = None

    def parse(self, payload: dict[str, Any]) -> list[ChannelEvent]:
        return parse_whatsapp_payload(payload, self.change_fields)

    def build_send_requests(
        self,
        account_id: str,
        recipient_id: str,
        text: str,
        *,
        reply_to_message_id: str = "",
        tag: str = "",  # noqa: ARG002 # Messenger's message tags: WhatsApp has templates instead
        reference: str = "",
    ) -> list[SendRequest]:
        requests: list[SendRequest] = []
        for index, part in enumerate(split_text(text, MAX_TEXT_CHARS)):
            body: dict[str, Any] = {
                "messaging_product": "whatsapp",
                "recipient_type": "individual",
                **recipient_field(recipient_id),
                "type": "text",
                "text": {"body": part, "preview_url": False},
            }
            if reply_to_message_id and index == 0:
                body["context"] = {"message_id": reply_to_message_id}
            if reference:
                # Comes back on every status of this message, as the metadata of an echo does on Messenger.
                body["biz_opaque_callback_data"] = our_metadata(part_reference(reference, index))
            requests.append(SendRequest(path=f"/{account_id}/messages", body=body, auth="bearer"))
        return requests

    def build_mark_read_request(self, account_id: str, recipient_id: str, message_id: str) -> SendRequest:  # noqa: ARG002
        # WhatsApp marks one message read by its id; the customer is known from it.
        return SendRequest(
            path=f"/{account_id}/messages",
            body={"messaging_product": "whatsapp", "status": "read", "message_id": message_id},
            auth="bearer",
        )


WHATSAPP = WhatsAppChannel()
