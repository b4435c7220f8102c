"""Downloading what a customer sent (a voice note, for now) from Meta, within a size limit.

Messenger's and Instagram's attachments carry a CDN URL that expires and needs no token. WhatsApp's carry a media id:
`GET {GRAPH_API_URL}/{media-id}` with the number's bearer token answers the file's URL, which is fetched with the same
bearer header and is valid for five minutes. The body is read in pieces and refused as soon as it passes the limit,
so an oversized file is never held whole in memory. Neither URL nor token is ever logged.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import aiohttp

from channels.graph import GraphClient, GraphError
from channels.parsing import as_str

log = logging.getLogger(__name__)

DOWNLOAD_TIMEOUT_S = 60.0
_PIECE = 64 * 1024


class MediaError(Exception):
    """The media could not be had; `reason` is a short key the owner's words and the tests read."""

    reason = "unavailable"


class MediaUnavailable(MediaError):
    """Meta would not give it (expired URL or id, refused token, network failure)."""


class MediaTooLarge(MediaError):
    reason = "too_large"

    def __init__(self, limit_bytes: int) -> None:
        super().__init__(f"larger than {limit_bytes} bytes")
        self.limit_bytes = limit_bytes


@dataclass(frozen=True)
class Media:
    data: bytes
    mime_type: str


async def whatsapp_media_url(graph: GraphClient, media_id: str, token: str) -> tuple[str, str, int]:
    """The download URL, MIME type and declared size of a WhatsApp media id."""
    try:
        body = await graph.get(f"/{media_id}", token=token, auth="bearer")
    except GraphError as exc:
        raise MediaUnavailable(f"media lookup failed: {type(exc).__name__}") from exc
    url = as_str(body.get("url"))
    if not url:
        raise MediaUnavailable("media lookup answered no URL")
    size = body.get("file_size")
    return url, as_str(body.get("mime_type")), size if isinstance(size, int) else 0


async def download(session: aiohttp.ClientSession, url: str, *, limit_bytes: int, token: str = "", mime_type: str = "") -> Media:
    """The file at `url` (with a bearer token when given), refused past `limit_bytes` while it streams."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        async with session.get(url, headers=headers, timeout=aiohttp.ClientTimeout(total=DOWNLOAD_TIMEOUT_S)) as response:
            if response.status != 200:
                raise MediaUnavailable(f"download answered HTTP {response.status}")
            declared = response.content_length
            if declared is not None and declared > limit_bytes:
                raise MediaTooLarge(limit_bytes)
            pieces: list[bytes] = []
            size = 0
            async for piece in response.content.iter_chunked(_PIECE):
                size += len(piece)
                if size > limit_bytes:
                    raise MediaTooLarge(limit_bytes)
                pieces.append(piece)
            kind = mime_type or response.headers.get("Content-Type", "")
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise MediaUnavailable(f"download failed: {type(exc).__name__}") from exc
    return Media(b"".join(pieces), kind.split(";")[0].strip() or "application/octet-stream")


async def fetch_customer_media(
    session: aiohttp.ClientSession,
    graph: GraphClient,
    *,
    url: str,
    media_id: str,
    token: str,
    limit_bytes: int,
    mime_type: str = "",
) -> Media:
    """A page attachment's file by its URL, or a WhatsApp media id's file through the Graph lookup."""
    if url:
        return await download(session, url, limit_bytes=limit_bytes, mime_type=mime_type)
    if not media_id:
        raise MediaUnavailable("no URL and no media id")
    found_url, found_type, declared = await whatsapp_media_url(graph, media_id, token)
    if declared > limit_bytes:
        raise MediaTooLarge(limit_bytes)
    return await download(session, found_url, limit_bytes=limit_bytes, token=token, mime_type=mime_type or found_type)
