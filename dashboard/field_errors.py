"""What is wrong with a field, as one sentence an owner reads, naming the field in words.

Pydantic's own texts ("String should have at least 10 characters", "Input should be greater than or equal to 1")
never reach an owner: each kind of problem pydantic reports is mapped here to a sentence, for the pages' forms and
the JSON API's `fields` alike. Every sentence and every field's name lives in this one module, marked for the catalogs
(`dashboard/i18n/`) and said in the request's language. Our own validators raise pydantic's custom errors with a
kind of their own (`currency_code`, `age_range` …), said here like pydantic's own kinds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from babel.numbers import format_decimal

from dashboard.i18n.current import N_, format_locale, gettext

# A field's name in words, by its path in the API (`product.price`); `MODEL_FIELD_NAMES` first, for the paths
# whose meaning depends on the body (a `name` is a business's, a campaign's or a token's).
FIELD_NAMES: dict[str, str] = {
    "body": N_("The request"),
    "comment_rules.private_reply": N_("Private reply"),
    "comment_rules.public_reply": N_("Public reply"),
    "email": N_("Email"),
    "password": N_("Password"),
    "current_password": N_("Current password"),
    "new_password": N_("New password"),
    "business_name": N_("Business name"),
    "name": N_("Name"),
    "owner_name": N_("Your name"),
    "industry": N_("Industry"),
    "description": N_("Description"),
    "website": N_("Website"),
    "phone": N_("Phone number"),
    "goals": N_("Goals"),
    "product": N_("Product"),
    "product.name": N_("Product name"),
    "product.description": N_("Product description"),
    "product.price": N_("Price"),
    "product.currency": N_("Currency"),
    "product.billing_period": N_("Billing period"),
    "product.features": N_("Features"),
    "product.call_to_action_url": N_("Buy link"),
    "target_platform": N_("Channel"),
    "chat_flow": N_("Chat flow"),
    "chat_flow.greeting": N_("Greeting"),
    "chat_flow.qualification_questions": N_("Questions to ask"),
    "chat_flow.objection_handling": N_("Answers to doubts"),
    "chat_flow.closing_message": N_("Closing message"),
    "target_audience.age_range": N_("Age range"),
    "target_audience.location": N_("Places"),
    "target_audience.interests": N_("Interests"),
    "status": N_("Status"),
    "platform": N_("Channel"),
    "account_id": N_("Account id"),
    "access_token": N_("Access token"),
    "timezone": N_("Time zone"),
    "pause_minutes": N_("Bot pause"),
    "value": N_("Amount"),
    "currency": N_("Currency"),
    "campaign_id": N_("Campaign"),
    "text": N_("Your reply"),
    "message": N_("Message"),
    "question": N_("Question"),
    "expected": N_("Expected answer"),
    "role": N_("Role"),
    "language": N_("Language"),
    "expires_in_days": N_("Days the token works"),
    "from": N_("First day"),
    "to": N_("Last day"),
    "q": N_("Question"),
    "limit": N_("Limit"),
    "offset": N_("Offset"),
    "stage": N_("Stage"),
    "delivery": N_("Delivery"),
    "thread_id": N_("Conversation with Leo"),
    "session_id": N_("Playground chat"),
    "idempotency_key": N_("Idempotency key"),
    "file": N_("File"),
    "state": N_("Login link"),
    "code": N_("Facebook's answer"),
    "signed_request": N_("Signed request"),
    "Content-Type": N_("Content type"),
}
MODEL_FIELD_NAMES: dict[tuple[str, str], str] = {
    ("BusinessProfile", "name"): N_("Business name"),
    ("BusinessProfile", "target_audience"): N_("Who your customers are"),
    ("BusinessProfile", "description"): N_("What your business does"),
    ("CampaignIn", "name"): N_("Campaign name"),
    ("TokenIn", "name"): N_("Token name"),
    ("ChannelIn", "name"): N_("Name of the channel"),
    ("LeoIn", "message"): N_("Your question"),
}
# One entry of a list, by the list's path: "Feature 2".
ITEM_NAMES: dict[str, str] = {
    "product.features": N_("Feature"),
    "chat_flow.qualification_questions": N_("Question"),
    "target_audience.location": N_("Place"),
    "target_audience.interests": N_("Interest"),
    "comment_rules.post_ids": N_("Post or ad"),
    "comment_rules.keywords": N_("Keyword"),
}

# Sentences by pydantic's error type; {field} is the field's name in words, the rest come from the error's context.
SENTENCES: dict[str, str] = {
    "missing": N_("{field} is required."),
    "required": N_("{field} is required."),
    "string_too_short": N_("{field} needs at least {min_length} characters."),
    "string_too_long": N_("{field} can have at most {max_length} characters."),
    "too_short": N_("{field} needs at least {min_length} entries."),
    "too_long": N_("{field} can have at most {max_length} entries."),
    "greater_than_equal": N_("{field} must be {ge} or more."),
    "greater_than": N_("{field} must be more than {gt}."),
    "less_than_equal": N_("{field} must be {le} or less."),
    "less_than": N_("{field} must be less than {lt}."),
    "multiple_of": N_("{field} must be a multiple of {multiple_of}."),
    "whole_number": N_("{field} must be a whole number, e.g. 30."),
    "number": N_("{field} must be a number, e.g. 49.90."),
    "yes_no": N_("{field} must be yes or no (true or false)."),
    "text": N_("{field} must be text."),
    "pattern": N_("{field} has characters it cannot have."),
    "choice": N_("{field} must be one of: {expected}."),
    "date": N_("{field} must be a date like 2025-01-31."),
    "datetime": N_("{field} must be a date and time like 2025-01-31T09:30:00Z."),
    "url": N_("{field} must be a web address starting with https://"),
    "email": N_("{field} must be an email address like name@example.com."),
    "extra": N_("{field} is not a field we know; leave it out."),
    "object": N_("{field} must be a group of fields (a JSON object)."),
    "list": N_("{field} must be a list."),
    "json": N_("{field} is not valid JSON."),
    "invalid": N_("{field} is not valid."),
    # Phone numbers, checked with the phonenumbers library at the edge.
    "phone_not_a_number": N_("{field} must be written in digits, e.g. +1 415 555 0100."),
    "phone_needs_country": N_("{field} needs its country code, e.g. +34 612 345 678."),
    "phone_invalid": N_("{field} is not a phone number that exists; check the digits and the country code."),
    # Our own validators' kinds (`knowledge/models.py`, `dashboard/schemas.py`, `bot/`), with their context's values.
    "currency_code": N_("{field} must be an ISO 4217 currency code such as USD or EUR."),
    "age_range": N_("{field}: write an age range such as 25-45 or 18+."),
    "age_order": N_("{field}: the first age must not be above the second (at most 120)."),
    "entry_too_long": N_("{field}: each entry must be at most {max_length} characters."),
    "period_shape": N_("{field}: write your own period as {example} and nothing else."),
    "period_words": N_("{field}: write your own period as words, e.g. “per class pack”."),
    "period_empty": N_("{field}: write how the price is counted, e.g. “per class pack”."),
    "period_too_long": N_("{field}: your own period must be at most {max_length} characters (this one has {length})."),
    "period_one_line": N_("{field}: write your own period on one line, without control characters."),
    "period_choice": N_("{field}: choose one of {choices}."),
    "account_id_digits": N_("{field} must be the numeric id of the page, Instagram account or WhatsApp phone number."),
    "token_characters": N_("{field}: an access token has letters, digits and punctuation only: copy it again from Meta."),
    "question_missing": N_("{field}: write the question a customer would ask."),
    "expected_missing": N_("{field}: write what a right answer must contain, e.g. a price, a time or a word."),
    "expected_no_word": N_("{field}: write at least one word or number a right answer must contain."),
    "expected_repeats_question": N_(
        "{field}: the question already says this; write what the answer adds, e.g. “yes”, a price, a time or a place."
    ),
    "time_zone": N_("{field} must be an IANA time zone such as Europe/Madrid or America/New_York."),
}
# The sentence of each pydantic error type that shares one.
TYPE_KINDS: dict[str, str] = {
    **{name: "whole_number" for name in ("int_parsing", "int_type", "int_from_float", "int_parsing_size")},
    **{
        name: "number"
        for name in ("float_parsing", "float_type", "decimal_parsing", "decimal_type", "finite_number", "decimal_max_digits")
    },
    **{name: "yes_no" for name in ("bool_parsing", "bool_type")},
    **{name: "text" for name in ("string_type", "string_unicode", "string_sub_type")},
    "string_pattern_mismatch": "pattern",
    **{name: "choice" for name in ("enum", "literal_error")},
    **{name: "date" for name in ("date_parsing", "date_type", "date_from_datetime_parsing", "date_from_datetime_inexact")},
    **{name: "datetime" for name in ("datetime_parsing", "datetime_type", "datetime_from_date_parsing")},
    **{name: "url" for name in ("url_parsing", "url_type", "url_syntax_violation", "url_scheme", "url_too_long")},
    "extra_forbidden": "extra",
    **{name: "object" for name in ("dict_type", "model_type", "model_attributes_type", "dataclass_type")},
    **{name: "list" for name in ("list_type", "tuple_type", "set_type", "frozen_set_type", "iterable_type")},
    **{name: "json" for name in ("json_invalid", "json_type")},
}
# Our own validators' sentences that follow the field's name ("Currency must be an ISO 4217 code …").
_CONTINUES = re.compile(r"^(?:must|can|cannot|is|are|has|have|needs|should)\b")
_EMAIL = "value is not a valid email address"
ITEM_KEY_MAX = 40


def field_label(path: str, model: str = "") -> str:
    """The field at `path` (`product.features.2`, `chat_flow.objection_handling.too expensive`) in words."""
    parts = path.split(".") if path else ["body"]
    named = [part for part in parts if not part.isdigit()]
    base = ".".join(named)
    index = next((int(part) for part in reversed(parts) if part.isdigit()), None)
    if index is not None and base in ITEM_NAMES:
        return f"{gettext(ITEM_NAMES[base])} {index + 1}"
    if len(named) > 2 and ".".join(named[:2]) == "chat_flow.objection_handling":
        key = named[2][:ITEM_KEY_MAX]
        doubt = gettext("The doubt “{key}”") if named[-1] == "[key]" else gettext("The answer to “{key}”")
        return doubt.format(key=key)
    if (model, base) in MODEL_FIELD_NAMES:
        return gettext(MODEL_FIELD_NAMES[(model, base)])
    if base in FIELD_NAMES:
        label = gettext(FIELD_NAMES[base])
        return gettext("{field}, entry {number}").format(field=label, number=index + 1) if index is not None else label
    last = next((part for part in reversed(named) if not part.startswith("[")), "field")
    return last.replace("_", " ").capitalize()


def _said(kind: str) -> str:
    """The sentence of `kind` in the request's language, with its {placeholders} unfilled."""
    template = SENTENCES.get(kind, SENTENCES["invalid"])
    return gettext(template)


