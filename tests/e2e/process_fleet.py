"""Many `python -m bot` processes on one MongoDB and one Redis, as production runs them, and the customers' view of it.

Shared by `tests/e2e/test_many_processes.py` (small numbers) and `bench/many_processes.py` (figures). Every web and
worker process is a real `python -m bot serve --no-worker` / `python -m bot worker` in its own process group; the
fake Graph API runs in the caller's event loop and, like Meta, posts the echo of every send it took to a web
port. Customers write in order, a little apart, each message to either web port, and some deliveries come a
second time to the other port (Meta redelivers when it misses an acknowledgement).

What a customer sees is judged from the sends alone (`judge`, a pure function): each send carries its turn's
reference, the turn id is derived from the ids of the messages it answers, so every send is matched to the set
of messages it answered.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import os
import random
import signal
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import aiohttp
import redis.asyncio as aioredis
from aiohttp import web

from bot.conversations.messages import inbound_message_id
from bot.conversations.turn_ids import turn_id_for
from bot.inbound.stream import GROUP
from bot.runtime.embedded import free_port
from bot.runtime.settings import Settings
from channels.outbound import reference_in, split_part_reference
from tests.fakes_meta import FakeGraph, GraphCall

ROOT = Path(__file__).resolve().parents[2]
PAGE_ID = "7100000001"
APP_ID = "111222333"
APP_SECRET = "fleet-app-secret"
CAMPAIGN = {
    "name": "Spring yoga pass",
    "product": {
        "name": "Yoga Pass",
        "description": "Unlimited classes for a month",
        "price": 49.0,
        "currency": "USD",
        "features": ["unlimited classes"],
        "call_to_action_url": "https://example.com/buy",
    },
    "target_platform": "facebook",
    "status": "active",
}
# Questions the catalog answers (a question no source answers would hand the conversation to a person, who then
# answers instead of the bot): one per message of a customer, in this order.
QUESTIONS = ["How much is the Yoga Pass?", "What does the Yoga Pass include?", "Where can I buy the Yoga Pass?"]
SETTING_NAMES = {name.upper() for name in Settings.model_fields}


def signed(body: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    raw = json.dumps(body).encode()
    signature = "sha256=" + hmac.new(APP_SECRET.encode(), raw, hashlib.sha256).hexdigest()
    return raw, {"X-Hub-Signature-256": signature, "Content-Type": "application/json"}


def messenger_delivery(psid: str, mid: str, text: str, sent_ms: int) -> dict[str, Any]:
    item = {"sender": {"id": psid}, "recipient": {"id": PAGE_ID}, "timestamp": sent_ms, "message": {"mid": mid, "text": text}}
    return {"object": "page", "entry": [{"id": PAGE_ID, "time": sent_ms, "messaging": [item]}]}


def echo_delivery(call: GraphCall, message_id: str) -> dict[str, Any]:
    """Meta's echo of a send it took: our app id and the send's metadata come back."""
    message = call.json.get("message") or {}
    now = int(time.time() * 1000)
    echo = {
        "is_echo": True,
        "app_id": int(APP_ID),
        "mid": message_id,
        "text": message.get("text", ""),
        "metadata": message.get("metadata", ""),
    }
    item = {"sender": {"id": PAGE_ID}, "recipient": {"id": call.json["recipient"]["id"]}, "timestamp": now, "message": echo}
    return {"object": "page", "entry": [{"id": PAGE_ID, "time": now, "messaging": [item]}]}


# --- what the customers saw: a pure function of what they wrote and what the Graph API was asked to send -------------


@dataclass(frozen=True)
class Send:
    recipient: str
    reference: str  # the turn's reference the send carried ("" for none)
    at: float  # when the Graph API took it (perf_counter)


@dataclass(frozen=True)
class Verdict:
    messages: int
    answered_once: int
    unanswered: list[str]  # message ids no send answered
    answered_twice: list[str]  # message ids more than one turn answered
    duplicate_sends: int  # sends of a turn (part) that had gone out already
    out_of_order: int  # sends that answered a message older than one an earlier send had answered
    unknown_sends: int  # sends whose reference names no set of the customer's messages
    latencies_s: list[float]  # per answered message: its first post to the send that answered it

    @property
    def perfect(self) -> bool:
        return (
            self.answered_once == self.messages and not self.duplicate_sends and not self.out_of_order and not self.unknown_sends
        )


def turns_of(message_ids: list[str]) -> dict[str, tuple[int, ...]]:
    """Every turn id a customer's messages can make (any non-empty subset), to the positions it answers."""
    turns: dict[str, tuple[int, ...]] = {}
    for size in range(1, len(message_ids) + 1):
        for positions in itertools.combinations(range(len(message_ids)), size):
            turns[turn_id_for([message_ids[p] for p in positions])] = positions
    return turns


