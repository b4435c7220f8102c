"""Nothing a customer writes is lost or answered twice: crashes, redeliveries, batches, dead letters, bursts."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from aiohttp import web

from bot.conversations import messages as msgs
from bot.conversations.records import InboundState
from bot.inbound.stream import InboundStream
from bot.inbound.worker import Worker
from bot.runtime.engine import build_engine
from bot.runtime.host import SERVICES
from bot.runtime.services import Services, open_services
from bot.runtime.settings import Settings
from channels.graph import GraphClient
from tests.e2e.conftest import (
    PAGE_ID,
    WA_PHONE_ID,
    connect_channel,
    conversation_of,
    eventually,
    messenger_echo,
    messenger_items,
    messenger_text,
    post_webhook,
    queue_state,
    remember_customer,
    seeded_tenant,
    sends_by_recipient,
    settled,
    whatsapp_delivery,
    whatsapp_status,
    whatsapp_value,
)
from tests.fakes_meta import FakeGraph
from tests.whole_app import create_app

ROOT = Path(__file__).resolve().parents[2]
META_500 = (500, {"error": {"message": "An unexpected error has occurred.", "code": 2, "is_transient": True}})


class GatedGraph:
    """The fake Graph behind a gate: the first `let_through` sends pass, later ones wait until `release()`.

    A held request whose sender died meanwhile is dropped unprocessed, as a request that never reached Meta.
    """

    def __init__(self, fake: FakeGraph, let_through: int, *, held_path_end: str = "/messages", answer_held: bool = False) -> None:
        self.fake = fake
        self.let_through = let_through
        self.held_path_end = held_path_end
        self.answer_held = answer_held  # Meta takes the held request at once and only its answer waits
        self.held = 0
        self._released = asyncio.Event()

    def release(self) -> None:
        self._released.set()

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if request.method == "POST" and request.path.endswith(self.held_path_end) and not self._released.is_set():
            if self.let_through > 0:
                self.let_through -= 1
            else:
                taken = await self.fake.handle(request) if self.answer_held else None
                self.held += 1
                while not self._released.is_set():
                    if request.transport is None or request.transport.is_closing():
                        raise ConnectionResetError("the sender is gone")
                    await asyncio.sleep(0.02)
                if taken is not None:
                    return taken
        return await self.fake.handle(request)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self.handle)
        return app


def worker_env(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MONGODB_", "REDIS_", "GROQ_", "META_"))}
    env.update(
        {
            "MONGODB_URI": settings.mongodb_uri,
            "REDIS_URL": settings.redis_url,
            "MONGODB_DB": settings.mongodb_db,
            "SECRET_KEY": settings.secret_key,
            "META_APP_ID": settings.meta_app_id,
            "META_APP_SECRET": settings.meta_app_secret,
            "META_VERIFY_TOKEN": settings.meta_verify_token,
            "GRAPH_API_URL": settings.graph_base,
            "GROQ_API_KEY": "",
            "DATA_DIR": str(settings.data_dir),
            "REPLY_DEBOUNCE_MS": str(settings.reply_debounce_ms),
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


async def start_worker_process(settings: Settings, log_path: Path) -> asyncio.subprocess.Process:
    log_file = log_path.open("wb")
    try:
        return await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "worker",
            cwd=str(ROOT),
            env=worker_env(settings),
            stdout=log_file,
            stderr=asyncio.subprocess.STDOUT,
        )
    finally:
        log_file.close()


@asynccontextmanager
async def quick_worker(
    settings: Settings, *, claim_idle_ms: int = 1000, max_attempts: int = 5, graph_attempts: int = 4
) -> AsyncIterator[tuple[Worker, InboundStream, Services]]:
    """An in-process worker that takes over stale entries after `claim_idle_ms` and retries Graph quickly."""
    async with open_services(settings) as platform:
        platform.graph = GraphClient(platform.http, settings.graph_base, max_attempts=graph_attempts, base_delay_s=0.01)
        inbound = InboundStream(platform.redis, claim_idle_ms=claim_idle_ms, max_attempts=max_attempts)
        engine = build_engine(platform)
        worker = Worker(
            inbound, engine.dispatcher, platform.metrics, name=f"quick-{time.monotonic_ns()}", claim_every_s=0.1, gate=engine.gate
        )
        task = asyncio.create_task(worker.run())
        try:
            yield worker, inbound, platform
        finally:
            await worker.stop()
            try:
                await asyncio.wait_for(task, 10)
            except TimeoutError:
                pass  # handlers stuck on a lock are cancelled with the task


async def inbound_states(client, tenant, customers: list[str]) -> dict[str, list[str]]:
    states: dict[str, list[str]] = {}
    for customer in customers:
        detail = await conversation_of(client, tenant, customer)
        states[customer] = [m["state"] for m in (detail or {}).get("messages", []) if m["direction"] == "in"]
    return states


async def test_worker_killed_mid_stream_loses_and_repeats_nothing(aiohttp_client, aiohttp_server, make_settings, redis, tmp_path):
    fake = FakeGraph()
    gate = GatedGraph(fake, let_through=10)
    graph = await aiohttp_server(gate.app())
    settings = make_settings(graph_api_url=str(graph.make_url("/v21.0")))
    client = await aiohttp_client(create_app(settings, run_worker=False))
    tenant = await seeded_tenant(client)
    customers = [f"PSID_K{i:02d}" for i in range(30)]
    for psid in customers:
        await remember_customer(redis, "facebook", PAGE_ID, psid)
    for i, psid in enumerate(customers):
        await post_webhook(client, "messenger", messenger_text(f"How much is the pass? ({i})", psid=psid))

    victim = await start_worker_process(settings, tmp_path / "victim.log")
    try:
        # Ten replies went out; the rest are on the wire when the worker dies.
        await eventually(lambda: len(fake.sends()) >= 10 and gate.held > 0, timeout=20, what="ten sends and more on the wire")
        await asyncio.sleep(0.5)
        victim.send_signal(signal.SIGKILL)
        await victim.wait()
    finally:
        if victim.returncode is None:
            victim.kill()
            await victim.wait()
    sent_before_kill = len(fake.sends())
    assert sent_before_kill == 10
    await asyncio.sleep(0.2)
    gate.release()

    async with quick_worker(settings, claim_idle_ms=1000):
        try:
            await eventually(lambda: len(fake.sends()) >= len(customers), timeout=25, what="every reply")
        except AssertionError:
            unanswered = sorted(set(customers) - set(sends_by_recipient(fake)))
            locked = await redis.keys("lock:conversation:*")
            dead = await redis.xlen("deadletter")
            raise AssertionError(
                f"{len(unanswered)} of {len(customers)} customers unanswered 25 s after the kill "
                f"({sent_before_kill} answered before it); conversation locks the dead worker still holds: "
                f"{len(locked)} (ttl {await redis.pttl(locked[0]) if locked else 0} ms); "
                f"deliveries dead-lettered meanwhile: {dead}"
            ) from None
        await settled(redis)  # anything sent twice would show up by now

    counts = sends_by_recipient(fake)
    assert counts == {psid: 1 for psid in customers}
    states = await inbound_states(client, tenant, customers)
    assert all(s == ["answered"] for s in states.values()), states
    assert await redis.xlen("inbound") == 0


async def test_redelivered_mid_is_answered_once_alone_after_answer_and_in_a_batch(platform_client, graph, redis):
    fake, _ = graph
    tenant = await seeded_tenant(platform_client)
    for psid in ("PSID_RE", "PSID_OTHER"):
        await remember_customer(redis, "facebook", PAGE_ID, psid)
    same = messenger_text("Is the pass still available?", psid="PSID_RE", mid="m_redelivered")

    await asyncio.gather(*(post_webhook(platform_client, "messenger", same) for _ in range(5)))
    await fake.wait_for_sends(1)
    for _ in range(2):  # Meta redelivers after we already answered
        await post_webhook(platform_client, "messenger", same)
    other = messenger_text("And the price?", psid="PSID_OTHER")["entry"][0]["messaging"][0]
    await post_webhook(platform_client, "messenger", messenger_items(same["entry"][0]["messaging"][0], other))
    await fake.wait_for_sends(2)
    await settled(redis)

    assert sends_by_recipient(fake) == {"PSID_RE": 1, "PSID_OTHER": 1}
    detail = await conversation_of(platform_client, tenant, "PSID_RE")
    assert [m["direction"] for m in detail["messages"]] == ["in", "out"]


async def test_a_turn_whose_reply_was_stored_is_finished_without_a_second_send(platform_client, graph, redis):
    # The state a worker leaves when it dies after sending and storing the reply, before marking the message.
    fake, _ = graph
    tenant = await seeded_tenant(platform_client)
    await remember_customer(redis, "facebook", PAGE_ID, "PSID_HALF")
    body = messenger_text("Do you have mats?", psid="PSID_HALF", mid="m_half_done")
    await post_webhook(platform_client, "messenger", body)
    await fake.wait_for_sends(1)
    db = platform_client.app[SERVICES].db
    await msgs.mark_inbound(
        db, tenant.tenant_id, [msgs.inbound_message_id("facebook", PAGE_ID, "m_half_done")], InboundState.pending
    )

    await post_webhook(platform_client, "messenger", body)  # Meta redelivers; a retry would do the same

    async def finished() -> bool:
        detail = await conversation_of(platform_client, tenant, "PSID_HALF")
        return [m.get("state", "") for m in detail["messages"] if m["direction"] == "in"] == ["answered"]

    await eventually(finished)
    await settled(redis)
    assert sends_by_recipient(fake) == {"PSID_HALF": 1}


@pytest.mark.parametrize("channel", ["messenger", "whatsapp"])
async def test_a_reply_sent_but_never_stored_is_known_from_metas_report_and_not_sent_again(
    platform_client, graph, redis, channel
):
    # A worker dies between Meta's answer and storing the reply: Meta's echo (Messenger) or status (WhatsApp)
    # carries the turn, so the retry that follows knows the customer has the answer.
    fake, _ = graph
    tenant = await seeded_tenant(platform_client)
    if channel == "whatsapp":
        await connect_channel(platform_client, tenant, "whatsapp", WA_PHONE_ID, token="EAAwhatsapp-token-777")
        customer, mid = "15557770000", "wamid.LOST1"
        message = whatsapp_delivery(whatsapp_value([(customer, mid, "Do you have mats?")]))
    else:
        customer, mid = "PSID_LOST", "m_lost_record"
        await remember_customer(redis, "facebook", PAGE_ID, customer)
        message = messenger_text("Do you have mats?", psid=customer, mid=mid)
    await post_webhook(platform_client, channel, message)
    [first] = await fake.wait_for_sends(1)
    reference = first.json.get("biz_opaque_callback_data") or first.json["message"]["metadata"]

    db = platform_client.app[SERVICES].db
    # Meta's answer comes before the reply is stored: wait for the record the crash below takes away.
    reply = await eventually(
        lambda: db.messages.find_one({"tenant_id": tenant.tenant_id, "direction": "out"}), what="the reply stored"
    )
    assert reference == "salesbot:" + reply["turn_id"]
    # The crash: the reply's record was never written, and the customer's message is still waiting for its turn.
    await db.messages.delete_one({"_id": reply["_id"]})
    account_id = WA_PHONE_ID if channel == "whatsapp" else PAGE_ID
    platform_name = "whatsapp" if channel == "whatsapp" else "facebook"
    await msgs.mark_inbound(db, tenant.tenant_id, [msgs.inbound_message_id(platform_name, account_id, mid)], InboundState.pending)

    if channel == "whatsapp":
        report = whatsapp_status(reply["platform_message_id"], customer, "sent", callback_data=reference)
    else:
        report = messenger_echo(reply["text"], customer, app_id="999000", metadata=reference, mid=reply["platform_message_id"])
    await post_webhook(platform_client, channel, report)
    await eventually(lambda: db.messages.find_one({"_id": reply["_id"]}), what="the reply stored from Meta's report")

    await post_webhook(platform_client, channel, message)  # the retry

    async def finished() -> bool:
        stored = await db.messages.find_one({"tenant_id": tenant.tenant_id, "platform_message_id": mid})
        return stored["state"] == "answered"

    await eventually(finished, what="the turn finished")
    await settled(redis)
    assert len(fake.texts()) == 1, fake.texts()


async def test_one_delivery_with_many_customers_answers_each(platform_client, graph, redis):
    fake, _ = graph
    tenant = await seeded_tenant(platform_client)
    await connect_channel(platform_client, tenant, "whatsapp", WA_PHONE_ID)
    psids = ["PSID_B1", "PSID_B2", "PSID_B3"]
    for psid in psids:
        await remember_customer(redis, "facebook", PAGE_ID, psid)
    items = [messenger_text(f"Hi, price please ({p})", psid=p)["entry"][0]["messaging"][0] for p in psids]

    await post_webhook(platform_client, "messenger", messenger_items(*items))
    await post_webhook(
        platform_client,
        "whatsapp",
        whatsapp_delivery(
            whatsapp_value(
                [("15550000001", "wamid.IN_A", "How much is it?"), ("15550000002", "wamid.IN_B", "Do you have classes?")]
            )
        ),
    )
    await fake.wait_for_sends(5)
    await settled(redis)

    assert sends_by_recipient(fake) == {"PSID_B1": 1, "PSID_B2": 1, "PSID_B3": 1, "15550000001": 1, "15550000002": 1}
    states = await inbound_states(platform_client, tenant, [*psids, "15550000001", "15550000002"])
    assert all(s == ["answered"] for s in states.values()), states


async def test_delivery_that_keeps_failing_is_dead_lettered_and_replays(aiohttp_client, graph, make_settings, redis):
    fake, url = graph
    settings = make_settings(graph_api_url=url)
    client = await aiohttp_client(create_app(settings, run_worker=False))
    tenant = await seeded_tenant(client)
    await remember_customer(redis, "facebook", PAGE_ID, "PSID_DL")
    fake.fail_next = [META_500] * 1000  # Graph is down for good

    async with quick_worker(settings, claim_idle_ms=200, max_attempts=2, graph_attempts=2) as (_, inbound, _platform):
        await post_webhook(client, "messenger", messenger_text("Anyone there?", psid="PSID_DL"))
        dead = await eventually(
            inbound.list_dead_letters,
            timeout=60,
            what=f"a dead letter after {len(fake.sends())} sends",
            explain=lambda: queue_state(redis),
        )
        assert len(dead) == 1 and dead[0]["channel"] == "messenger"
        # The operator sees why it died: the family of Graph failure and Meta's code.
        assert "TemporaryFailure: Graph error 2/0 (HTTP 500)" in dead[0]["error"], dead[0]["error"]
        assert await redis.xlen("inbound") == 0

        listing = await _run_cli(settings, "deadletters")
        assert dead[0]["id"] in listing

        fake.fail_next.clear()  # Graph is back
        failed_calls = len(fake.sends())
        assert "replayed" in await _run_cli(settings, "deadletters", "--replay", dead[0]["id"])
        await fake.wait_for_sends(failed_calls + 1)
        await settled(redis)

    assert len(fake.sends()) == failed_calls + 1
    assert await inbound.list_dead_letters() == []
    detail = await conversation_of(client, tenant, "PSID_DL")
    assert [(m["direction"], m.get("state") or m.get("delivery")) for m in detail["messages"]] == [
        ("in", "answered"),
        ("out", "sent"),
    ]


async def _run_cli(settings: Settings, *args: str) -> str:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=str(ROOT),
        env=worker_env(settings),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 0, out.decode()
    return out.decode()


async def test_burst_within_debounce_window_gets_one_reply(aiohttp_client, graph, make_settings, redis):
    fake, url = graph
    client = await aiohttp_client(create_app(make_settings(graph_api_url=url, reply_debounce_ms=300)))
    tenant = await seeded_tenant(client)
    await remember_customer(redis, "facebook", PAGE_ID, "PSID_BURST")
    for text in ("hi", "how much is the yoga pass", "and is the mat included?"):
        await post_webhook(client, "messenger", messenger_text(text, psid="PSID_BURST"))
        await asyncio.sleep(0.05)

    await fake.wait_for_sends(1)
    await settled(redis)
    assert len(fake.sends()) == 1
    detail = await conversation_of(client, tenant, "PSID_BURST")
    assert [m["state"] for m in detail["messages"] if m["direction"] == "in"] == ["answered"] * 3


async def test_a_worker_killed_between_a_comments_private_and_public_reply_sends_the_public_one_once(
    aiohttp_client, aiohttp_server, make_settings, redis, tmp_path
):
    # Imported here: the comment helpers' module brings its own fixtures along.
    from tests.e2e.test_comment_replies import PRIVATE, PUBLIC, comment_campaign, feed_comment, replies_listed

    fake = FakeGraph()
    gate = GatedGraph(fake, let_through=0, held_path_end="/comments")  # the public reply is held on the wire
    graph = await aiohttp_server(gate.app())
    settings = make_settings(graph_api_url=str(graph.make_url("/v21.0")))
    client = await aiohttp_client(create_app(settings, run_worker=False))
    tenant = await seeded_tenant(client, campaign=comment_campaign())
    body, comment_id = feed_comment("what's the price?")
    await post_webhook(client, "messenger", body)

    victim = await start_worker_process(settings, tmp_path / "victim.log")
    try:
        await eventually(
            lambda: fake.private_replies() and gate.held > 0,
            timeout=60,  # a worker process starting on a loaded machine
            what="the private reply sent, the public one on the wire",
            explain=lambda: _calls(fake),
        )
        victim.send_signal(signal.SIGKILL)
        await victim.wait()
    finally:
        if victim.returncode is None:
            victim.kill()
            await victim.wait()
    assert fake.public_replies() == []
    gate.release()

    # The next worker takes the delivery over once the dead one's claim on the public reply runs out.
    async with quick_worker(settings, claim_idle_ms=1000, max_attempts=100):
        await eventually(lambda: fake.public_replies(), timeout=60, what="the public reply after the kill")
        await settled(redis)

    [private] = fake.private_replies()
    assert (private.json["recipient"], private.json["message"]["text"]) == ({"comment_id": comment_id}, PRIVATE)
    [public] = fake.public_replies()
    assert (public.path, public.json) == (f"/v21.0/{comment_id}/comments", {"message": PUBLIC})
    [listed] = await replies_listed(client, tenant)
    assert (listed["state"], listed["public_reply"]) == ("sent", "sent")


async def test_a_public_reply_meta_took_before_its_worker_died_is_not_posted_again(
    aiohttp_client, aiohttp_server, make_settings, redis, tmp_path
):
    from tests.e2e.test_comment_replies import comment_campaign, feed_comment, replies_listed

    fake = FakeGraph(answers_by=PAGE_ID)
    # Meta takes the public reply; its answer never reaches the worker, which dies waiting for it.
    gate = GatedGraph(fake, let_through=0, held_path_end="/comments", answer_held=True)
    graph = await aiohttp_server(gate.app())
    settings = make_settings(graph_api_url=str(graph.make_url("/v21.0")))
    client = await aiohttp_client(create_app(settings, run_worker=False))
    tenant = await seeded_tenant(client, campaign=comment_campaign())
    body, comment_id = feed_comment("price?")
    await post_webhook(client, "messenger", body)

    victim = await start_worker_process(settings, tmp_path / "victim.log")
    try:
        await eventually(
            lambda: gate.held > 0, timeout=60, what="the public reply taken, its answer held", explain=lambda: _calls(fake)
        )
        victim.send_signal(signal.SIGKILL)
        await victim.wait()
    finally:
        if victim.returncode is None:
            victim.kill()
            await victim.wait()
    gate.release()

    async with quick_worker(settings, claim_idle_ms=1000, max_attempts=100):

        async def public_state() -> str:
            [listed] = await replies_listed(client, tenant)
            return listed["public_reply"] if listed["public_reply"] == "sent" else ""

        await eventually(public_state, timeout=60, what="the public reply known as sent")
        await settled(redis)

    assert len(fake.private_replies()) == 1
    assert [c.path for c in fake.public_replies()] == [f"/v21.0/{comment_id}/comments"]  # once, never again
    assert any(c.method == "GET" and c.path == f"/v21.0/{comment_id}/comments" for c in fake.calls)


async def _calls(fake: FakeGraph) -> str:
    return "Graph was asked: " + ", ".join(f"{c.method} {c.path}" for c in fake.calls)
