"""Time zones picked by country and city, searchable, and saved as IANA names."""

from __future__ import annotations

import re
from zoneinfo import available_timezones

from aiohttp.test_utils import TestClient

from dashboard.zones import choice_for, country_name, country_of_zone, fold, zone_choices
from tests.dashboard.conftest import SignedUp
from tests.dashboard.test_owner_pages import session_csrf
from tests.dashboard.test_pages import form_login


def test_countries_are_listed_once_each_in_alphabetical_order_with_their_cities() -> None:
    countries = zone_choices()
    names = [fold(country.name) for country in countries]
    assert names == sorted(names) and len(set(names)) == len(names)
    assert 200 < len(countries) < 260  # countries, not 600 raw names
    spain = next(country for country in countries if country.code == "ES")
    assert spain.name == "Spain"
    assert {z.zone for z in spain.zones} == {"Europe/Madrid", "Africa/Ceuta", "Atlantic/Canary"}
    assert next(z for z in spain.zones if z.zone == "Europe/Madrid").label == "Madrid, Spain"
    us = next(country for country in countries if country.code == "US")
    assert "New York, United States" in {z.label for z in us.zones}


def test_every_choice_saves_a_zone_the_platform_knows() -> None:
    known = available_timezones()
    zones = [z.zone for country in zone_choices() for z in country.zones]
    assert len(zones) == len(set(zones))
    assert all(zone in known for zone in zones)
    assert all("/" not in z.city for country in zone_choices() for z in country.zones)  # "Buenos Aires", not "Argentina/…"


def test_a_search_finds_countries_cities_and_older_names_without_accents() -> None:
    def find(word: str) -> set[str]:
        return {z.zone for country in zone_choices() for z in country.zones if fold(word) in z.search}

    assert "America/Sao_Paulo" in find("sao paulo")
    assert "America/Sao_Paulo" in find("São Paulo")
    assert "Europe/Kyiv" in find("kiev")  # the older name
    assert find("spain") == {"Europe/Madrid", "Africa/Ceuta", "Atlantic/Canary", "America/Port_of_Spain"}
    assert "America/Argentina/Buenos_Aires" in find("buenos aires")


def test_the_country_of_a_zone_and_its_name() -> None:
    assert country_of_zone("Europe/Madrid") == "ES"
    assert country_of_zone("US/Eastern") == "US"  # an alias
    assert country_of_zone("Europe/Kiev") == "UA"
    assert country_of_zone("UTC") == ""
    assert country_of_zone("Etc/GMT+3") == ""
    assert country_name("ES") == "Spain" and country_name("") == ""
    assert choice_for("UTC") is not None and choice_for("US/Eastern") is None


async def test_the_settings_page_lists_zones_by_country_and_saves_the_iana_name(api: TestClient, owner: SignedUp) -> None:
    await form_login(api, owner)
    html = await (await api.get("/settings")).text()
    assert '<optgroup label="Spain">' in html
    assert re.search(r'<option value="Europe/Madrid" data-search="[^"]*">Madrid, Spain</option>', html)
    assert re.search(r'<option value="UTC"[^>]* selected>', html)
    assert len(re.findall(r"<optgroup ", html)) > 200
    saved = await api.post(
        "/settings/bot", data={"csrf_token": await session_csrf(api), "timezone": "Europe/Madrid", "pause_minutes": "30"}
    )
    assert saved.status == 200
    assert (await (await api.get("/api/settings/bot", headers=owner.auth)).json())["timezone"] == "Europe/Madrid"
    assert re.search(r'<option value="Europe/Madrid" data-search="[^"]*" selected>', await saved.text())


async def test_a_zone_saved_under_an_older_name_stays_chosen(api: TestClient, owner: SignedUp) -> None:
    put = await api.put("/api/settings/bot", json={"timezone": "US/Eastern", "pause_minutes": 30}, headers=owner.auth)
    assert put.status == 200
    await form_login(api, owner)
    html = await (await api.get("/settings")).text()
    assert re.search(r'<option value="US/Eastern"[^>]* selected>US/Eastern</option>', html)


async def test_a_bad_zone_is_refused_in_words(api: TestClient, owner: SignedUp) -> None:
    response = await api.put("/api/settings/bot", json={"timezone": "Mars/Olympus", "pause_minutes": 0}, headers=owner.auth)
    assert response.status == 422
    assert (await response.json())["error"]["fields"] == {
        "timezone": "Time zone must be an IANA time zone such as Europe/Madrid or America/New_York.",
        "pause_minutes": "Bot pause must be 1 or more.",
    }