def judge(written: dict[str, list[tuple[str, float]]], sends: list[Send]) -> Verdict:
    """`written`: per customer, (message id, first post time) in the order they wrote; `sends` in arrival order."""
    answers: dict[str, int] = {}
    latencies: list[float] = []
    duplicates = out_of_order = unknown = 0
    by_customer: dict[str, list[Send]] = {}
    for send in sends:
        by_customer.setdefault(send.recipient, []).append(send)
    for customer, customer_sends in by_customer.items():
        messages = written.get(customer, [])
        turns = turns_of([message_id for message_id, _ in messages])
        seen_parts: set[str] = set()
        answered_turns: set[str] = set()
        newest = -1
        for send in customer_sends:
            turn_id, _ = split_part_reference(send.reference)
            positions = turns.get(turn_id)
            if positions is None:
                unknown += 1
                continue
            if send.reference in seen_parts:
                duplicates += 1
                continue
            seen_parts.add(send.reference)
            if min(positions) < newest:
                out_of_order += 1
            newest = max(newest, max(positions))
            if turn_id in answered_turns:
                continue  # a further part of a reply already counted
            answered_turns.add(turn_id)
            for position in positions:
                message_id, posted_at = messages[position]
                answers[message_id] = answers.get(message_id, 0) + 1
                latencies.append(send.at - posted_at)
    every = [message_id for messages in written.values() for message_id, _ in messages]
    return Verdict(
        messages=len(every),
        answered_once=sum(1 for m in every if answers.get(m) == 1),
        unanswered=[m for m in every if m not in answers],
        answered_twice=[m for m in every if answers.get(m, 0) > 1],
        duplicate_sends=duplicates,
        out_of_order=out_of_order,
        unknown_sends=unknown,
        latencies_s=latencies,
    )


# --- the processes -------------------------------------------------------------------------------------------------


