"""One tenant's PDFs never stall another tenant: the bomb is refused, and a login is answered while PDFs are read."""

from __future__ import annotations

import asyncio

from aiohttp.test_utils import TestClient

from knowledge.pdf_sandbox import sandbox
from tests.dashboard.conftest import SignedUp, platform_of
from tests.knowledge.pdf_bombs import decompression_bomb, text_operators_pdf

PDF = {"Content-Type": "application/pdf"}


async def upload(api: TestClient, who: SignedUp, data: bytes, name: str = "catalog.pdf"):
    return await api.post(f"/api/knowledge/documents?filename={name}", data=data, headers={**who.auth, **PDF})


async def test_a_decompression_bomb_gets_a_422_and_stores_nothing(api: TestClient, owner: SignedUp) -> None:
    response = await upload(api, owner, decompression_bomb())
    assert response.status == 422
    error = (await response.json())["error"]
    assert error["code"] == "pdf_too_large_unpacked" and "512 MB" in error["message"]
    db = platform_of(api).db
    assert await db.documents.count_documents({}) == 0 and await db.chunks.count_documents({}) == 0


async def test_another_tenant_logs_in_while_six_heavy_pdfs_are_read(api: TestClient, owner: SignedUp, rival: SignedUp) -> None:
    uploads = [asyncio.ensure_future(upload(api, owner, text_operators_pdf(), f"heavy{n}.pdf")) for n in range(6)]
    pdfs = sandbox()
    await pdfs.wait_until_reading(2)  # both of the sandbox's places are taken by the heavy PDFs
    response = await api.post("/api/login", json={"email": rival.email, "password": rival.password})
    assert response.status == 200
    assert pdfs.reading > 0 and not all(task.done() for task in uploads)  # answered while the PDFs were still being read
    for task in uploads:  # the owner gives up on them; the server stops their readers when it closes
        task.cancel()
