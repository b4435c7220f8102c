"""Voice-note reply latency: webhook POST until the fake Graph receives the send, a voice note against a text
message in the same run.

Each message comes from a new Messenger customer on one of 10 pages; voice notes and typed questions alternate.
A voice note is downloaded from the fake Graph's CDN (40 KB), kept, and transcribed by the fake Groq, which waits
`TRANSCRIPTION_DELAY_S` before answering (Groq's Whisper turbo takes about that for a short note). The chat model is
the same fake for both kinds: it answers every reply call with an error at once, so both are answered offline after
one failed model call, and the difference is the voice note's own work.

    python bench/voice_note.py     (target: voice p50 - text p50 <= the transcription delay + the text target, 50 ms)
"""

from __future__ import annotations

import asyncio
import time
from contextlib import AsyncExitStack

import _harness  # noqa: F401  (puts the project on sys.path)
import aiohttp
from _harness import TimedGraph, embedded_servers, expect_status, messenger_text, percentile, seed_tenant, serve, signed

from tests.fakes.groq_server import FakeGroq, server_error, slow, transcript
from tests.whole_app import create_app

MESSAGES = 60  # of each kind
TRANSCRIPTION_DELAY_S = 0.3
TEXT_TARGET_MS = 50.0
PAGES = [str(3000000000 + i) for i in range(10)]
QUESTION = "How much is the yoga pass?"
RECORDING = b"\x00\x00\x00\x18ftypM4A " + bytes(40 * 1024)


def voice_note(page_id: str, psid: str, url: str) -> dict:  # type: ignore[type-arg]
    body = messenger_text("", page_id, psid)
    message = body["entry"][0]["messaging"][0]["message"]
    del message["text"]
    message["attachments"] = [{"type": "audio", "payload": {"url": url}}]
    return body


async def main() -> None:
    async with embedded_servers() as servers, AsyncExitStack() as stack:
        graph = TimedGraph()
        graph_url = await serve(graph.app(), stack)
        graph.fake.cdn["note.m4a"] = (RECORDING, "audio/mp4")
        groq = FakeGroq()
        groq.transcriber = lambda _sent: slow(TRANSCRIPTION_DELAY_S, transcript(QUESTION))
        groq.responder = lambda _body: server_error(503)
        groq.url = await serve(groq.app(), stack)
        settings = servers.settings(graph_api_url=graph_url + "/v21.0", groq_api_key="bench-key", groq_base_url=groq.url)
        base = await serve(create_app(settings), stack)
        session = await stack.enter_async_context(aiohttp.ClientSession())
        await seed_tenant(session, base, PAGES)

        latencies: dict[str, list[float]] = {"text": [], "voice": []}
        for i in range(2 * MESSAGES):
            kind = "voice" if i % 2 else "text"
            psid, page = f"PSID{i:06d}", PAGES[i % len(PAGES)]
            if kind == "voice":
                body = voice_note(page, psid, f"{graph_url}/cdn/note.m4a")
            else:
                body = messenger_text(QUESTION, page, psid)
            raw, headers = signed(body)
            started = time.perf_counter()
            async with session.post(f"{base}/webhooks/messenger", data=raw, headers=headers) as response:
                expect_status(response.status, 200)
            deadline = started + 20
            while psid not in graph.arrived:
                if time.perf_counter() > deadline:
                    raise SystemExit(f"no reply to {kind} message {i} within 20 s")
                await asyncio.sleep(0.001)
            latencies[kind].append((graph.arrived[psid] - started) * 1000)
        transcribed = len(groq.transcriptions)

    text50, voice50 = percentile(latencies["text"], 50), percentile(latencies["voice"], 50)
    text95, voice95 = percentile(latencies["text"], 95), percentile(latencies["voice"], 95)
    delay_ms = TRANSCRIPTION_DELAY_S * 1000
    print(f"messages: {MESSAGES} voice notes and {MESSAGES} typed questions, alternating, each from a new customer")
    print(
        f"fake Groq transcription delay: {delay_ms:.0f} ms per note ({transcribed} transcribed); recording {len(RECORDING) // 1024} KB"
    )
    print(f"text  reply p50 : {text50:7.1f} ms   p95 {text95:7.1f} ms")
    print(f"voice reply p50 : {voice50:7.1f} ms   p95 {voice95:7.1f} ms")
    print(f"voice - text p50: {voice50 - text50:7.1f} ms (of which the transcription's delay {delay_ms:.0f} ms)")
    print(f"ratio voice / text p50 : {voice50 / text50:5.2f}x")
    # A voice note is a text reply plus its own work: what that work adds beside the transcription must fit in the
    # text reply's target, measured against the text replies of this same run (same machine, same model path).
    added = voice50 - text50 - delay_ms
    verdict = "met" if added <= TEXT_TARGET_MS else "MISSED"
    print(f"voice note's own work (download, keep, transcription call) beside the delay: {added:5.1f} ms p50")
    print(f"target: that work <= the text target ({TEXT_TARGET_MS:.0f} ms p50): {verdict}")
    print(f"absolute: voice p50 {voice50:.0f} ms against text target + transcription = {TEXT_TARGET_MS + delay_ms:.0f} ms")


if __name__ == "__main__":
    asyncio.run(main())
