"""The owner's language: Accept-Language by default, `PUT /api/account {language}` when set, English for a
language we have no catalog of; pages, form errors and API validation errors all follow it; and every sentence the
pages and code ask for is translated in every catalog."""

from __future__ import annotations

import re

import pytest
from aiohttp.test_utils import TestClient

from dashboard.i18n import LANGUAGES, available_languages, choose_language, from_accept_language, read_catalog
from dashboard.i18n.msgids import used_messages
from tests.dashboard.conftest import SignedUp
from tests.dashboard.test_owner_pages import session_csrf
from tests.dashboard.test_pages import form_login, hidden_token

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")


def html_lang(html: str) -> str:
    found = re.search(r'<html lang="([^"]+)"', html)
    return found.group(1) if found else ""


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("es-ES,es;q=0.9,en;q=0.8", "es"),
        ("pt-BR", "pt"),
        ("fr-CA,fr;q=0.9", "fr"),
        ("en-US,de;q=0.9", "en"),
        ("ja,de;q=0.5", "de"),
        ("ja,zh;q=0.5", "en"),
        ("it;q=0,es;q=0.4", "es"),
        ("", "en"),
        ("*", "en"),
    ],
)
def test_the_browser_language_is_negotiated_among_the_catalogs(header: str, expected: str) -> None:
    assert from_accept_language(header) == expected


def test_a_saved_language_wins_over_the_browser_and_an_unknown_one_does_not() -> None:
    assert choose_language("de", "es") == "de"
    assert choose_language("", "es") == "es"
    assert choose_language("xx", "fr") == "fr"


def test_every_language_has_a_catalog() -> None:
    assert set(LANGUAGES) <= set(available_languages())


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_every_sentence_is_translated_in_every_catalog_with_its_placeholders(lang: str) -> None:
    catalog = read_catalog(lang)
    missing, wrong = [], []
    for message_id in used_messages():
        key = message_id[0] if isinstance(message_id, tuple) else message_id
        entry = catalog.get(key)
        texts = [] if entry is None else ([*entry.string] if isinstance(entry.string, tuple) else [entry.string])
        if entry is None or entry.fuzzy or not texts or not all(texts):
            missing.append(key)
            continue
        source = message_id[-1] if isinstance(message_id, tuple) else message_id
        if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(str(texts[-1]))):
            wrong.append(key)
    assert missing == [], f"{lang}: no translation for {missing[:10]} ({len(missing)} in all)"
    assert wrong == [], f"{lang}: placeholders differ in {wrong[:10]}"


def test_the_extraction_finds_templates_and_code() -> None:
    found = used_messages()
    assert "Skip to content" in found  # a template
    assert "{field} is required." in found  # dashboard/field_errors.py
    assert ("Please fix the field marked below.", "Please fix the fields marked below.") in found


async def test_accept_language_spanish_gives_spanish_pages(api: TestClient) -> None:
    html = await (await api.get("/login", headers={"Accept-Language": "es-MX,es;q=0.9"})).text()
    assert html_lang(html) == "es"
    assert "Iniciar sesión" in html and "Contraseña" in html
    assert ">Log in<" not in html


async def test_an_unknown_language_falls_back_to_english(api: TestClient) -> None:
    html = await (await api.get("/login", headers={"Accept-Language": "tlh"})).text()
    assert html_lang(html) == "en"
    assert "Password" in html


async def test_a_spanish_form_error_names_the_field_in_spanish(api: TestClient) -> None:
    page = await (await api.get("/signup", headers={"Accept-Language": "es"})).text()
    bad = await api.post(
        "/signup",
        data={
            "csrf_token": hidden_token(page),
            "business_name": "",
            "email": "maya@example.com",
            "password": "correct horse battery",
        },
        headers={"Accept-Language": "es"},
    )
    assert bad.status == 422
    html = await bad.text()
    assert "El campo «Nombre del negocio» es obligatorio." in html
    assert "Corrige el campo marcado abajo." in html


async def test_the_owner_chooses_german_for_pages_and_api_errors(api: TestClient, owner: SignedUp) -> None:
    chosen = await api.put("/api/account", json={"language": "de"}, headers={**owner.auth, "Accept-Language": "es"})
    assert chosen.status == 200, await chosen.text()
    assert await chosen.json() == {"language": "de", "page_language": "de"}

    # The API's validation errors, whatever the browser asks, name the field in German.
    bad = await api.post("/api/tokens", json={"name": ""}, headers={**owner.auth, "Accept-Language": "es"})
    assert bad.status == 422
    error = (await bad.json())["error"]
    assert error["message"] == "einige Felder sind ungültig"
    assert error["fields"]["name"] == "Name des Tokens ist erforderlich."

    await form_login(api, owner)
    html = await (await api.get("/settings", headers={"Accept-Language": "es"})).text()
    assert html_lang(html) == "de"
    assert "Einstellungen" in html and "Abmelden" in html
    assert '<option value="de" lang="de" selected>Deutsch</option>' in html


async def test_an_unknown_language_is_refused_naming_the_field(api: TestClient, owner: SignedUp) -> None:
    bad = await api.put("/api/account", json={"language": "xx"}, headers=owner.auth)
    assert bad.status == 422
    sentence = (await bad.json())["error"]["fields"]["language"]
    assert sentence.startswith("Language must be one of: auto, en, es")


