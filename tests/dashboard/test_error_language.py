"""Each family of failures answered in the owner's language (their saved choice, else the browser's), with the
status and the code the API always answered."""

from __future__ import annotations

import copy

import pytest
from aiohttp.test_utils import TestClient
from argon2 import PasswordHasher

from bot.runtime.embedded import free_port
from dashboard.context import DASHBOARD
from dashboard.passwords import Passwords
from tests.dashboard.conftest import SignedUp, sign_up
from tests.dashboard.test_campaigns import CAMPAIGN
from tests.dashboard.test_pages import form_login, hidden_token
from tests.dashboard.test_team import AGENT_EMAIL, AGENT_PASSWORD, agent_joins
from tests.whole_app import create_app, owner_app_of

ES = {"Accept-Language": "es-ES,es;q=0.9"}
DE = {"Accept-Language": "de-DE,de;q=0.9"}


async def error_of(response) -> dict:
    return (await response.json())["error"]


# Not found ---------------------------------------------------------------------------------------------------


async def test_a_missing_campaign_is_said_in_spanish(api: TestClient, owner: SignedUp) -> None:
    missing = await api.get("/api/campaigns/nothing-here", headers={**owner.auth, **ES})
    assert missing.status == 404
    assert await error_of(missing) == {"code": "not_found", "message": "No existe esta campaña."}


async def test_the_owners_saved_language_wins_over_the_browsers(api: TestClient, owner: SignedUp) -> None:
    chosen = await api.put("/api/account", json={"language": "de"}, headers=owner.auth)
    assert chosen.status == 200
    missing = await api.get("/api/campaigns/nothing-here", headers={**owner.auth, **ES})
    assert missing.status == 404
    assert await error_of(missing) == {"code": "not_found", "message": "Diese Kampagne gibt es nicht."}


# Conflict ----------------------------------------------------------------------------------------------------


async def test_an_email_registered_already_is_said_in_german(api: TestClient, owner: SignedUp) -> None:
    again = await api.post(
        "/api/signup", json={"email": owner.email, "password": "another long secret", "business_name": "Twin"}, headers=DE
    )
    assert again.status == 409
    assert await error_of(again) == {
        "code": "email_taken",
        "message": "Es gibt bereits ein Konto mit dieser E-Mail-Adresse.",
        "fields": {"email": "Es gibt bereits ein Konto mit dieser E-Mail-Adresse."},
    }


# Refused: not logged in, wrong login, rate limited, CSRF, an agent's 403 -------------------------------------------


async def test_no_login_is_said_in_the_browsers_language(api: TestClient) -> None:
    refused = await api.get("/api/campaigns", headers=DE)
    assert refused.status == 401 and refused.headers["WWW-Authenticate"] == "Bearer"
    assert await error_of(refused) == {"code": "unauthorized", "message": "Melden Sie sich an oder senden Sie ein API-Token."}


async def test_failed_logins_and_their_limit_are_said_in_spanish(api: TestClient, owner: SignedUp) -> None:
    wrong = {"email": owner.email, "password": "not the password at all"}
    for _ in range(5):
        refused = await api.post("/api/login", json=wrong, headers=ES)
        assert refused.status == 401
        assert await error_of(refused) == {"code": "invalid_credentials", "message": "Correo o contraseña incorrectos."}
    limited = await api.post("/api/login", json=wrong, headers=ES)
    assert limited.status == 429 and int(limited.headers["Retry-After"]) > 0
    assert await error_of(limited) == {
        "code": "too_many_attempts",
        "message": "Demasiados inicios de sesión fallidos; inténtalo más tarde.",
    }


async def test_a_write_without_its_csrf_token_is_refused_in_the_owners_language(api: TestClient, owner: SignedUp) -> None:
    await api.put("/api/account", json={"language": "de"}, headers=owner.auth)
    await form_login(api, owner)
    refused = await api.post("/api/campaigns", json=CAMPAIGN, headers=ES)  # the session cookie, no X-CSRF-Token
    assert refused.status == 403
    assert await error_of(refused) == {
        "code": "csrf",
        "message": "Der Sicherheitscode der Seite fehlt oder ist falsch (Header X-CSRF-Token). "
        "Laden Sie die Seite neu und versuchen Sie es erneut.",
    }


async def test_a_page_form_without_its_csrf_token_is_refused_in_spanish(api: TestClient, owner: SignedUp) -> None:
    await form_login(api, owner)
    refused = await api.post("/integrations/connect", data={"platform": "facebook", "csrf_token": "guess"}, headers=ES)
    assert refused.status == 403
    assert await refused.text() == (
        "Este formulario caducó o no viene de este sitio. Vuelve atrás, recarga la página e inténtalo de nuevo."
    )


