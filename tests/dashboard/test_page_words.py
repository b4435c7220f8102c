"""Words of the pages' own frame in the owner's language, as the server writes them (the browser sweep in
tests/browser/test_every_page.py reads every page; these need no browser): the menu, the team's roles and the
confirmations of removing and disconnecting, the leads' score heading, a document's passages counted in words that
agree with the number, and the analytics' weekdays."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from aiohttp.test_utils import TestClient

from dashboard.i18n.current import use_language
from dashboard.pages.analytics_page import weekday_names
from tests.dashboard import seeding
from tests.dashboard.conftest import SignedUp, platform_of
from tests.dashboard.test_pages import form_login

SPANISH = {"Accept-Language": "es-ES,es;q=0.9"}


async def spanish_page(api: TestClient, path: str) -> str:
    response = await api.get(path, headers=SPANISH)
    assert response.status == 200, path
    return await response.text()


def menu_of(html: str) -> list[str]:
    found = re.search(r'<nav id="menu".*?</nav>', html, re.S)
    assert found, "no menu"
    return re.findall(r"<li><a [^>]*>([^<]+)</a></li>", found.group(0))


async def test_the_menu_is_in_the_owners_language(api: TestClient, owner: SignedUp) -> None:
    await form_login(api, owner)
    spanish = menu_of(await spanish_page(api, "/dashboard"))
    assert spanish[:3] == ["Inicio", "Bandeja de entrada", "Clientes potenciales"]
    assert "Configuración" in spanish and "Settings" not in spanish
    english = menu_of(await (await api.get("/dashboard", headers={"Accept-Language": "en"})).text())
    assert english[:3] == ["Home", "Inbox", "Leads"]


async def test_roles_scores_and_confirmations_are_in_the_owners_language(api: TestClient, owner: SignedUp) -> None:
    await form_login(api, owner)
    team = await spanish_page(api, "/team")
    assert ">Propietario<" in team and ">Owner<" not in team
    db, when = platform_of(api).db, datetime.now(UTC) - timedelta(hours=1)
    await seeding.lead(db, await seeding.conversation(db, owner.tenant_id, "facebook", "PSID_1", at=when, name="Ana"), at=when)
    leads = await spanish_page(api, "/leads")
    assert re.search(r'<th scope="col" class="num"[^>]*><a [^>]*>Puntuación</a></th>', leads)
    channel = {"platform": "facebook", "account_id": "1234567890", "access_token": "EAAtest-page-token-123456", "name": "Acme"}
    assert (await api.post("/api/channels", json=channel, headers=owner.auth)).status == 201
    channels = await spanish_page(api, "/integrations")
    assert 'data-confirm="¿Desconectar Acme? El bot deja de responder allí."' in channels


async def test_a_documents_passages_are_counted_in_agreeing_words(api: TestClient, owner: SignedUp) -> None:
    await form_login(api, owner)
    document = b"# Mats\n\nWe lend mats for free.\n"
    uploaded = await api.post("/api/knowledge/documents?filename=faq.md", data=document, headers=owner.auth)
    assert uploaded.status == 201 and (await uploaded.json())["chunks"] == 1
    assert "· 1 pasaje ·" in await spanish_page(api, "/onboarding")
    assert "· 1 passage ·" in await (await api.get("/onboarding", headers={"Accept-Language": "en"})).text()


def test_weekdays_are_written_in_the_pages_language() -> None:
    with use_language("es"):
        assert weekday_names() == ["lun", "mar", "mié", "jue", "vie", "sáb", "dom"]
    with use_language("en"):
        assert weekday_names()[0] == "Mon" and weekday_names()[6] == "Sun"


def top_bar_of(html: str) -> str:
    found = re.search(r'<nav aria-label="[^"]*" class="public-nav">(.*?)</nav>', html, re.S)
    assert found, "no top bar"
    return found.group(1)


async def test_a_dead_link_offers_a_logged_in_owner_their_dashboard_not_a_login(api: TestClient, owner: SignedUp) -> None:
    visitor = await api.get("/no-such-page", headers=SPANISH)
    assert visitor.status == 404
    assert "Iniciar sesión" in top_bar_of(await visitor.text())
    await form_login(api, owner)
    lost = await api.get("/conversations/no-such-conversation", headers=SPANISH)
    assert lost.status == 404
    bar = top_bar_of(await lost.text())
    assert 'href="/dashboard"' in bar and "Ir a tu panel" in bar and "Iniciar sesión" not in bar