async def test_auto_follows_the_browser_again(api: TestClient, owner: SignedUp) -> None:
    await api.put("/api/account", json={"language": "it"}, headers=owner.auth)
    back = await api.put("/api/account", json={"language": "auto"}, headers={**owner.auth, "Accept-Language": "fr"})
    assert await back.json() == {"language": "auto", "page_language": "fr"}
    bad = await api.post("/api/tokens", json={"name": ""}, headers={**owner.auth, "Accept-Language": "fr"})
    assert (await bad.json())["error"]["fields"]["name"] == "Le champ « Nom du jeton » est obligatoire."


async def test_the_settings_page_saves_the_language(api: TestClient, owner: SignedUp) -> None:
    await form_login(api, owner)
    csrf = await session_csrf(api)
    saved = await api.post("/settings/language", data={"csrf_token": csrf, "language": "pt"}, allow_redirects=False)
    assert saved.status == 303 and saved.headers["Location"] == "/settings?notice=language_saved"
    html = await (await api.get("/settings?notice=language_saved")).text()
    assert html_lang(html) == "pt"
    assert "Idioma salvo" in html and "Configurações" in html


@pytest.mark.usefixtures("api", "owner")
async def test_pages_write_numbers_and_dates_in_the_owner_language() -> None:
    from datetime import date

    from dashboard.i18n import use_language
    from dashboard.pages.frame import day_label, money, number

    with use_language("de"):
        assert number(12345.5) == "12.345,5"
        assert money(1299, "EUR") == "1.299,00\xa0€"
        assert day_label(date(2025, 12, 5)) == "5. Dez."
    with use_language("en"):
        assert money(1299, "USD") == "$1,299.00"
        assert day_label(date(2025, 12, 5)) == "Dec 5"


def test_delivery_problems_read_in_english_as_the_channels_write_them_and_translate() -> None:
    from channels import problems
    from dashboard import delivery_words
    from dashboard.i18n import use_language

    for kind in problems.PROBLEMS:
        for platform in ("facebook", "instagram", "whatsapp"):
            assert delivery_words.not_sent(kind, platform) == problems.not_sent(kind, platform)
            assert delivery_words.still_trying(kind, platform) == problems.still_trying(kind, platform)
    with use_language("es"):
        assert delivery_words.not_sent("unreachable", "facebook").startswith("No enviado: No se pudo conectar con Facebook.")


def test_channel_trouble_reads_in_english_as_the_channels_write_it() -> None:
    from channels import problems
    from dashboard import delivery_words

    for kind in problems.PROBLEMS:
        assert delivery_words.channel_trouble(kind, "whatsapp") == problems.channel_trouble(kind, "whatsapp")
        assert delivery_words.channel_banner(kind, "facebook", "Shop") == problems.channel_banner(kind, "facebook", "Shop")


def test_emails_follow_the_language_they_are_written_in() -> None:
    from datetime import UTC, datetime

    from dashboard.alert_mail import alert_email
    from dashboard.i18n import use_language
    from dashboard.team.mail import invite_email
    from dashboard.trouble import Trouble

    with use_language("de"):
        alert = alert_email(Trouble(unanswered=2), business_name="Yoga", to="o@example.com", sender="a@x", base_url="http://x")
        invite = invite_email(
            to="s@example.com",
            sender="a@x",
            business_name="Yoga",
            invited_by="o@example.com",
            url="http://x/join/t",
            expires_at=datetime(2026, 12, 7, 9, 30, tzinfo=UTC),
        )
    assert alert["Subject"] == "Yoga: Kunden bekommen keine Antworten"
    assert "2 Kunden haben keine Antwort bekommen." in alert.get_content()
    assert invite["Subject"] == "Treten Sie Yoga beim Verkaufsbot bei"
    assert "bis 7. Dez. 2026, 09:30 UTC" in invite.get_content()


async def test_time_zones_are_listed_in_the_page_language(api: TestClient, owner: SignedUp) -> None:
    await api.put("/api/account", json={"language": "es"}, headers=owner.auth)
    await form_login(api, owner)
    html = await (await api.get("/settings")).text()
    assert 'label="España"' in html and "Tiempo universal coordinado (UTC)" in html


def test_every_sentence_a_script_writes_is_listed_for_the_catalogs() -> None:
    from pathlib import Path

    from dashboard.i18n.script_words import SCRIPT_WORDS

    static = Path(__file__).resolve().parents[2] / "dashboard" / "static"
    asked = {
        found
        for script in static.glob("*.js")
        for found in re.findall(r'\bt\("((?:[^"\\]|\\.)*)"', script.read_text(encoding="utf-8"))
    }
    assert asked, "no script sentence found"
    assert sorted(asked - set(SCRIPT_WORDS)) == []


async def test_pages_carry_the_script_sentences_in_their_language(api: TestClient) -> None:
    html = await (await api.get("/login", headers={"Accept-Language": "de"})).text()
    found = re.search(r'<script type="application/json" id="script-words">(.*?)</script>', html)
    assert found is not None
    import json

    assert json.loads(found.group(1))["No connection; try again"] == "Keine Verbindung; bitte erneut versuchen"
