"""The business's phone: checked with phonenumbers, stored as E.164, read in the business's country when written
without a country code, and refused with a sentence naming the field."""

from __future__ import annotations

import re

import pytest
from aiohttp.test_utils import TestClient

from dashboard.phones import NEEDS_COUNTRY, NO_SUCH_NUMBER, NOT_A_NUMBER, PhoneProblem, readable, to_e164
from tests.dashboard.conftest import SignedUp
from tests.dashboard.test_owner_pages import session_csrf
from tests.dashboard.test_pages import form_login


@pytest.mark.parametrize(
    ("text", "region", "e164"),
    [
        ("+1 415 555 0100", "", "+14155550100"),
        ("(415) 555-2671", "US", "+14155552671"),
        ("612 345 678", "ES", "+34612345678"),
        ("+34 612 345 678", "US", "+34612345678"),  # a country code wins over the business's country
        ("020 7946 0958", "gb", "+442079460958"),
        ("+1 555 555 0100", "", "+15555550100"),  # no range of today's, but a number's length: kept
        ("  ", "ES", ""),
        # A local number while the business's country is not known yet: kept as written, the setup goes on.
        ("612  345 678", "", "612 345 678"),
    ],
)
def test_a_number_is_kept_as_e164(text: str, region: str, e164: str) -> None:
    assert to_e164(text, region) == e164


@pytest.mark.parametrize(
    ("text", "region", "kind"),
    [
        ("abc", "ES", NOT_A_NUMBER),
        ("abc", "", NOT_A_NUMBER),
        ("0612", "", NEEDS_COUNTRY),
        ("12", "ES", NO_SUCH_NUMBER),
        ("+999 1234", "", NO_SUCH_NUMBER),
        ("9" * 40, "US", NO_SUCH_NUMBER),
    ],
)
def test_what_is_no_phone_number_is_refused_saying_why(text: str, region: str, kind: str) -> None:
    with pytest.raises(PhoneProblem) as refused:
        to_e164(text, region)
    assert refused.value.kind == kind


def test_a_stored_number_is_shown_the_way_people_write_it() -> None:
    assert readable("+34612345678") == "+34 612 34 56 78"
    assert readable("") == ""
    assert readable("call us") == "call us"


async def test_the_api_refuses_abc_naming_the_field(api: TestClient, owner: SignedUp) -> None:
    response = await api.put("/api/onboarding", json={"name": "Acme", "phone": "abc"}, headers=owner.auth)
    assert response.status == 422
    error = (await response.json())["error"]
    assert error["code"] == "invalid"
    assert error["fields"] == {"phone": "Phone number must be written in digits, e.g. +1 415 555 0100."}
    assert (await (await api.get("/api/onboarding", headers=owner.auth)).json())["phone"] == ""


async def test_a_number_without_country_code_is_read_in_the_business_country(api: TestClient, owner: SignedUp) -> None:
    response = await api.put("/api/onboarding", json={"name": "Acme", "phone": "612 345 678"}, headers=owner.auth)
    # Time zone UTC: no country to read it in yet; the number is kept as written and the setup goes on.
    assert response.status == 200
    assert (await response.json())["phone"] == "612 345 678"
    settings = await api.put("/api/settings/bot", json={"timezone": "Europe/Madrid", "pause_minutes": 30}, headers=owner.auth)
    assert settings.status == 200
    response = await api.put("/api/onboarding", json={"name": "Acme", "phone": "612 345 678"}, headers=owner.auth)
    assert response.status == 200
    assert (await response.json())["phone"] == "+34612345678"


async def test_the_form_says_what_is_wrong_beside_the_field_and_shows_the_number_readably(
    api: TestClient, owner: SignedUp
) -> None:
    await form_login(api, owner)
    csrf = await session_csrf(api)
    refused = await api.post("/onboarding", data={"csrf_token": csrf, "name": "Acme", "phone": "abc"})
    assert refused.status == 422
    html = await refused.text()
    assert re.search(r'id="f-phone-error">Phone number must be written in digits, e.g. \+1 415 555 0100.<', html)
    assert 'value="abc"' in html  # what the owner typed stays, to correct it
    saved = await api.post("/onboarding", data={"csrf_token": csrf, "name": "Acme", "phone": "+1 (415) 555-0100"})
    assert saved.status == 200  # followed the redirect
    assert 'value="+1 415-555-0100"' in await saved.text()
    assert (await (await api.get("/api/onboarding", headers=owner.auth)).json())["phone"] == "+14155550100"
