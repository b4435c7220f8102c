"""WhatsApp Cloud API (`object: whatsapp_business_account`): parse deliveries, build send requests."""

from __future__ import annotations

from typing import Any

from channels.events import ChannelEvent
from channels.outbound import SendRequest, our_metadata, part_reference, split_text
from channels.whatsapp.events import parse_whatsapp_payload
from knowledge.platforms import Platform

MAX_TEXT_CHARS = 4096


class WhatsAppAdapter:
    platform: str = Platform.whatsapp
    object_name = "whatsapp_business_account"
    channel = "whatsapp"

    def parse(self, payload: dict[str, Any]) -> list[ChannelEvent]:
        return parse_whatsapp_payload(payload)

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
        # WhatsApp has no message tags: outside the 24-hour window only templates go, which callers decide.
        requests: list[SendRequest] = []
        for index, part in enumerate(split_text(text, MAX_TEXT_CHARS)):
            body: dict[str, Any] = {
                "messaging_product": "whatsapp",
                "recipient_type": "individual",
                "to": recipient_id,
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

    def build_mark_read_request(self, account_id: str, recipient_id: str, message_id: str) -> SendRequest:
        return SendRequest(
            path=f"/{account_id}/messages",
            body={"messaging_product": "whatsapp", "status": "read", "message_id": message_id},
            auth="bearer",
        )
