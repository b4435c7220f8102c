"""`/api/knowledge/*`: uploading documents, listing and removing them, and seeing what the bot would retrieve."""

from __future__ import annotations

from typing import Any

from aiohttp import BodyPartReader, web
from aiohttp.http_exceptions import HttpProcessingError
from aiohttp.multipart import parse_content_disposition

from dashboard.api.operations import ApiRoutes
from dashboard.context import db_of, knowledge_of, tenant_id
from dashboard.errors import not_found
from dashboard.schemas import DeletedOut, DocumentOut, DocumentsOut, SearchOut, SearchQuery, UploadQuery
from knowledge.documents import add_document, delete_document, list_documents
from knowledge.domain_errors import InvalidInput
from knowledge.extraction import MAX_DOCUMENT_BYTES
from knowledge.models import Amount, Campaign, CatalogFacts, DocumentInfo, minor_units
from knowledge.platforms import KNOWN_PLATFORMS

routes = ApiRoutes()

READ_CHUNK = 64 * 1024
BINARY: dict[str, Any] = {"type": "string", "contentMediaType": "application/octet-stream"}
# The document may come as the multipart field `file` or as the raw body; its type is judged by
# add_document (from the declared type, the name and the bytes), which refuses what it cannot read.
UPLOADS: dict[str, dict[str, Any]] = {
    "multipart/form-data": {"type": "object", "properties": {"file": BINARY}, "required": ["file"]},
    "text/plain": {"type": "string"},
    "text/markdown": {"type": "string"},
    "application/pdf": BINARY,
    "application/octet-stream": BINARY,
}


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
    try:
        reader = await request.multipart()
        async for part in reader:
            if isinstance(part, BodyPartReader) and part.name == "file":
                data = await _read_capped(part.read_chunk)
                return part.filename or "", part.headers.get("Content-Type", ""), data
    except (ValueError, AssertionError, HttpProcessingError):  # no boundary, broken part headers, cut short
        raise InvalidInput("bad_multipart", {"file": "unreadable"}) from None
    raise InvalidInput("missing_file", {"file": "required"})


async def _raw_file(request: web.Request, filename: str) -> tuple[str, str, bytes]:
    if not filename and (disposition := request.headers.get("Content-Disposition")):
        _, params = parse_content_disposition(disposition)
        filename = params.get("filename", "")
    return filename, request.headers.get("Content-Type", ""), await _read_capped(request.content.read)


def _document(info: DocumentInfo) -> DocumentOut:
    return DocumentOut.model_validate(info.model_dump(exclude={"tenant_id"}))


@routes.post("/api/knowledge/documents", status=201, uploads=UPLOADS)
async def upload(request: web.Request, query: UploadQuery) -> DocumentOut:
    """Add a document (text, markdown or PDF): the multipart field `file`, or the raw body named by `?filename=`."""
    if request.content_type == "multipart/form-data":
        filename, content_type, data = await _multipart_file(request)
    else:
        filename, content_type, data = await _raw_file(request, query.filename)
    info = await add_document(db_of(request), tenant_id(request), filename, content_type, data)
    return _document(info)


@routes.get("/api/knowledge/documents")
async def list_all(request: web.Request) -> DocumentsOut:
    """Documents of the knowledge base."""
    documents = await list_documents(db_of(request), tenant_id(request))
    return DocumentsOut(documents=[_document(d) for d in documents])


@routes.delete("/api/knowledge/documents/{id}")
async def remove(request: web.Request) -> DeletedOut:
    """Remove a document; the bot stops using it at once."""
    if not await delete_document(db_of(request), tenant_id(request), request.match_info["id"]):
        raise not_found("document")
    return DeletedOut(deleted=True)


def _major(minor: int, currency: str) -> float:
    # An amount written without a currency is kept as value*100.
    return minor / (minor_units(currency) if currency else 100)


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


@routes.get("/api/knowledge/search")
async def search(request: web.Request, query: SearchQuery) -> SearchOut:
    """The passages and catalog facts the bot would use to answer this question."""
    tenant, channel = tenant_id(request), query.platform
    passages = await knowledge_of(request).search(db_of(request), tenant, query.q, k=query.k, platform=channel)
    facts = [
        await knowledge_of(request).catalog_facts(db_of(request), tenant, name)
        for name in ([channel] if channel else KNOWN_PLATFORMS)
    ]
    return SearchOut.model_validate(
        {
            "query": query.q,
            "passages": [passage.model_dump() for passage in passages],
            "facts": facts_to_api(channel or "all", facts),
        }
    )
