"""One tenant's heavy PDFs beside another tenant's login.

Tenant A uploads six 2 KB PDFs whose streams inflate to 1.1 MB of text operators (seconds of pypdf work each),
all at once; meanwhile tenant B logs in again and again. Figures: B's login latency alone (baseline, the same
run) and while A's PDFs are read, as a ratio; then how long a decompression bomb (1 MB, over 1 GB unpacked)
takes to be refused. Real argon2id settings, the app served as `python -m bot serve` serves it.

    python bench/login_beside_pdf_bombs.py        (target: logins under 1 s while the PDFs are read)
"""

from __future__ import annotations

import asyncio
import time
from contextlib import AsyncExitStack
from dataclasses import dataclass

import _harness  # noqa: F401  (puts the project on sys.path)
import aiohttp
from _harness import Row, embedded_servers, expect_status, percentile, quiet_logs, serve

from tests.knowledge.pdf_bombs import decompression_bomb, text_operators_pdf
from tests.whole_app import create_app

HEAVY_PDFS = 6
BASELINE_LOGINS = 10
PASSWORD = "correct horse battery"


async def sign_up(session: aiohttp.ClientSession, base: str, email: str) -> dict[str, str]:
    async with session.post(
        f"{base}/api/signup", json={"email": email, "password": PASSWORD, "business_name": email}
    ) as response:
        expect_status(response.status, 201, detail=await response.text())
        return {"Authorization": f"Bearer {(await response.json())['api_token']}"}


async def timed_login(session: aiohttp.ClientSession, base: str, email: str) -> float:
    started = time.perf_counter()
    async with session.post(f"{base}/api/login", json={"email": email, "password": PASSWORD}) as response:
        expect_status(response.status, 200, detail=await response.text())
    session.cookie_jar.clear()
    return time.perf_counter() - started


async def upload(session: aiohttp.ClientSession, base: str, headers: dict[str, str], data: bytes, name: str) -> tuple[int, float]:
    started = time.perf_counter()
    async with session.post(
        f"{base}/api/knowledge/documents?filename={name}", data=data, headers={**headers, "Content-Type": "application/pdf"}
    ) as response:
        await response.read()
        return response.status, time.perf_counter() - started


def summary(latencies: list[float]) -> str:
    return f"p50 {percentile(latencies, 50) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms (n={len(latencies)})"


@dataclass(frozen=True)
class Figures:
    alone: list[float]  # seconds per login, before the uploads
    beside: list[float]  # seconds per login while the heavy PDFs are read
    uploads: list[tuple[int, float]]  # (status, seconds) per heavy PDF
    bomb: tuple[int, float]
    pdf_bytes: int


async def rows(quick: bool) -> list[Row]:
    heavy_pdfs, logins = (HEAVY_PDFS // 2, BASELINE_LOGINS // 2) if quick else (HEAVY_PDFS, BASELINE_LOGINS)
    figures = await measure(heavy_pdfs, logins)
    bomb_status, bomb_s = figures.bomb
    alone_name = "the same login alone, before the uploads"
    beside_p50 = percentile(figures.beside, 50)
    return [
        Row(
            f"another business's login p50 while {heavy_pdfs} PDFs inflating to 1.1 MB are read",
            beside_p50 * 1000,
            "ms",
            percentile(figures.alone, 50) * 1000,
            alone_name,
            "< 1,000 ms",
            beside_p50 < 1,
        ),
        Row(
            "… its slowest login",
            max(figures.beside) * 1000,
            "ms",
            max(figures.alone) * 1000,
            alone_name,
            "< 1,000 ms",
            max(figures.beside) < 1,
        ),
        Row(
            f"… a 1 MB decompression bomb refused (HTTP {bomb_status})",
            bomb_s,
            "s",
            target="422 within 10 s",
            met=bomb_status == 422 and bomb_s < 10,
        ),
    ]


async def measure(heavy_pdfs: int, baseline_logins: int) -> Figures:
    """Logins alone, then beside `heavy_pdfs` heavy uploads of another business, then a decompression bomb."""
    quiet_logs()
    async with embedded_servers() as servers, AsyncExitStack() as stack:
        base = await serve(create_app(servers.settings()), stack)
        session = await stack.enter_async_context(aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=600)))
        owner_a = await sign_up(session, base, "a@example.com")
        await sign_up(session, base, "b@example.com")

        baseline = [await timed_login(session, base, "b@example.com") for _ in range(baseline_logins)]

        heavy = text_operators_pdf()
        uploads = [asyncio.ensure_future(upload(session, base, owner_a, heavy, f"heavy{n}.pdf")) for n in range(heavy_pdfs)]
        await asyncio.sleep(0.3)  # the uploads are in
        beside: list[float] = []
        while not all(task.done() for task in uploads) and len(beside) < 40:
            beside.append(await timed_login(session, base, "b@example.com"))
        results = await asyncio.gather(*uploads)

        bomb = await upload(session, base, owner_a, decompression_bomb(), "bomb.pdf")
    return Figures(baseline, beside, list(results), bomb, len(heavy))


async def main() -> None:
    figures = await measure(HEAVY_PDFS, BASELINE_LOGINS)
    ratio = percentile(figures.beside, 50) / percentile(figures.alone, 50)
    print(
        f"heavy PDFs: {figures.pdf_bytes} bytes each, {HEAVY_PDFS} at once; answers {sorted(s for s, _ in figures.uploads)}, "
        f"slowest upload {max(t for _, t in figures.uploads):.1f} s"
    )
    print(f"tenant B login alone:            {summary(figures.alone)}")
    print(f"tenant B login beside the PDFs:  {summary(figures.beside)}  ratio p50 {ratio:.1f}x")
    print(f"decompression bomb ({len(decompression_bomb()) // 1024} KB): HTTP {figures.bomb[0]} after {figures.bomb[1]:.1f} s")


if __name__ == "__main__":
    asyncio.run(main())
