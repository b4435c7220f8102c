"""Validation problems read as sentences naming the field in words, never as pydantic's own text."""

from __future__ import annotations

import re

import pytest
from aiohttp.test_utils import TestClient
from pydantic import ValidationError

from bot.conversations.bot_settings import BotSettings
from dashboard.errors import validation_fields
from dashboard.field_errors import SENTENCES, error_sentences, field_label, sentence
from dashboard.schemas import SignupIn, TokenIn
from knowledge.models import BusinessProfile, CampaignIn
from tests.dashboard.conftest import SignedUp

# What pydantic says, which an owner must never read.
LIBRARY_TEXT = re.compile(r"should (?:be|have)|Field required|Input |String |Value error|unable to parse|Extra inputs", re.I)


def fields_of(model: type, data: object) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)  # type: ignore[attr-defined]
    return validation_fields(caught.value)


def test_each_kind_of_problem_is_a_sentence_naming_the_field() -> None:
    assert fields_of(SignupIn, {"email": "me@example.com", "password": "short", "business_name": "A"}) == {
        "password": "Password needs at least 10 characters."
    }
    assert fields_of(TokenIn, {"name": "", "expires_in_days": 0}) == {
        "name": "Token name is required.",
        "expires_in_days": "Days the token works must be 1 or more.",
    }
    assert fields_of(BotSettings, {"pause_minutes": "soon"}) == {"pause_minutes": "Bot pause must be a whole number, e.g. 30."}
    assert fields_of(BotSettings, {"pause_minutes": 99999}) == {"pause_minutes": "Bot pause must be 10,080 or less."}
    campaign = {"name": "Spring", "product": {"name": "Mat", "price": "abc"}, "status": "later", "surprise": 1}
    assert fields_of(CampaignIn, campaign) == {
        "product.price": "Price must be a number, e.g. 49.90.",
        "status": "Status must be one of: draft, active, paused, completed.",
        "surprise": "“surprise” is not a field we know; leave it out.",
    }


def test_the_same_name_is_named_by_what_it_belongs_to() -> None:
    assert fields_of(BusinessProfile, {"name": ""}) == {"name": "Business name is required."}
    assert field_label("name", "CampaignIn") == "Campaign name"
    assert field_label("name", "TokenIn") == "Token name"
    assert field_label("name") == "Name"


def test_entries_of_a_list_and_answers_to_doubts_are_named_one_by_one() -> None:
    assert field_label("product.features.2") == "Feature 3"
    assert field_label("chat_flow.qualification_questions.0") == "Question 1"
    assert field_label("chat_flow.objection_handling.too expensive") == "The answer to “too expensive”"
    assert field_label("chat_flow.objection_handling.too expensive.[key]") == "The doubt “too expensive”"
    assert field_label("product.unknown_part") == "Unknown part"
    assert field_label("") == "The request"


def test_our_own_validators_sentences_follow_the_fields_name() -> None:
    assert fields_of(CampaignIn, {"name": "S", "product": {"name": "M", "price": 1, "currency": "ZZZ"}}) == {
        "product.currency": "Currency must be an ISO 4217 currency code such as USD or EUR."
    }
    assert fields_of(
        CampaignIn, {"name": "S", "product": {"name": "M", "price": 1}, "target_audience": {"age_range": "old"}}
    ) == {"target_audience.age_range": "Age range: write an age range such as 25-45 or 18+."}
    assert fields_of(SignupIn, {"email": "no-at-sign", "password": "x" * 12, "business_name": "A"}) == {
        "email": "Email must be an email address like name@example.com."
    }


def test_a_problem_without_the_numbers_its_sentence_names_still_reads_as_a_sentence() -> None:
    assert sentence("greater_than_equal", "Price", {}) == "Price is not valid."
    assert sentence("some_future_type", "Price") == "Price is not valid."
    assert sentence("too_short", "Places", {"min_length": 1}) == "Places is required."


def test_every_sentence_names_the_field_and_ends_like_a_sentence() -> None:
    for kind, template in SENTENCES.items():
        assert template.startswith(("{field} ", "{field}: ")), kind
        assert template.rstrip().endswith((".", "https://")), kind


@pytest.mark.parametrize(
    "data",
    [
        {"name": "", "product": {"name": "", "price": -1, "currency": "", "features": ["x" * 301] * 51}},
        {
            "name": "x" * 300,
            "product": {"name": "M", "price": "1,5", "call_to_action_url": "not a link"},
            "target_platform": "tv",
        },
        {"name": "S", "product": "Mat", "chat_flow": {"qualification_questions": "one", "objection_handling": {"": "x"}}},
        [],
    ],
)
def test_no_library_text_ever_reaches_the_owner(data: object) -> None:
    for path, text in fields_of(CampaignIn, data).items():
        assert not LIBRARY_TEXT.search(text), (path, text)
        assert text[:1].isupper() or text.startswith("“"), (path, text)


def test_error_sentences_takes_the_first_problem_of_each_field() -> None:
    errors = [
        {"loc": ("price",), "type": "missing", "msg": "Field required"},
        {"loc": ("price",), "type": "float_parsing", "msg": "Input should be a valid number"},
    ]
    assert error_sentences(errors) == {"price": "Price is required."}


async def test_the_api_keeps_its_error_shape_with_sentences(api: TestClient, owner: SignedUp) -> None:
    response = await api.post(
        "/api/campaigns", json={"name": "Spring", "product": {"name": "Mat", "price": -5}}, headers=owner.auth
    )
    assert response.status == 422
    error = (await response.json())["error"]
    assert error["code"] == "invalid"
    assert error["fields"] == {"product.price": "Price must be 0 or more."}
    response = await api.get("/api/conversations?limit=0", headers=owner.auth)
    assert response.status == 400
    assert (await response.json())["error"]["fields"] == {"limit": "Limit must be 1 or more."}