def _number(value: int | float | str) -> str:
    """A limit as people write it: 0 rather than 0.0, 10,080 rather than 10080."""
    if isinstance(value, bool) or isinstance(value, str):
        return str(value)
    return format_decimal(value, locale=format_locale())


def _choices(expected: Any) -> str:
    """pydantic's "'draft', 'active' or 'paused'" as "draft, active, paused"."""
    text = str(expected).replace(" or ", ", ")
    return ", ".join(part.strip().strip("'\"") for part in text.split(","))


def _own_sentence(field: str, message: str) -> str:
    """One of our validators' messages after the field's name ("must be …") or, when it stands alone, after a colon."""
    message = message.strip().removeprefix("Value error, ").removeprefix("Assertion failed, ").strip()
    if message.startswith(_EMAIL):
        return _said("email").format(field=field)
    ending = "" if message.endswith((".", "!", "?", "”", '"')) else "."
    if _CONTINUES.match(message):
        return f"{field} {message}{ending}"
    return f"{field}: {message}{ending}"


def sentence(kind: str, field: str, context: Mapping[str, Any] | None = None, message: str = "") -> str:
    """The sentence for a problem of pydantic error type `kind` with `field`'s name in words."""
    context = dict(context or {})
    if kind in ("value_error", "assertion_error"):
        return _own_sentence(field, message or str(context.get("error", "")))
    if kind == "string_too_short" and context.get("min_length") == 1:
        kind = "missing"
    if kind == "too_short" and context.get("min_length") == 1:
        kind = "missing"
    template = _said(kind if kind in SENTENCES else TYPE_KINDS.get(kind, "invalid"))
    values = {name: _number(value) for name, value in context.items() if isinstance(value, (int, float, str))}
    if "expected" in context:
        values["expected"] = _choices(context["expected"])
    try:
        return template.format(field=field, **values)
    except (KeyError, IndexError, ValueError):  # a context without the number the sentence names
        return _said("invalid").format(field=field)


def error_sentences(errors: Iterable[Mapping[str, Any]], model: str = "") -> dict[str, str]:
    """pydantic's errors (`ValidationError.errors()`) as `{path: sentence}`, the first problem of each field."""
    fields: dict[str, str] = {}
    for error in errors:
        path = ".".join(str(part) for part in error.get("loc", ())) or "body"
        if path in fields:
            continue
        kind = str(error.get("type", ""))
        # A field we do not know has no name in words: it is quoted as it was sent.
        label = f"“{path.rsplit('.', 1)[-1]}”" if kind == "extra_forbidden" else field_label(path, model)
        fields[path] = sentence(kind, label, error.get("ctx"), str(error.get("msg", "")))
    return fields
