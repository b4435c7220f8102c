"""WhatsApp usernames: a customer who hides their number is known by their business-scoped user id (BSUID), which
the webhook carries on the contact (`contacts[].user_id`) and the message (`from_user_id`), with `from` left out."""

from __future__ import annotations

from typing import Any

from channels.events import InboundMessage, StatusUpdate, Unsupported
from channels.whatsapp import WHATSAPP
from channels.whatsapp.recipients import is_user_id

BSUID = "US.13491208655302741918"


def delivery(value: dict[str, Any]) -> dict[str, Any]:
    base = {"messaging_product": "whatsapp", "metadata": {"display_phone_number": "15550001111", "phone_number_id": "PNID_1"}}
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "WABA_1", "changes": [{"field": "messages", "value": {**base, **value}}]}],
    }


def text_message(**sender: str) -> dict[str, Any]:
    return {**sender, "id": "wamid.U1", "timestamp": "1700000000", "type": "text", "text": {"body": "Hi, price?"}}


def test_a_message_without_a_number_is_the_user_ids() -> None:
    contact = {"profile": {"name": "Bob"}, "user_id": BSUID, "username": "@bob"}
    [event] = WHATSAPP.parse(delivery({"contacts": [contact], "messages": [text_message(from_user_id=BSUID)]}))
    assert isinstance(event, InboundMessage)
    assert (event.customer_id, event.customer_user_id, event.customer_name) == (BSUID, BSUID, "Bob")


def test_the_contacts_user_id_names_a_sender_the_message_leaves_out() -> None:
    contact = {"profile": {"name": "Bob"}, "user_id": BSUID}
    [event] = WHATSAPP.parse(delivery({"contacts": [contact], "messages": [text_message()]}))
    assert isinstance(event, InboundMessage) and event.customer_id == BSUID


def test_a_number_shown_stays_the_id_and_the_user_id_rides_along() -> None:
    contact = {"profile": {"name": "Ana"}, "wa_id": "5511987654321", "user_id": BSUID}
    [event] = WHATSAPP.parse(delivery({"contacts": [contact], "messages": [text_message(**{"from": "5511987654321"})]}))
    assert isinstance(event, InboundMessage)
    assert (event.customer_id, event.customer_user_id) == ("5511987654321", BSUID)


def test_with_neither_number_nor_user_id_there_is_no_sender() -> None:
    [event] = WHATSAPP.parse(delivery({"contacts": [], "messages": [text_message()]}))
    assert isinstance(event, Unsupported) and event.reason == "message without a sender"


def test_a_status_names_the_user_id_it_was_sent_to() -> None:
    status = {"id": "wamid.OUT1", "status": "delivered", "timestamp": "1700000001", "recipient_user_id": BSUID}
    [event] = WHATSAPP.parse(delivery({"statuses": [status]}))
    assert isinstance(event, StatusUpdate) and event.customer_id == BSUID


def test_sends_name_a_user_id_as_recipient_and_a_number_as_to() -> None:
    [to_user] = WHATSAPP.build_send_requests("PNID_1", BSUID, "Hello")
    assert to_user.body["recipient"] == BSUID and "to" not in to_user.body
    [to_number] = WHATSAPP.build_send_requests("PNID_1", "5511987654321", "Hello")
    assert to_number.body["to"] == "5511987654321" and "recipient" not in to_number.body


def test_user_ids_and_numbers_never_look_alike() -> None:
    assert is_user_id(BSUID) and is_user_id("US.ENT.11815799212886844830")
    assert not is_user_id("5511987654321") and not is_user_id("") and not is_user_id("us.123")
