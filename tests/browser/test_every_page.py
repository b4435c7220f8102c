"""Every page an owner (or a visitor, or a salesperson) can open, as they see it: in English and in Spanish, on a
phone (390 px) and a desktop (1280 px). On each: the page is in the browser's language (`<html lang>` says so),
nothing breaks the content security policy, nothing scrolls sideways, no word of a table cell is split across
lines, and axe-core finds no serious or critical problem. One browser, one context per language and width, the
pages visited in a loop; every problem found is reported at the end, each naming its page, language and width.

Screenshots of the Spanish phone pages are kept under tests/browser/artifacts/ (git-ignored) to be looked at."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.conversations.records import ConversationDelivery
from bot.conversations.store import update_conversation
from bot.outbound_webhooks.delivery import record_attempt
from bot.outbound_webhooks.endpoints import get_endpoint, pause_endpoint
from bot.outbound_webhooks.transport import PostOutcome
from tests.browser.conftest import ARTIFACTS, AXE, MISSING, SERIOUS, VIEWPORTS, WATCH_CSP, Site
from tests.browser.test_ads_page import seed_ads
from tests.browser.test_trusted_screens import BROKEN_WORDS, PASSWORD, business, customer_writes, db_of, seed_tables
from tests.e2e.conftest import PAGE_ID

pytestmark = pytest.mark.skipif(bool(MISSING), reason=f"browser tests skipped: {MISSING}")

LANGUAGES = {"en": "en-US", "es": "es-ES"}
AGENT_PASSWORD = "blue heron at dawn"
FAQ = b"# Harbour Yoga FAQ\n\n## Mats\nWe lend mats for free; bring your own towel.\n"

# The words of the page itself (not the business's data): headings, labels, buttons, menus, paragraphs, notices.
CHROME_WORDS = """() => Array.from(document.querySelectorAll(
    'nav a, h1, h2, h3, label, button, th, legend, dt, summary, option, caption, .badge, p, .hint, .alert'))
  .filter(el => el.getClientRects().length || el.tagName === 'OPTION')
  .map(el => el.textContent.trim()).filter(Boolean)"""

AXE_RUN = """async () => {
  const result = await axe.run(document, { resultTypes: ['violations'] });
  return result.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
                                        nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')) }));
}"""

# Leo answers in the owner's words: the same question in each language.
LEO_QUESTION = {"en": "Which campaign brings the most revenue?", "es": "¿Qué campaña trae más ingresos?"}


@dataclass(frozen=True)
class Seeded:
    email: str
    agent_email: str
    agent_password: str
    campaign_id: str
    conversation_id: str
    failed_id: str
    invite_path: str


async def seed(site: Site) -> Seeded:
    """A business with something on every page: campaigns, leads and sales, a customer's thread and one whose reply
    did not go out, a channel, a document, a test question, and an open invitation and a salesperson in its team."""
    email = "every-page@example.com"
    tenant_id, headers = await business(site, email)
    await seed_tables(site, tenant_id)
    await seed_ads(site, tenant_id)
    conversation_id = await customer_writes(
        site, tenant_id, "PSID_EVERY", "Do you lend mats to beginners?", at=datetime.now(UTC), name="Maria Fernanda Albuquerque"
    )
    # A customer whose reply did not go out: the banner and the count show on every page, the thread says why.
    failed_id = await customer_writes(
        site, tenant_id, "PSID_FAILED", "Are you open on Sunday?", at=datetime.now(UTC), name="Dana"
    )
    await update_conversation(
        db_of(site),
        tenant_id,
        failed_id,
        delivery=ConversationDelivery.failed,
        delivery_problem="unreachable",
        delivery_since=datetime.now(UTC),
    )
    channel = {"platform": "facebook", "account_id": PAGE_ID, "access_token": "EAAtest-page-token-123456", "name": "Harbour page"}
    assert (await site.client.post("/api/channels", json=channel, headers=headers)).status == 201
    uploaded = await site.client.post("/api/knowledge/documents?filename=faq.md", data=FAQ, headers=headers)
    assert uploaded.status == 201, await uploaded.text()
    question = {"question": "Do you lend mats?", "expected": "we lend mats for free"}
    asked = await site.client.post("/api/quality/questions", json=question, headers=headers)
    assert asked.status == 201, await asked.text()
    campaigns = await (await site.client.get("/api/campaigns", headers=headers)).json()
    # A CRM webhook paused after a day of failures, with its delivery log: the banner names it on every page.
    hook = {
        "url": "https://93.184.216.34/hooks/a-rather-long-path-for-the-salesbot-events?token=abcdef0123456789",
        "events": ["sale.recorded"],
    }
    added = await site.client.post("/api/webhooks", json=hook, headers=headers)
    assert added.status == 201, await added.text()
    endpoint = await get_endpoint(db_of(site), tenant_id, (await added.json())["id"])
    assert endpoint is not None
    failed = PostOutcome(500, "answered HTTP 500")
    await record_attempt(
        db_of(site), endpoint, event="sale.recorded", webhook_id="msg_seed", outcome=failed, now=datetime.now(UTC)
    )
    await pause_endpoint(db_of(site), endpoint, failed.error, datetime.now(UTC))
    # An invitation left open (its join page is visited) and a salesperson who joined through another one.
    invited = await site.client.post("/api/team/invites", json={"email": "open-invite@example.com"}, headers=headers)
    assert invited.status == 201
    invite_url = (await invited.json())["invite_url"]
    agent_email = "sam@example.com"
    joined = await site.client.post("/api/team/invites", json={"email": agent_email}, headers=headers)
    join_path = "/join/" + (await joined.json())["invite_url"].rsplit("/join/", 1)[1]
    page = await site.client.get(join_path)
    token = csrf_of(await page.text())
    answer = await site.client.post(
        join_path, data={"csrf_token": token, "password": AGENT_PASSWORD, "email": agent_email}, allow_redirects=False
    )
    assert answer.status in (302, 303), await answer.text()
    site.client.session.cookie_jar.clear()
    return Seeded(
        email=email,
        agent_email=agent_email,
        agent_password=AGENT_PASSWORD,
        campaign_id=campaigns["campaigns"][0]["id"],
        conversation_id=conversation_id,
        failed_id=failed_id,
        invite_path="/join/" + invite_url.rsplit("/join/", 1)[1],
    )


def english_left(lang: str) -> set[str]:
    """The English sentences of the pages whose translation in `lang` reads differently: seen as they are on a
    page in `lang`, they were left untranslated."""
    from dashboard.i18n.dashboard_catalogs import read_catalog

    left = set()
    for message in read_catalog(lang):
        english = message.id[0] if isinstance(message.id, tuple) else message.id
        translated = message.string[0] if isinstance(message.string, tuple) else message.string
        if english and translated and "%(" not in english and english.strip() != str(translated).strip():
            left.add(english.strip())
    return left


def csrf_of(html: str) -> str:
    marker = 'name="csrf_token" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


@dataclass
class Sweep:
    """One language at one width: checks each page it is shown and notes every problem."""

    page: Any
    lang: str
    viewport: str
    problems: list[str]
    screenshots: bool
    untranslated: set[str]

    async def check(self, name: str, *, whole_page: bool = True) -> None:
        page, where = self.page, f"{name} [{self.lang}, {VIEWPORTS[self.viewport]['width']} px]"
        await page.wait_for_load_state("load")
        if self.screenshots:
            await page.screenshot(
                path=str(ARTIFACTS / f"every-page-{self.lang}-{self.viewport}-{name}.png"), full_page=whole_page
            )
        lang = await page.get_attribute("html", "lang")
        if lang != self.lang:
            self.problems.append(f"{where}: <html lang> is {lang!r}")
        violations = await page.evaluate("window.__csp || []")
        if violations:
            self.problems.append(f"{where}: content security policy violations {violations}")
        width = VIEWPORTS[self.viewport]["width"]
        scroll = await page.evaluate("document.documentElement.scrollWidth")
        if scroll > width:
            self.problems.append(f"{where}: scrolls sideways ({scroll} px wide)")
        english = sorted({text for text in await page.evaluate(CHROME_WORDS) if text in self.untranslated})
        if english:
            self.problems.append(f"{where}: left in English {english}")
        broken = await page.evaluate(BROKEN_WORDS)
        if broken:
            self.problems.append(f"{where}: words broken inside table cells {broken[:5]}")
        found = await page.evaluate(AXE_RUN)
        for violation in found:
            if violation["impact"] in SERIOUS:
                self.problems.append(
                    f"{where}: {violation['id']} ({violation['impact']}): {violation['help']} at {violation['nodes']}"
                )

    async def visit(self, base: str, path: str, name: str, *, status: int = 200) -> None:
        response = await self.page.goto(base + path)
        got = response.status if response is not None else 0
        if got != status:
            self.problems.append(f"{name} [{self.lang}, {self.viewport}]: answered {got}, not {status}, at {self.page.url}")
            return
        await self.check(name)


async def log_in(sweep: Sweep, base: str, email: str, password: str) -> None:
    page = sweep.page
    await page.goto(base + "/login")
    await page.fill("[name=email]", email)
    await page.fill("[name=password]", password)
    await page.locator("main form button[type=submit]").click()
    await page.wait_for_url(lambda url: "/login" not in url)


async def owner_pages(sweep: Sweep, site: Site, seeded: Seeded) -> None:
    base = site.url
    pages = [
        ("/dashboard", "dashboard"),
        ("/campaigns", "campaigns"),
        ("/campaigns/new", "campaign-new"),
        (f"/campaigns/{seeded.campaign_id}/edit", "campaign-edit"),
        (f"/campaigns/{seeded.campaign_id}/delete", "campaign-delete"),
        ("/inbox", "inbox"),
        (f"/conversations/{seeded.conversation_id}", "thread"),
        ("/inbox?delivery=failed", "inbox-not-answered"),
        (f"/conversations/{seeded.failed_id}", "thread-not-answered"),
        ("/leads", "leads"),
        ("/analytics", "analytics"),
        ("/ads", "ads"),
        ("/ads/120210000000001", "ad"),
        ("/integrations", "channels"),
        ("/settings", "settings"),
        ("/team", "team"),
        ("/onboarding", "onboarding"),
        ("/playground", "playground"),
        ("/quality", "quality"),
    ]
    for path, name in pages:
        await sweep.visit(base, path, name)
    await sweep.visit(base, "/conversations/no-such-conversation", "thread-not-found", status=404)
    await sweep.visit(base, "/no-such-page", "page-not-found", status=404)
    await sweep.visit(base, "/ads/999000", "ad-not-found", status=404)

    # The token the platform made at sign-up is named in the page's language in the settings' list.
    page = sweep.page
    await page.goto(base + "/settings")
    await page.locator("[data-tokens-list] li > span").first.wait_for()
    listed = await page.locator("[data-tokens-list] li > span").all_inner_texts()
    signup = {"en": "Sign-up · ", "es": "Registro · "}[sweep.lang]
    if not any(text.startswith(signup) for text in listed):
        sweep.problems.append(f"settings [{sweep.lang}, {sweep.viewport}]: no token named {signup!r} in {listed}")

    # The campaign form's later steps, each shown by its Next button.
    await page.goto(f"{base}/campaigns/{seeded.campaign_id}/edit")
    for step in range(1, 4):
        await page.locator("main form [data-step-next]").first.click()
        await sweep.check(f"campaign-edit-step-{step + 1}")

    # Leo with an answer: the sidebar on a desktop, the full-screen sheet on a phone; and the phone's open menu.
    await page.goto(base + "/dashboard")
    if sweep.viewport == "phone":
        await page.locator("header .menu-toggle").click()
        await page.locator("#menu").wait_for()
        await sweep.check("menu-open", whole_page=False)
        await page.locator("header .menu-toggle").click()
    leo = page.locator("#leo")
    if sweep.viewport == "phone":
        await leo.locator(".leo-toggle").click()
        await page.locator("#leo-panel").wait_for()
    await leo.locator("[name=message]").fill(LEO_QUESTION[sweep.lang])
    await leo.locator(".leo-form button[type=submit]").click()
    await leo.locator(".leo-thread li.leo").first.wait_for()
    # The sheet covers the screen: what the owner sees is the screen, not the page under it.
    await sweep.check("leo-open" if sweep.viewport == "desktop" else "leo-sheet", whole_page=sweep.viewport == "desktop")
    # Leo's own page, where the answer shows when the page's script does not run.
    await page.goto(base + "/dashboard")
    await page.locator("#leo [name=message]").evaluate("(box, question) => { box.value = question; }", LEO_QUESTION[sweep.lang])
    async with page.expect_navigation():
        await page.locator("#leo form.leo-form").evaluate("form => form.submit()")
    await sweep.check("leo-page")


async def public_pages(sweep: Sweep, site: Site, seeded: Seeded) -> None:
    base = site.url
    await sweep.visit(base, "/", "landing")
    await sweep.visit(base, "/login", "login")
    await sweep.visit(base, "/signup", "signup")
    await sweep.visit(base, seeded.invite_path, "join")
    await sweep.visit(base, "/join/not-a-real-invitation", "join-expired", status=404)
    await sweep.visit(base, "/no-such-page", "public-not-found", status=404)
    # A sign-up with its mistakes marked, a wrong password, and a Facebook login that came back to a browser that
    # did not start it.
    page = sweep.page
    await page.goto(base + "/signup")
    await page.fill("[name=email]", "not-an-email")
    await page.locator("main form button[type=submit]").click()
    await page.locator("#f-email-error").wait_for()
    await sweep.check("signup-errors")
    await page.goto(base + "/login")
    await page.fill("[name=email]", seeded.email)
    await page.fill("[name=password]", "not the password at all")
    await page.locator("main form button[type=submit]").click()
    await page.locator("main [role=alert], main .alert").first.wait_for()
    await sweep.check("login-refused")
    await page.goto(base + "/api/integrations/facebook/callback?state=forged&code=abc")
    await sweep.check("facebook-refused")


async def agent_pages(sweep: Sweep, site: Site, seeded: Seeded) -> None:
    """A salesperson's frame, and the page refusing them the owner's settings."""
    await log_in(sweep, site.url, seeded.agent_email, seeded.agent_password)
    await sweep.visit(site.url, "/inbox", "agent-inbox")
    await sweep.visit(site.url, "/settings", "agent-settings-refused", status=403)


async def test_every_page_in_english_and_spanish_at_phone_and_desktop_width(site: Site, browser: Any) -> None:
    seeded = await seed(site)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    for lang, locale in LANGUAGES.items():
        for viewport in ("phone", "desktop"):
            context = await browser.new_context(viewport=VIEWPORTS[viewport], locale=locale)
            await context.add_init_script(WATCH_CSP)
            await context.add_init_script(path=str(AXE))
            page = await context.new_page()
            page.set_default_timeout(15_000)
            english = english_left(lang) if lang != "en" else set()
            sweep = Sweep(page, lang, viewport, problems, screenshots=lang == "es" and viewport == "phone", untranslated=english)
            try:
                await public_pages(sweep, site, seeded)
                await log_in(sweep, site.url, seeded.email, PASSWORD)
                await owner_pages(sweep, site, seeded)
                await context.clear_cookies()
                await agent_pages(sweep, site, seeded)
            finally:
                await context.close()
    assert problems == [], "\n".join(["", *problems])