def process_env(settings: Settings, graph_url: str) -> dict[str, str]:
    """This environment without any platform setting, then the fleet's: every process on the same servers."""
    env = {key: value for key, value in os.environ.items() if key.upper() not in SETTING_NAMES}
    env.update(
        {
            "PYTHONPATH": str(ROOT),
            "MONGODB_URI": settings.mongodb_uri,
            "REDIS_URL": settings.redis_url,
            "MONGODB_DB": settings.mongodb_db,
            "DATA_DIR": str(settings.data_dir),
            "SECRET_KEY": settings.secret_key,
            "META_APP_ID": APP_ID,
            "META_APP_SECRET": APP_SECRET,
            "META_VERIFY_TOKEN": "fleet-verify",
            "GRAPH_API_URL": graph_url,
            "GROQ_API_KEY": "",
            "REPLY_DEBOUNCE_MS": "0",
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


@dataclass
class Process:
    role: str  # "web" or "worker"
    proc: asyncio.subprocess.Process
    log_path: Path
    base: str = ""  # a web process's URL

    def log_tail(self) -> str:
        return self.log_path.read_text(errors="replace")[-2000:]


@dataclass
class Fleet:
    """Web and worker processes on one set of servers; `close()` kills whatever is left, group by group."""

    env: dict[str, str]
    logs: Path
    redis: aioredis.Redis
    processes: list[Process] = field(default_factory=list)

    async def _start(self, role: str, args: list[str], base: str = "") -> Process:
        log_path = self.logs / f"{role}{len(self.processes)}.log"
        with log_path.open("wb") as log_file:
            proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                *args,
                cwd=str(ROOT),
                env=self.env,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log_file,
                stderr=asyncio.subprocess.STDOUT,
                start_new_session=True,
            )
        process = Process(role, proc, log_path, base)
        self.processes.append(process)
        return process

    async def add_webs(self, count: int) -> list[Process]:
        webs = []
        for _ in range(count):
            port = free_port()
            webs.append(await self._start("web", ["serve", "--no-worker", "--port", str(port)], f"http://127.0.0.1:{port}"))
        async with aiohttp.ClientSession() as session:
            for web_process in webs:
                await self._until(partial(_ready, session, web_process.base), web_process, "/readyz ok")
        return webs

    async def add_workers(self, count: int) -> list[Process]:
        """Start `count` workers and wait until every living worker reads the stream."""
        workers = [await self._start("worker", ["worker"]) for _ in range(count)]
        alive = sum(1 for p in self.processes if p.role == "worker" and p.proc.returncode is None)

        async def reading() -> bool:
            return await self._readers() >= alive

        await self._until(reading, workers[-1], f"{alive} workers reading the stream")
        return workers

    async def _readers(self) -> int:
        """Connections waiting in XREADGROUP: one per worker (its read loop; Redis creates a group's consumer only
        once it got something, so the group cannot tell an idle worker)."""
        return sum(1 for client in await self.redis.client_list() if client.get("cmd") == "xreadgroup")

    async def _until(self, check: Callable[[], Awaitable[bool]], process: Process, what: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not await check():
            if process.proc.returncode is not None:
                raise RuntimeError(f"{process.role} exited ({process.proc.returncode}) before {what}:\n{process.log_tail()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"no {what} within {timeout:.0f} s:\n{process.log_tail()}")
            await asyncio.sleep(0.1)

    async def all_workers_hold_deliveries(self, timeout: float) -> bool:
        """Wait until every living worker holds a delivery it has not acknowledged yet (so the one killed next
        surely leaves some behind); False when that did not happen in time."""
        alive = sum(1 for p in self.processes if p.role == "worker" and p.proc.returncode is None)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            summary = await self.redis.xpending("inbound", GROUP)
            if len([c for c in summary.get("consumers") or [] if int(c["pending"])]) >= alive:
                return True
            await asyncio.sleep(0.02)
        return False

    async def kill(self, process: Process) -> None:
        """SIGKILL: no shutdown code runs, whatever the process held stays claimed."""
        process.proc.send_signal(signal.SIGKILL)
        await process.proc.wait()

    async def close(self) -> None:
        for process in self.processes:
            if process.proc.returncode is None:
                try:
                    os.killpg(process.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                await process.proc.wait()


async def _ready(session: aiohttp.ClientSession, base: str) -> bool:
    try:
        async with session.get(f"{base}/readyz") as response:
            return response.status == 200
    except aiohttp.ClientError:
        return False


# --- one run --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shape:
    webs: int
    workers: int
    customers: int
    messages_each: int = len(QUESTIONS)
    redelivered_share: float = 0.3  # deliveries Meta sends a second time, to the other web port
    gap_s: float = 0.4  # between one customer's messages
    graph_delay_s: float = 0.3  # how long the Graph API takes to answer a send (it took the send at once)
    kill_and_add: bool = True  # one worker killed (SIGKILL) a third of the way in, one added
    # Customers whose one message each is answered before the measured ones: the processes load their language
    # models as they start, and a measurement should not be of that.
    warm_up_customers: int = 0
    timeout_s: float = 90.0


@dataclass
class Run:
    verdict: Verdict
    deliveries: int  # webhook posts, redeliveries included
    seconds: float
    killed_holding: bool  # the killed worker held deliveries it had not finished


class GraphStandIn:
    """The fake Graph API on a port of its own, noting each send's reference and arrival, echoing to a web port."""

    def __init__(self, delay_s: float) -> None:
        self.fake = FakeGraph(delay_s=delay_s)
        self.sends: list[Send] = []
        self.echo_urls: list[str] = []
        self._session: aiohttp.ClientSession | None = None
        self.fake.on_send = self._on_send

    async def _on_send(self, call: GraphCall, message_id: str) -> None:
        message = call.json.get("message") or {}
        self.sends.append(Send(call.json["recipient"]["id"], reference_in(message.get("metadata", "")), time.perf_counter()))
        if self._session is not None and self.echo_urls:
            raw, headers = signed(echo_delivery(call, message_id))
            # Meta delivers the echo later, on its own; the send's answer never waits for it.
            asyncio.get_running_loop().create_task(self._post_echo(random.choice(self.echo_urls), raw, headers))

    async def _post_echo(self, url: str, raw: bytes, headers: dict[str, str]) -> None:
        assert self._session is not None
        try:
            async with self._session.post(url, data=raw, headers=headers) as response:
                await response.read()
        except aiohttp.ClientError:
            pass  # an echo is a courtesy: nothing depends on it arriving

    async def start(self, stack: list[Callable[[], Awaitable[None]]]) -> str:
        self._session = aiohttp.ClientSession()
        runner = web.AppRunner(self.fake.app(), access_log=None)
        await runner.setup()
        port = free_port()
        await web.TCPSite(runner, "127.0.0.1", port, backlog=1024).start()
        stack.append(runner.cleanup)
        stack.append(self._session.close)
        return f"http://127.0.0.1:{port}/v21.0"


async def seed(session: aiohttp.ClientSession, base: str, redis: aioredis.Redis, customers: list[str]) -> None:
    response = await session.post(
        f"{base}/api/signup",
        json={
            "email": f"fleet-{uuid.uuid4().hex[:8]}@example.com",
            "password": "correct horse battery",
            "business_name": "Sunrise Yoga",
        },
    )
    assert response.status == 201, await response.text()
    headers = {"Authorization": f"Bearer {(await response.json())['api_token']}"}
    response = await session.post(f"{base}/api/campaigns", json=CAMPAIGN, headers=headers)
    assert response.status == 201, await response.text()
    response = await session.post(
        f"{base}/api/channels",
        json={"platform": "facebook", "account_id": PAGE_ID, "access_token": "EAAfleet-page-token-123456"},
        headers=headers,
    )
    assert response.status == 201, await response.text()
    for psid in customers:  # names known already: no profile read reaches the Graph API
        await redis.set(f"profile:facebook:{PAGE_ID}:{psid}", "Pat", ex=3600)


async def _warm_up(session: aiohttp.ClientSession, graph: GraphStandIn, webs: list[Process], customers: int) -> None:
    for index in range(customers):
        raw, headers = signed(
            messenger_delivery(f"79{index:08d}", f"m_{uuid.uuid4().hex}", QUESTIONS[0], int(time.time() * 1000))
        )
        async with session.post(f"{webs[index % len(webs)].base}/webhooks/messenger", data=raw, headers=headers) as response:
            assert response.status == 200, response.status
    deadline = time.monotonic() + 60
    while len({send.recipient for send in graph.sends}) < customers:
        if time.monotonic() > deadline:
            raise RuntimeError("the warm-up messages were not answered within 60 s")
        await asyncio.sleep(0.1)


async def drained(redis: aioredis.Redis) -> bool:
    """Every accepted delivery handled and acknowledged, and no conversation lock held."""
    if await redis.xlen("inbound"):
        return False
    groups = await redis.xinfo_groups("inbound") if await redis.exists("inbound") else []
    if any(int(group.get("pending", 0)) for group in groups):
        return False
    return not await redis.keys("lock:conversation:*")


async def run(settings: Settings, shape: Shape, logs: Path) -> Run:
    """Start the fleet, let the customers write, wait until every message is answered (or the time is up)."""
    cleanups: list[Callable[[], Awaitable[None]]] = []
    redis = aioredis.Redis.from_url(settings.redis_url, decode_responses=True)
    cleanups.append(redis.aclose)
    try:
        graph = GraphStandIn(shape.graph_delay_s)
        graph_url = await graph.start(cleanups)
        fleet = Fleet(process_env(settings, graph_url), logs, redis)
        cleanups.append(fleet.close)
        webs = await fleet.add_webs(shape.webs)
        workers = await fleet.add_workers(shape.workers)
        graph.echo_urls = [f"{w.base}/webhooks/messenger" for w in webs]
        customers = [f"70{i:06d}{uuid.uuid4().int % 10_000:04d}" for i in range(shape.customers)]
        session = aiohttp.ClientSession()
        cleanups.append(session.close)
        await seed(session, webs[0].base, redis, customers + [f"79{i:08d}" for i in range(shape.warm_up_customers)])
        return await _drive(session, fleet, graph, webs, workers, customers, shape)
    finally:
        for cleanup in reversed(cleanups):
            await cleanup()


async def _drive(
    session: aiohttp.ClientSession,
    fleet: Fleet,
    graph: GraphStandIn,
    webs: list[Process],
    workers: list[Process],
    customers: list[str],
    shape: Shape,
) -> Run:
    written: dict[str, list[tuple[str, float]]] = {psid: [] for psid in customers}
    deliveries = 0
    total = shape.customers * shape.messages_each
    third_in = asyncio.Event()
    chooser = random.Random(7)

    async def post(url: str, raw: bytes, headers: dict[str, str]) -> None:
        nonlocal deliveries
        for _ in range(50):  # a web process answers 503 when Redis could not take it: Meta retries
            async with session.post(url, data=raw, headers=headers) as response:
                if response.status == 200:
                    deliveries += 1
                    return
            await asyncio.sleep(0.2)
        raise AssertionError(f"{url} never took a delivery")

    async def customer(index: int, psid: str) -> None:
        await asyncio.sleep(index * shape.gap_s / shape.customers)  # customers start apart, as people do
        for k in range(shape.messages_each):
            mid = f"m_{uuid.uuid4().hex}"
            raw, headers = signed(messenger_delivery(psid, mid, QUESTIONS[k % len(QUESTIONS)], int(time.time() * 1000)))
            first, other = chooser.sample(webs, 2) if len(webs) > 1 else (webs[0], webs[0])
            written[psid].append((inbound_message_id("facebook", PAGE_ID, mid), time.perf_counter()))
            await post(f"{first.base}/webhooks/messenger", raw, headers)
            if chooser.random() < shape.redelivered_share:
                await post(f"{other.base}/webhooks/messenger", raw, headers)
            if sum(len(m) for m in written.values()) >= total // 3:
                third_in.set()
            await asyncio.sleep(shape.gap_s)

    killed_holding = False

    async def kill_one_add_one() -> None:
        nonlocal killed_holding
        await third_in.wait()
        killed_holding = await fleet.all_workers_hold_deliveries(timeout=20)
        await fleet.kill(workers[0])
        await fleet.add_workers(1)

    await _warm_up(session, graph, webs, shape.warm_up_customers)
    graph.sends.clear()  # the warm-up's replies are no customer's
    started = time.perf_counter()
    tasks = [customer(i, psid) for i, psid in enumerate(customers)]
    if shape.kill_and_add:
        tasks.append(kill_one_add_one())
    await asyncio.gather(*tasks)

    deadline = time.monotonic() + shape.timeout_s
    while time.monotonic() < deadline:
        if not judge(written, graph.sends).unanswered and await drained(fleet.redis):
            break
        await asyncio.sleep(0.2)
    seconds = time.perf_counter() - started
    # Anything sent twice would have gone out by now: the retries of a killed worker's deliveries come once its
    # liveness key and conversation locks expired, and they are all acknowledged.
    await asyncio.sleep(1.0)
    return Run(judge(written, list(graph.sends)), deliveries, seconds, killed_holding)
