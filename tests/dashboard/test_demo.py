"""The demo business: seeded once however often the demo starts, with history that agrees with its counters."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from aiohttp.test_utils import TestClient

from dashboard.context import DASHBOARD
from dashboard.demo import DEMO_EMAIL, DEMO_PASSWORD, seed_demo
from tests.dashboard.conftest import platform_of
from tests.whole_app import owner_app_of

ROOT = Path(__file__).resolve().parents[2]


async def test_demo_history_is_seeded_once_and_agrees_with_the_counters(api: TestClient) -> None:
    services, passwords = platform_of(api), owner_app_of(api.app)[DASHBOARD].passwords
    tenant_id = await seed_demo(services.db, services.cipher, passwords)
    db = services.db
    conversations = await db.conversations.count_documents({"tenant_id": tenant_id})
    messages = await db.messages.count_documents({"tenant_id": tenant_id})
    assert conversations >= 60 and messages > conversations

    assert await seed_demo(services.db, services.cipher, passwords) == tenant_id  # a second start adds nothing
    assert await db.conversations.count_documents({"tenant_id": tenant_id}) == conversations
    assert await db.messages.count_documents({"tenant_id": tenant_id}) == messages

    rows = [row async for row in db.daily_counters.find({"tenant_id": tenant_id})]
    inbound = await db.messages.count_documents({"tenant_id": tenant_id, "direction": "in"})
    assert sum(row.get("messages_in", 0) for row in rows) == inbound
    assert sum(row.get(f"in_h{hour:02d}", 0) for row in rows for hour in range(24)) == inbound
    assert sum(row.get("conversations", 0) for row in rows) == conversations
    assert sum(row.get("conversions", 0) for row in rows) == await db.conversions.count_documents({"tenant_id": tenant_id})
    assert {row["platform"] for row in rows} == {"facebook", "instagram", "whatsapp"}
    stages = {doc["stage"] async for doc in db.leads.find({"tenant_id": tenant_id}, {"stage": 1})}
    assert stages == {"new", "engaged", "qualified", "proposal", "converted", "lost"}
    assert await db.conversations.count_documents({"tenant_id": tenant_id, "demo": True}) == conversations

    login = await api.post("/api/login", json={"email": DEMO_EMAIL, "password": DEMO_PASSWORD})
    assert login.status == 200
    dashboard = await (await api.get("/dashboard")).text()
    assert "sample data" in dashboard
    analytics = await (await api.get("/api/analytics")).json()
    assert analytics["totals"]["messages_in"] > 0 and analytics["totals"]["conversions"] > 0
    # Some customers came from the demo's ads, whose spend is entered: the ads page has every figure to show.
    ads = await (await api.get("/api/ads")).json()
    assert len(ads["ads"]) >= 3 and ads["totals"]["conversations"] > 0
    assert ads["totals"]["spend"] > 0 and ads["totals"]["roas"] is not None


def test_demo_on_a_port_in_use_says_so_in_one_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {**os.environ, "DATA_DIR": str(tmp_path / "var"), "LOG_LEVEL": "ERROR"}
        done = subprocess.run(
            [sys.executable, "-m", "bot", "demo", "--port", str(port)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 2
    assert done.stdout == ""  # no URL is printed for a server that does not listen
    assert done.stderr.strip().splitlines() == [
        f"port {port} on 127.0.0.1 is in use: stop what uses it or choose another with --port"
    ]
