"""`/api/knowledge/*`: uploading documents, listing and removing them, and seeing what the bot would retrieve."""

from __future__ import annotations

from typing import Any

from aiohttp import BodyPartReader, web
from aiohttp.multipart import parse_content_disposition

from dashboard.context import services, tenant_id
from dashboard.errors import ApiError, not_found
from knowledge.documents import add_document, delete_document, list_documents
from knowledge.extraction import MAX_DOCUMENT_BYTES
from knowledge.models import Amount, Campaign, CatalogFacts, DocumentInfo, Platform, minor_digits

routes = web.RouteTableDef()

PLATFORMS = [p.value for p in Platform]
MAX_PASSAGES = 20
READ_CHUNK = 64 * 1024


async def _read_capped(read_chunk: Any) -> bytes:
    """Read a stream up to one byte past the document limit: enough for the size check to refuse it."""
    data = bytearray()
    while len(data) <= MAX_DOCUMENT_BYTES:
        chunk = await read_chunk(READ_CHUNK)
        if not chunk:
            break
        data.extend(chunk)
    return bytes(data[: MAX_DOCUMENT_BYTES + 1])


async def _multipart_file(request: web.Request) -> tuple[str, str, bytes]:
    reader = await request.multipart()
    async for part in reader:
        if isinstance(part, BodyPartReader) and part.name == "file":
            data = await _read_capped(part.read_chunk)
            return part.filename or "", part.headers.get("Content-Type", ""), data
    raise ApiError(400, "missing_file", "send the document in the multipart field 'file'", {"file": "required"})


async def _raw_file(request: web.Request) -> tuple[str, str, bytes]:
    filename = request.query.get("filename", "")
    if not filename and (disposition := request.headers.get("Content-Disposition")):
        _, params = parse_content_disposition(disposition)
        filename = params.get("filename", "")
    return filename, request.headers.get("Content-Type", ""), await _read_capped(request.content.read)


def _document(info: DocumentInfo) -> dict[str, Any]:
    return info.model_dump(mode="json", exclude={"tenant_id"})


@routes.post("/api/knowledge/documents")
async def upload(request: web.Request) -> web.Response:
    if request.content_type.startswith("multipart/"):
        filename, content_type, data = await _multipart_file(request)
    else:
        filename, content_type, data = await _raw_file(request)
    info = await add_document(services(request).db, tenant_id(request), filename, content_type, data)
    return web.json_response(_document(info), status=201)


@routes.get("/api/knowledge/documents")
async def list_all(request: web.Request) -> web.Response:
    documents = await list_documents(services(request).db, tenant_id(request))
    return web.json_response({"documents": [_document(d) for d in documents]})


@routes.delete("/api/knowledge/documents/{id}")
async def remove(request: web.Request) -> web.Response:
    if not await delete_document(services(request).db, tenant_id(request), request.match_info["id"]):
        raise not_found("document")
    return web.json_response({"deleted": True})


def _major(minor: int, currency: str) -> float:
    # An amount written without a currency is kept as value*100.
    return minor / 10 ** (minor_digits(currency) if currency else 2)


def _product(campaign: Campaign) -> dict[str, Any]:
    product = campaign.product
    entry: dict[str, Any] = {
        "campaign_id": campaign.id,
        "campaign": campaign.name,
        "name": product.name,
        "price": product.price,
        "currency": product.currency,
        "target_platform": campaign.target_platform.value,
        "features": list(product.features),
    }
    if product.cta_url:
        entry["call_to_action_url"] = product.cta_url
    return entry


def _amount(amount: Amount) -> dict[str, Any]:
    return {"amount": _major(amount.minor, amount.currency), "currency": amount.currency, "text": amount.raw}


def facts_to_api(platform_name: str, facts: list[CatalogFacts]) -> dict[str, Any]:
    """Facts of one platform, or of several merged (the owner's view across platforms)."""
    products: dict[str, dict[str, Any]] = {}
    amounts: dict[tuple[int, str], dict[str, Any]] = {}
    percentages: set[float] = set()
    names: dict[str, None] = {}
    for item in facts:
        for campaign in item.products:
            products.setdefault(campaign.id, _product(campaign))
        for amount in item.document_amounts:
            amounts.setdefault((amount.minor, amount.currency), _amount(amount))
        percentages.update(item.percentages)
        names.update(dict.fromkeys(item.all_product_names))
    return {
        "platform": platform_name,
        "products": list(products.values()),
        "amounts": list(amounts.values()),
        "percentages": sorted(percentages),
        "all_product_names": list(names),
    }


def _k(request: web.Request) -> int:
    raw = request.query.get("k", "5")
    try:
        k = int(raw)
    except ValueError:
        k = 0
    if not 1 <= k <= MAX_PASSAGES:
        raise ApiError(422, "invalid", "k is out of range", {"k": f"must be a whole number from 1 to {MAX_PASSAGES}"})
    return k


@routes.get("/api/knowledge/search")
async def search(request: web.Request) -> web.Response:
    query = request.query.get("q", "").strip()
    if not query:
        raise ApiError(400, "missing_query", "say what to search for with ?q=", {"q": "required"})
    channel = request.query.get("platform", "").strip() or None
    if channel is not None and channel not in PLATFORMS:
        raise ApiError(422, "invalid", "unknown platform", {"platform": "must be one of " + ", ".join(PLATFORMS)})
    k = _k(request)
    p, tenant = services(request), tenant_id(request)
    passages = await p.knowledge.search(p.db, tenant, query, k=k, platform=channel)
    facts = [await p.knowledge.catalog_facts(p.db, tenant, name) for name in ([channel] if channel else PLATFORMS)]
    return web.json_response({
        "query": query,
        "passages": [passage.model_dump(mode="json") for passage in passages],
        "facts": facts_to_api(channel or "all", facts),
    })
