"""Documents: upload (multipart and raw), listing, removal, search, and refusal of bad files."""

from __future__ import annotations

import aiohttp
from aiohttp.test_utils import TestClient

from tests.dashboard.conftest import SignedUp, platform_of

RETURNS = b"# Returns\n\nUnworn shoes can be returned within 30 days for a full refund. Shipping costs $5.\n"


def tiny_pdf(text: str) -> bytes:
    """A one-page PDF whose page shows `text`, built by hand so the test needs no PDF writer."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def multipart(data: bytes, filename: str, content_type: str) -> aiohttp.FormData:
    form = aiohttp.FormData()
    form.add_field("file", data, filename=filename, content_type=content_type)
    return form


async def documents_of(api: TestClient, who: SignedUp) -> list[dict]:
    return (await (await api.get("/api/knowledge/documents", headers=who.auth)).json())["documents"]


async def test_multipart_upload_is_listed_and_searchable(api: TestClient, owner: SignedUp) -> None:
    response = await api.post(
        "/api/knowledge/documents", data=multipart(RETURNS, "returns.md", "text/markdown"), headers=owner.auth
    )
    assert response.status == 201
    info = await response.json()
    assert info["filename"] == "returns.md"
    assert info["content_type"] == "text/markdown"
    assert info["size_bytes"] == len(RETURNS) and info["chunks"] >= 1
    assert "tenant_id" not in info
    assert [d["id"] for d in await documents_of(api, owner)] == [info["id"]]

    found = await (
        await api.get("/api/knowledge/search", params={"q": "can I return shoes for a refund?"}, headers=owner.auth)
    ).json()
    assert found["passages"][0]["source"] == f"document:{info['id']}"
    assert "30 days" in found["passages"][0]["text"]
    assert {"amount": 5.0, "currency": "USD"}.items() <= found["facts"]["amounts"][0].items()


async def test_raw_uploads_take_the_name_from_query_or_header(api: TestClient, owner: SignedUp) -> None:
    by_query = await api.post(
        "/api/knowledge/documents",
        params={"filename": "care.txt"},
        data=b"Polish the leather monthly with beeswax.",
        headers={**owner.auth, "Content-Type": "text/plain"},
    )
    assert by_query.status == 201
    assert (await by_query.json())["filename"] == "care.txt"
    by_header = await api.post(
        "/api/knowledge/documents",
        data=tiny_pdf("Warranty covers stitching for two years"),
        headers={**owner.auth, "Content-Type": "application/pdf", "Content-Disposition": 'attachment; filename="warranty.pdf"'},
    )
    assert by_header.status == 201, await by_header.text()
    assert (await by_header.json())["filename"] == "warranty.pdf"
    assert {d["filename"] for d in await documents_of(api, owner)} == {"care.txt", "warranty.pdf"}
    found = await (await api.get("/api/knowledge/search", params={"q": "warranty stitching"}, headers=owner.auth)).json()
    assert "two years" in found["passages"][0]["text"]


async def test_bad_files_are_refused_and_leave_nothing(api: TestClient, owner: SignedUp) -> None:
    attempts = [
        multipart(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "photo.png", "image/png"),  # unsupported type
        multipart(b"", "empty.txt", "text/plain"),  # empty
        multipart(b"%PDF-1.4 broken", "broken.pdf", "application/pdf"),  # unreadable PDF
        multipart(b"\xff\xfe\x00bad", "latin.txt", "text/plain"),  # not text
    ]
    for form in attempts:
        response = await api.post("/api/knowledge/documents", data=form, headers=owner.auth)
        assert 400 <= response.status < 500
        assert "file" in (await response.json())["error"]["fields"]
    no_field = aiohttp.FormData()
    no_field.add_field("other", b"text", filename="a.txt", content_type="text/plain")
    missing = await api.post("/api/knowledge/documents", data=no_field, headers=owner.auth)
    assert missing.status == 400
    too_big = await api.post(
        "/api/knowledge/documents",
        params={"filename": "big.txt"},
        data=b"a" * (10 * 1024 * 1024 + 10),
        headers={**owner.auth, "Content-Type": "text/plain"},
    )
    assert too_big.status == 413
    assert await documents_of(api, owner) == []
    db = platform_of(api).db
    assert await db.documents.count_documents({}) == 0
    assert await db.chunks.count_documents({}) == 0


async def test_delete_removes_it_from_search(api: TestClient, owner: SignedUp) -> None:
    info = await (
        await api.post("/api/knowledge/documents", data=multipart(RETURNS, "returns.md", "text/markdown"), headers=owner.auth)
    ).json()
    assert (await api.delete(f"/api/knowledge/documents/{info['id']}", headers=owner.auth)).status == 200
    assert await documents_of(api, owner) == []
    found = await (await api.get("/api/knowledge/search", params={"q": "refund returned"}, headers=owner.auth)).json()
    assert found["passages"] == []
    assert (await api.delete(f"/api/knowledge/documents/{info['id']}", headers=owner.auth)).status == 404


async def test_documents_are_per_tenant(api: TestClient, owner: SignedUp, rival: SignedUp) -> None:
    info = await (
        await api.post("/api/knowledge/documents", data=multipart(RETURNS, "returns.md", "text/markdown"), headers=owner.auth)
    ).json()
    assert (await api.delete(f"/api/knowledge/documents/{info['id']}", headers=rival.auth)).status == 404
    assert await documents_of(api, rival) == []
    found = await (
        await api.get("/api/knowledge/search", params={"q": "refund returned within 30 days"}, headers=rival.auth)
    ).json()
    assert found["passages"] == [] and found["facts"]["amounts"] == []
    assert len(await documents_of(api, owner)) == 1


async def test_search_needs_a_query(api: TestClient, owner: SignedUp) -> None:
    response = await api.get("/api/knowledge/search", headers=owner.auth)
    assert response.status == 400
    assert list((await response.json())["error"]["fields"]) == ["q"]
    bad_platform = await api.get("/api/knowledge/search", params={"q": "x", "platform": "tiktok", "k": "99"}, headers=owner.auth)
    assert bad_platform.status == 400
    assert set((await bad_platform.json())["error"]["fields"]) == {"platform", "k"}


async def test_search_facts_show_prices_in_major_units_per_platform(api: TestClient, owner: SignedUp) -> None:
    campaign = {
        "name": "Boots",
        "product": {"name": "Hiker", "price": 89.5, "currency": "USD"},
        "target_platform": "whatsapp",
        "status": "active",
    }
    assert (await api.post("/api/campaigns", json=campaign, headers=owner.auth)).status == 201
    everywhere = await (await api.get("/api/knowledge/search", params={"q": "Hiker price"}, headers=owner.auth)).json()
    assert [(p["name"], p["price"], p["currency"]) for p in everywhere["facts"]["products"]] == [("Hiker", 89.5, "USD")]
    assert "89.50" in everywhere["passages"][0]["text"]
    on_messenger = await (
        await api.get("/api/knowledge/search", params={"q": "Hiker price", "platform": "facebook"}, headers=owner.auth)
    ).json()
    assert on_messenger["facts"]["products"] == [] and on_messenger["passages"] == []
