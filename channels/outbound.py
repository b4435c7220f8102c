"""What a send looks like before it goes on the wire, and how long texts are cut into sendable parts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

# Sent as Messenger/Instagram `message.metadata` (it comes back on the echo) and as WhatsApp's
# `biz_opaque_callback_data` (it comes back on the message's statuses): our own sends are recognised, and a
# send made with a reference (the engine's turn) can be told apart even if we never heard Meta's answer.
OUR_METADATA_PREFIX = "salesbot:"
OUR_METADATA = OUR_METADATA_PREFIX + "reply"


def our_metadata(reference: str = "") -> str:
    return OUR_METADATA_PREFIX + reference if reference else OUR_METADATA


def reference_in(metadata: str) -> str:
    """The reference a send of ours carried ("" for none, or for metadata that is not ours)."""
    if not metadata.startswith(OUR_METADATA_PREFIX) or metadata == OUR_METADATA:
        return ""
    return metadata[len(OUR_METADATA_PREFIX) :]


# A reply cut into parts sends each under its own reference, so Meta's report says which part went.
_PART_MARK = "#"


def part_reference(reference: str, index: int) -> str:
    """The reference of part `index` of a send (the first part keeps the plain reference)."""
    return f"{reference}{_PART_MARK}{index}" if reference and index else reference


def split_part_reference(reference: str) -> tuple[str, int]:
    """(the send's reference, the part's index) of what `part_reference` made."""
    base, mark, index = reference.rpartition(_PART_MARK)
    if mark and index.isdigit():
        return base, int(index)
    return reference, 0


HUMAN_AGENT_TAG = "HUMAN_AGENT"


@dataclass(frozen=True)
class SendRequest:
    """One Graph API call, relative to the versioned base URL. The token is added by the Graph client.

    `auth` says where the token goes: the `access_token` query parameter (Messenger, Instagram) or an
    `Authorization: Bearer` header (WhatsApp).
    """

    path: str
    body: dict[str, Any]
    auth: Literal["access_token", "bearer"]
    method: Literal["POST"] = "POST"
    params: dict[str, str] = field(default_factory=dict)


def utf8_size(text: str) -> int:
    return len(text.encode("utf-8"))


def _fitting_prefix(text: str, limit: int, size: Callable[[str], int]) -> int:
    """How many characters from the start fit in `limit` units."""
    if size is len:
        return min(limit, len(text))
    used = 0
    for index, char in enumerate(text):
        used += size(char)
        if used > limit:
            return index
    return len(text)


def _boundary(text: str, fit: int) -> int:
    """Where to cut within the first `fit` characters: paragraph, line, sentence, word, else hard."""
    if fit >= len(text):
        return len(text)
    floor = max(1, fit // 2)  # a cut earlier than this would leave a stub of a part
    paragraph = text.rfind("\n\n", floor, fit + 1)
    if paragraph >= floor:
        return paragraph
    line = text.rfind("\n", floor, fit + 1)
    if line >= floor:
        return line
    for index in range(fit, floor - 1, -1):
        if text[index].isspace() and text[index - 1] in ".!?":
            return index
    for index in range(fit, floor - 1, -1):
        if text[index].isspace():
            return index
    return fit


def split_text(text: str, limit: int, size: Callable[[str], int] = len) -> list[str]:
    """Cut `text` into parts of at most `limit` (measured by `size`), at natural boundaries."""
    if limit < 1:
        raise ValueError("limit must be positive")
    parts: list[str] = []
    rest = text.strip()
    while rest:
        if size(rest) <= limit:
            parts.append(rest)
            break
        fit = _fitting_prefix(rest, limit, size)
        cut = _boundary(rest, fit) if fit > 0 else 1
        head = rest[:cut].rstrip()
        if head:
            parts.append(head)
        rest = rest[cut:].lstrip()
    return parts