async def test_an_agent_is_refused_the_owners_pages_in_german(api: TestClient, owner: SignedUp) -> None:
    await agent_joins(api, owner)
    login = await api.post("/api/login", json={"email": AGENT_EMAIL, "password": AGENT_PASSWORD})
    token = (await login.json())["api_token"]
    refused = await api.get("/api/channels", headers={"Authorization": f"Bearer {token}", **DE})
    assert refused.status == 403
    assert await error_of(refused) == {"code": "owner_only", "message": "Nur der Inhaber dieses Unternehmens kann das tun."}


# Invalid input: too large, our validators' sentences, a refused document -------------------------------------------


async def test_a_body_too_large_is_said_in_spanish(api: TestClient, owner: SignedUp) -> None:
    huge = {**CAMPAIGN, "name": "x" * (1100 * 1024)}
    refused = await api.post("/api/campaigns", json=huge, headers={**owner.auth, **ES})
    assert refused.status == 413
    assert await error_of(refused) == {"code": "payload_too_large", "message": "El contenido enviado ocupa más de 1024 KB."}


async def test_a_weak_password_is_said_in_german(api: TestClient) -> None:
    refused = await api.post(
        "/api/signup", json={"email": "ute@example.com", "password": "password1234", "business_name": "Ute"}, headers=DE
    )
    assert refused.status == 422
    assert await error_of(refused) == {
        "code": "weak_password",
        "message": "Dieses Passwort kann nicht verwendet werden.",
        "fields": {
            "password": "Passwort ist zu verbreitet oder zu leicht zu erraten; versuchen Sie ein paar Wörter, "
            "die nichts miteinander zu tun haben."
        },
    }


async def test_our_validators_sentences_are_said_in_spanish(api: TestClient, owner: SignedUp) -> None:
    campaign = copy.deepcopy(CAMPAIGN)
    campaign["product"]["currency"] = "XYZ"
    campaign["target_audience"] = {"age_range": "adults"}
    refused = await api.post("/api/campaigns", json=campaign, headers={**owner.auth, **ES})
    assert refused.status == 422
    error = await error_of(refused)
    assert error["code"] == "invalid" and error["message"] == "algunos campos no son válidos"
    assert error["fields"] == {
        "product.currency": "El campo «Moneda» debe ser un código de moneda ISO 4217, como USD o EUR.",
        "target_audience.age_range": "Rango de edad: escribe un rango de edad como 25-45 o 18+.",
    }


async def test_an_empty_document_is_refused_in_german(api: TestClient, owner: SignedUp) -> None:
    refused = await api.post(
        "/api/knowledge/documents?filename=empty.txt", data=b"", headers={**owner.auth, **DE, "Content-Type": "text/plain"}
    )
    assert refused.status == 422
    assert await error_of(refused) == {
        "code": "empty_document",
        "message": "Das Dokument ist leer.",
        "fields": {"file": "Das Dokument ist leer."},
    }


# Upstream: Meta cannot be reached ------------------------------------------------------------------------------


@pytest.mark.usefixtures("redis")
async def test_meta_out_of_reach_is_said_in_spanish_in_the_api_and_on_the_page(aiohttp_client, make_settings) -> None:
    api = await aiohttp_client(create_app(make_settings(graph_api_url=f"http://127.0.0.1:{free_port()}/v21.0"), run_worker=False))
    owner_app_of(api.app)[DASHBOARD].passwords = Passwords(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    owner = await sign_up(api, "lejos@example.com")
    await api.put("/api/account", json={"language": "es"}, headers=owner.auth)
    said = "No se pudo contactar con Facebook para comprobar este token de acceso. No se guardó nada; inténtalo de nuevo en un minuto."

    refused = await api.post(
        "/api/channels",
        json={"platform": "facebook", "account_id": "102030", "access_token": "EAAtoken123456"},
        headers=owner.auth,
    )
    assert refused.status == 502
    assert await error_of(refused) == {"code": "meta_unreachable", "message": said}

    await form_login(api, owner)
    token = hidden_token(await (await api.get("/integrations")).text())
    page = await api.post(
        "/integrations/connect",
        data={"platform": "facebook", "account_id": "102030", "access_token": "EAAtoken123456", "csrf_token": token},
    )
    assert page.status == 422
    assert said in await page.text()
