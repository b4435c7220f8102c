"""WhatsApp message templates: the approved ones of a business account (`GET /{waba_id}/message_templates`), and a
template send (`type: template`), the one kind of message WhatsApp takes outside the 24-hour window."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from channels.graph import GraphClient
from channels.outbound import SendRequest, our_metadata
from channels.parsing import as_dict, as_str, dicts

APPROVED = "APPROVED"
_PAGE_LIMIT = "100"
_MAX_PAGES = 60  # 6,000 templates: the most a verified business account can hold


@dataclass(frozen=True)
class Template:
    name: str
    language: str
    category: str
    body: str  # the body's text with its {{1}}… placeholders, as the owner maps them
    parameters: int  # how many body parameters it takes


def _body_of(components: list[dict[str, Any]]) -> str:
    return next((as_str(c.get("text")) for c in components if as_str(c.get("type")).upper() == "BODY"), "")


def _count_parameters(body: str) -> int:
    count = 0
    while "{{" + str(count + 1) + "}}" in body:
        count += 1
    return count


def approved_templates(page: dict[str, Any]) -> list[Template]:
    """The approved templates of one page of Meta's listing; others (pending, rejected, paused) cannot be sent."""
    found = []
    for raw in dicts(page.get("data")):
        if as_str(raw.get("status")).upper() != APPROVED or not as_str(raw.get("name")):
            continue
        body = _body_of(dicts(raw.get("components")))
        found.append(
            Template(
                name=as_str(raw.get("name")),
                language=as_str(raw.get("language")),
                category=as_str(raw.get("category")),
                body=body,
                parameters=_count_parameters(body),
            )
        )
    return found


async def list_approved_templates(graph: GraphClient, business_account_id: str, token: str) -> list[Template]:
    """Every approved template of the WhatsApp business account, following Meta's paging."""
    params = {"fields": "name,language,status,category,components", "limit": _PAGE_LIMIT}
    templates: list[Template] = []
    for _ in range(_MAX_PAGES):
        page = await graph.get(f"/{business_account_id}/message_templates", params=params, token=token, auth="bearer")
        templates.extend(approved_templates(page))
        after = as_str(as_dict(as_dict(page.get("paging")).get("cursors")).get("after"))
        if not after or not as_str(as_dict(page.get("paging")).get("next")):
            break
        params = {**params, "after": after}
    return templates


def template_send_request(
    phone_number_id: str, recipient_id: str, *, name: str, language: str, values: list[str], reference: str = ""
) -> SendRequest:
    """A template message with its body parameters in order (Meta's `components[type=body].parameters`)."""
    template: dict[str, Any] = {"name": name, "language": {"code": language}}
    if values:
        template["components"] = [{"type": "body", "parameters": [{"type": "text", "text": value} for value in values]}]
    body: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": recipient_id,
        "type": "template",
        "template": template,
    }
    if reference:
        body["biz_opaque_callback_data"] = our_metadata(reference)
    return SendRequest(path=f"/{phone_number_id}/messages", body=body, auth="bearer")
