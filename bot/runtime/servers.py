"""Where MongoDB and Redis are: the configured URIs, or embedded servers under DATA_DIR.

The first process on a DATA_DIR starts the embedded servers and writes their addresses to
`$DATA_DIR/embedded.json`; a worker started beside it (`python -m bot worker`) with the URIs unset
reads that file and connects to the same servers instead of starting a second pair on one directory.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import time
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path

from bot.runtime.embedded import EmbeddedServer, pid_alive, private_dir, start_mongo, start_redis, supervise, write_private
from bot.runtime.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ServerAddresses:
    mongodb_uri: str
    redis_url: str
    embedded: tuple[EmbeddedServer, ...] = ()


def _shared_embedded(path: Path) -> dict[str, str] | None:
    try:
        record: dict[str, str] = json.loads(path.read_text())  # the pid is a number; read as the log's value only
        owner = int(record["owner_pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if owner != os.getpid() and pid_alive(owner):
        return record
    return None


class NoServersError(SystemExit):
    """A process that may not start embedded servers found none running; one line says what to do."""


async def resolve_servers(
    settings: Settings, stack: AsyncExitStack, *, may_start: bool = True, wait_s: float = 30.0
) -> ServerAddresses:
    """Return the addresses to use, starting embedded servers for what is unset.

    A worker (`may_start=False`) never starts them: it waits for those of a `serve` on the same DATA_DIR,
    so stopping the worker can never take the web process's data away, whichever started first.
    """
    mongodb_uri, redis_url = settings.mongodb_uri, settings.redis_url
    if mongodb_uri and redis_url:
        return ServerAddresses(mongodb_uri, redis_url)

    record_path = settings.data_dir / "embedded.json"
    shared = _shared_embedded(record_path)
    deadline = time.monotonic() + (0 if may_start else wait_s)
    if shared is None and not may_start:
        log.info("waiting for the embedded servers of a serve on this DATA_DIR", extra={"seconds": wait_s})
    while shared is None and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
        shared = _shared_embedded(record_path)
    if shared is None and not may_start:
        raise NoServersError(
            f"no running `python -m bot serve` on DATA_DIR {settings.data_dir}: start it first, or set MONGODB_URI and REDIS_URL"
        )
    if shared is not None:
        log.info("using embedded servers of a running process", extra={"owner_pid": shared["owner_pid"]})
        return ServerAddresses(mongodb_uri or shared["mongodb_uri"], redis_url or shared["redis_url"])

    started: list[EmbeddedServer] = []
    if not mongodb_uri:
        mongo = await start_mongo(settings.data_dir)
        stack.callback(mongo.stop)
        started.append(mongo)
        mongodb_uri = mongo.uri
    if not redis_url:
        redis_server = await start_redis(settings.data_dir)
        stack.callback(redis_server.stop)
        started.append(redis_server)
        redis_url = redis_server.uri
    private_dir(record_path.parent, contents=False)
    write_private(record_path, json.dumps({"owner_pid": os.getpid(), "mongodb_uri": mongodb_uri, "redis_url": redis_url}))
    stack.callback(record_path.unlink, missing_ok=True)
    for server in started:
        log.info("embedded server started", extra={"server": server.name, "seconds": round(server.started_in_s, 3)})
    servers = tuple(started)
    # Registered last, so it stops first: a server being stopped on the way out is not "restarted".
    watcher = asyncio.create_task(supervise(servers), name="embedded-servers")

    async def stop_watching() -> None:
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher

    stack.push_async_callback(stop_watching)
    return ServerAddresses(mongodb_uri, redis_url, servers)
