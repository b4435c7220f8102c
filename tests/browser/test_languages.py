"""The pages in the owner's language, in a real browser: a phone whose browser asks for Spanish gets Spanish
pages (the menu, the headings, the form errors, the dates and the money), nothing scrolls sideways at 390 px with
the longer Spanish words, and axe finds no serious problem on three pages in Spanish."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import AXE, MISSING, VIEWPORTS, WATCH_CSP, Site, Visit
from tests.browser.test_trusted_screens import PASSWORD, business, seed_tables

pytestmark = pytest.mark.skipif(bool(MISSING), reason=f"browser tests skipped: {MISSING}")


async def spanish_phone(browser: Any, request: Any) -> Visit:  # noqa: ARG001 # every visit is called with the browser and pytest's request
    context = await browser.new_context(viewport=VIEWPORTS["phone"], locale="es-ES")
    await context.add_init_script(WATCH_CSP)
    await context.add_init_script(path=str(AXE))
    page = await context.new_page()
    page.set_default_timeout(15_000)
    return Visit(page=page, viewport="phone", test="languages-es")


async def test_a_spanish_browser_reads_spanish_pages_at_phone_size(site: Site, browser: Any, request: Any) -> None:
    email = "telefono@example.com"
    tenant_id, _ = await business(site, email)
    await seed_tables(site, tenant_id)
    visit = await spanish_phone(browser, request)
    page = visit.page

    await page.goto(site.url + "/login")
    assert await page.get_attribute("html", "lang") == "es"
    await page.fill("[name=email]", email)
    await page.fill("[name=password]", PASSWORD)
    await page.locator("main").get_by_role("button", name="Iniciar sesión").click()
    await page.wait_for_url("**/dashboard")
    await page.get_by_role("heading", name="Hola, Harbour Yoga").wait_for()
    await visit.check("dashboard")

    await page.goto(site.url + "/leads")
    await page.get_by_role("heading", name="Clientes potenciales", exact=True).wait_for()
    assert await page.get_attribute("html", "lang") == "es"
    cells = " ".join(await page.locator("main td").all_inner_texts())
    assert "Compró" in cells  # the lead's stage
    assert re.search(r"\d+,\d\d\s?(US\$|\$)", cells), f"money not written the Spanish way: {cells[:300]}"
    await visit.check("leads")

    await page.goto(site.url + "/settings")
    await page.get_by_role("heading", name="Configuración", exact=True).wait_for()
    await page.get_by_role("button", name="Menú").wait_for()
    # What the scripts write reads in Spanish too: the token list and the time in the chosen zone.
    await page.locator("[data-tokens-list] button", has_text="Revocar").first.wait_for()
    await page.locator("[data-zone-now]", has_text="Allí son las").wait_for()
    await page.fill("#f-pause_minutes", "0")
    await (
        page.get_by_role("region", name="Horario del negocio y el bot").get_by_role("button", name="Guardar", exact=True).click()
    )
    await page.wait_for_selector("#f-pause_minutes-error")
    error = await page.inner_text("#f-pause_minutes-error")
    assert error.startswith("El campo «Pausa del bot") and "1 o más" in error, error
    await visit.check("settings-error")
