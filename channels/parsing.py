"""Tolerant readers for webhook JSON: a field of the wrong type reads as empty, never as an exception.

Meta adds fields, drops optional ones and sometimes sends `null`; channels read through these so one odd
item cannot stop a whole delivery from being parsed.
"""

from __future__ import annotations

import json
from typing import Any

# Meta's deliveries nest about ten levels deep; anything past this is not a delivery but an attack on the parser.
MAX_JSON_DEPTH = 64


class JsonTooDeep(ValueError):
    """A JSON text nested deeper than the limit (also one deep enough to exhaust the parser's recursion)."""


def loads_limited(raw: bytes | str, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """`json.loads`, refusing (ValueError) invalid JSON and values nested deeper than `max_depth`."""
    try:
        value = json.loads(raw)
    except RecursionError:
        raise JsonTooDeep(f"JSON nested deeper than {max_depth} levels") from None
    # Nesting cannot exceed the count of opening brackets: most bodies are cleared without a walk.
    brackets = raw.count(b"{") + raw.count(b"[") if isinstance(raw, bytes) else raw.count("{") + raw.count("[")
    if brackets > max_depth and nesting_depth(value, max_depth) > max_depth:
        raise JsonTooDeep(f"JSON nested deeper than {max_depth} levels")
    return value


def nesting_depth(value: Any, stop_after: int) -> int:
    """How deep `value` nests objects and arrays (a scalar is 0), counted without recursion; the walk stops once
    the depth passes `stop_after`."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)] if isinstance(value, (dict, list)) else []
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > stop_after:
            return deepest
        children = item.values() if isinstance(item, dict) else item
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return deepest


# Below this a timestamp is seconds, not milliseconds (1e11 ms is March 1973; 1e11 s is the year 5138).
_SECONDS_BELOW = 100_000_000_000


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def dicts(value: Any) -> list[dict[str, Any]]:
    """The dict items of a list (others are skipped)."""
    return [item for item in as_list(value) if isinstance(item, dict)]


def clean_text(value: str) -> str:
    """`value` with any lone surrogate (JSON's `\\udcff` escape, which no UTF-8 store accepts) replaced by U+FFFD."""
    if value.isascii():
        return value
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        # UTF-16 joins what pairs up; what is left alone becomes U+FFFD.
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return value


def as_str(value: Any) -> str:
    """Strings (lone surrogates replaced, see `clean_text`), ids sent as numbers as their digits; anything else
    is empty."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, bool):
        return ""
    if isinstance(value, int):
        return str(value)
    return ""


def as_int(value: Any) -> int:
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value == value and abs(value) < 1e18:
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return 0
    return 0


def as_float(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = float(value)
        return number if number == number and abs(number) != float("inf") else None
    if isinstance(value, str):
        try:
            return as_float(float(value))
        except ValueError:
            return None
    return None


def timestamp_ms(value: Any) -> int:
    """Milliseconds from a Messenger/Instagram millisecond int or a WhatsApp seconds string.

    Some deliveries carry seconds where milliseconds are documented; small values are scaled up.
    """
    number = as_int(value)
    if number <= 0:
        return 0
    return number * 1000 if number < _SECONDS_BELOW else number
