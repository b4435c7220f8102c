"""Browser tests: the whole platform served on a local port, driven by Playwright's async API in Debian's
Chromium, at a desktop (1280×800) and a phone (390×844) size, with axe-core checking each page.

They skip, saying why, when Playwright, Chromium or the npm packages are not installed (`.ci/run` installs
all three), so the README's test command passes on a fresh clone without them. Screenshots of every page
are saved under tests/browser/artifacts/ (git-ignored, kept by CI).
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher

from tests.fakes_meta import FakeGraph
from tests.whole_app import owner_app_of

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("BROWSER_ARTIFACTS") or Path(__file__).resolve().parent / "artifacts")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHART = ROOT / "node_modules" / "chart.js" / "dist" / "chart.umd.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
SERIOUS = ("serious", "critical")


def _missing() -> str:
    if importlib.util.find_spec("playwright") is None:
        return "Playwright is not installed (pip install -r requirements.txt)"
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        return f"Chromium is not installed at {CHROMIUM} (apt-get install -y chromium)"
    if not AXE.exists() or not CHART.exists():
        return "the npm packages are not installed (npm ci --ignore-scripts)"
    return ""


MISSING = _missing()
EXECUTABLE = CHROMIUM if Path(CHROMIUM).exists() else (shutil.which("chromium") or CHROMIUM)
pytestmark = pytest.mark.skipif(bool(MISSING), reason=f"browser tests skipped: {MISSING}")

# Recorded in every page before its own scripts: policy violations (none may happen).
WATCH_CSP = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline'));
});
"""


@dataclass
class Site:
    """The platform on a local port, the fake Graph API behind it, and its in-process test client."""

    url: str
    graph: FakeGraph
    client: Any
    app: Any


@pytest.fixture
async def site(aiohttp_server, aiohttp_client, make_settings, redis) -> Site:  # noqa: ARG001 # requested for what it sets up
    from dashboard.context import DASHBOARD
    from dashboard.passwords import Passwords
    from tests.whole_app import create_app

    fake = FakeGraph()
    graph_server = await aiohttp_server(fake.app())
    app = create_app(make_settings(graph_api_url=str(graph_server.make_url("/v21.0"))))
    client = await aiohttp_client(app)
    owner_app_of(app)[DASHBOARD].passwords = Passwords(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    return Site(url=str(client.make_url("")).rstrip("/"), graph=fake, client=client, app=app)


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=EXECUTABLE, args=CHROMIUM_ARGS)
        yield launched
        await launched.close()


@dataclass
class Visit:
    """One viewport's browsing: checks and screenshots every page it is asked to."""

    page: Any
    viewport: str
    test: str
    shots: list[Path] = field(default_factory=list)

    async def check(self, name: str) -> None:
        """The page as an owner sees it: no policy violation, no sideways scrolling, no serious accessibility
        problem; and a screenshot of it kept as a test artifact."""
        page = self.page
        await page.wait_for_load_state("load")
        shot = ARTIFACTS / f"{self.test}-{self.viewport}-{name}.png"
        await page.screenshot(path=str(shot), full_page=True)
        self.shots.append(shot)
        violations = await page.evaluate("window.__csp || []")
        assert violations == [], f"{name}: content security policy violations {violations}"
        width = VIEWPORTS[self.viewport]["width"]
        scroll = await page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, f"{name}: the page scrolls sideways at {width} px ({scroll} px wide)"
        found = await page.evaluate("""async () => {
            const result = await axe.run(document, { resultTypes: ['violations'] });
            return result.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
                                                  nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')) }));
        }""")
        serious = [v for v in found if v["impact"] in SERIOUS]
        assert serious == [], f"{name} at {self.viewport}: accessibility problems {serious}"


@pytest.fixture
def open_visit(browser, request):
    contexts: list[Any] = []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    async def start(viewport: str) -> Visit:
        context = await browser.new_context(viewport=VIEWPORTS[viewport], locale="en-US")
        await context.add_init_script(WATCH_CSP)
        await context.add_init_script(path=str(AXE))
        contexts.append(context)
        page = await context.new_page()
        page.set_default_timeout(15_000)
        test = re.sub(r"[^A-Za-z0-9]+", "-", request.node.originalname.removeprefix("test_")).strip("-")
        return Visit(page=page, viewport=viewport, test=test)

    yield start
