"""What every bench needs: embedded servers in a temp dir, the app on loopback, a fake Graph, a seeded tenant.

**How a bench joins the table of `python -m bench`.** Every module in `bench/` whose name does not begin with `_`
and that defines, at its top level,

    def rows(quick: bool) -> list[Row]:            (or `async def rows(quick: bool) -> list[Row]:`)

is found (by reading its source; nothing else is imported) and run by `python -m bench`, which prints every row
in one table with the machine and the date. A `Row` (below) is one figure: what was measured (`figure`, with its
unit), its value, the baseline measured in the same run (`baseline`, and `baseline_name` saying what it is), the
target in words (`target`) and whether it was met (`met`; None when the figure has no target). The ratio is
computed from value and baseline. `quick` asks for a smaller run (fewer messages, shorter bursts) that still
measures the same thing: `python -m bench --quick`. A bench stays runnable on its own (`python bench/x.py`, its
`main()` printing its own lines); the simplest `main` prints `format_rows(rows(False))`.

A module without `rows` is left out of the table and named under it.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack, asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# The project code a bench measures: this checkout, or another commit's code exported beside it, named by
# BENCH_CODE_TREE (`bench/before_after.py` sets it, to measure before and after with the same bench).
CODE = Path(os.environ.get("BENCH_CODE_TREE") or ROOT)
if str(CODE) not in sys.path:
    sys.path.insert(0, str(CODE))

import aiohttp  # noqa: E402
from aiohttp import web  # noqa: E402

from bot.runtime.embedded import free_port, start_mongo, start_redis  # noqa: E402
from bot.runtime.settings import Settings, load_settings  # noqa: E402
from tests.fakes_meta import FakeGraph  # noqa: E402

APP_SECRET = "bench-app-secret"
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
    "chat_flow": {
        "greeting": "Hi!",
        "qualification_questions": ["How often do you practice?"],
        "objection_handling": {},
        "closing_message": "Grab your pass here:",
    },
    "status": "active",
}


@dataclass(frozen=True)
class Row:
    """One figure of the benchmark table (see the module's docstring)."""

    figure: str
    value: float
    unit: str = ""
    baseline: float | None = None
    baseline_name: str = ""
    target: str = ""
    met: bool | None = None

    @property
    def ratio(self) -> float | None:
        return self.value / self.baseline if self.baseline else None


def number(value: float) -> str:
    """A figure as a person reads it: whole numbers without decimals, small ones with two."""
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.1f}" if abs(value) >= 10 else f"{value:.2f}"


def format_rows(rows: list[Row]) -> str:
    """The rows as plain lines, for a bench run on its own."""
    lines = []
    for row in rows:
        line = f"{row.figure}: {number(row.value)} {row.unit}".rstrip()
        if row.baseline is not None:
            line += f"   ({row.baseline_name}: {number(row.baseline)}; ratio {number(row.ratio or 0)})"
        if row.target:
            line += f"   target {row.target}: {'met' if row.met else 'NOT met' if row.met is False else '-'}"
        lines.append(line)
    return "\n".join(lines)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))]


def signed(body: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    raw = json.dumps(body).encode()
    signature = "sha256=" + hmac.new(APP_SECRET.encode(), raw, hashlib.sha256).hexdigest()
    return raw, {"X-Hub-Signature-256": signature, "Content-Type": "application/json"}


def messenger_text(text: str, page_id: str, psid: str) -> dict[str, Any]:
    now = int(time.time() * 1000)
    return {
        "object": "page",
        "entry": [
            {
                "id": page_id,
                "time": now,
                "messaging": [
                    {
                        "sender": {"id": psid},
                        "recipient": {"id": page_id},
                        "timestamp": now,
                        "message": {"mid": "m_" + uuid.uuid4().hex, "text": text},
                    }
                ],
            }
        ],
    }


class BenchFailed(RuntimeError):
    """The platform answered a bench's request otherwise than the run needs: its figures would mean nothing."""


def expect_status(status: int, expected: int, *, detail: str = "") -> None:
    if status != expected:
        raise BenchFailed(f"expected HTTP {expected}, got {status} {detail}".rstrip())


@dataclass
class TimedGraph:
    """The fake Graph, noting when each recipient's send arrived."""

    fake: FakeGraph = field(default_factory=FakeGraph)
    arrived: dict[str, float] = field(default_factory=dict)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        response = await self.fake.handle(request)
        call = self.fake.calls[-1]
        if call.method == "POST" and call.path.endswith("/messages"):
            body = call.json
            named = body.get("recipient")
            recipient = (named.get("id") if isinstance(named, dict) else named) or body.get("to", "")
            self.arrived.setdefault(recipient, time.perf_counter())
        return response

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self.handle)
        return app


def platform_env(settings: Settings, **overrides: str) -> dict[str, str]:
    """The environment of a `python -m bot` process on the bench's servers and database (overrides win)."""
    return {
        **os.environ,
        "MONGODB_URI": settings.mongodb_uri,
        "REDIS_URL": settings.redis_url,
        "MONGODB_DB": settings.mongodb_db,
        "SECRET_KEY": settings.secret_key,
        "META_APP_ID": settings.meta_app_id,
        "META_APP_SECRET": settings.meta_app_secret,
        "GRAPH_API_URL": settings.graph_base,
        "GROQ_API_KEY": settings.groq_api_key,
        "GROQ_BASE_URL": settings.groq_base_url,
        "REPLY_DEBOUNCE_MS": "0",
        "LOG_LEVEL": "ERROR",
        "DATA_DIR": str(settings.data_dir),
        **overrides,
    }


def spawn(args: list[str], **options: object) -> subprocess.Popen[bytes]:
    """A server process of the bench (started once; nothing waits on it here)."""
    process: subprocess.Popen[bytes] = subprocess.Popen(args, **options)  # type: ignore[call-overload]
    return process


async def serve(app: web.Application, stack: AsyncExitStack) -> str:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    stack.push_async_callback(runner.cleanup)
    port = free_port()
    # As `python -m bot serve` does: a burst of connections beyond aiohttp's default backlog (128) would be
    # dropped and retried by the client a second later, which measures TCP, not the platform.
    await web.TCPSite(runner, "127.0.0.1", port, backlog=1024).start()
    return f"http://127.0.0.1:{port}"


@dataclass
class Servers:
    mongodb_uri: str
    redis_url: str
    data_dir: Path

    def settings(self, **overrides: object) -> Settings:
        values: dict[str, object] = {
            "mongodb_uri": self.mongodb_uri,
            "redis_url": self.redis_url,
            "mongodb_db": f"bench_{uuid.uuid4().hex[:8]}",
            "data_dir": self.data_dir / "var",
            "secret_key": "bench-secret-key-0123456789abcdef",
            "meta_app_id": "111222333",
            "meta_app_secret": APP_SECRET,
            "meta_verify_token": "bench-verify",
            "groq_api_key": "",
            "reply_debounce_ms": 0,
            "log_level": "WARNING",
        }
        values.update(overrides)
        return load_settings(**values)


@asynccontextmanager
async def embedded_servers() -> AsyncIterator[Servers]:
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        mongo = await start_mongo(Path(tmp))
        redis = await start_redis(Path(tmp))
        try:
            yield Servers(mongo.uri, redis.uri, Path(tmp))
        finally:
            redis.stop()
            mongo.stop()


async def seed_tenant(session: aiohttp.ClientSession, base: str, page_ids: list[str]) -> dict[str, str]:
    """Sign up, add the campaign, connect each page; the owner's auth headers."""
    response = await session.post(
        f"{base}/api/signup",
        json={
            "email": f"bench-{uuid.uuid4().hex[:8]}@example.com",
            "password": "correct horse battery",
            "business_name": "Sunrise Yoga",
        },
    )
    expect_status(response.status, 201, detail=await response.text())
    headers = {"Authorization": f"Bearer {(await response.json())['api_token']}"}
    response = await session.post(f"{base}/api/campaigns", json=CAMPAIGN, headers=headers)
    expect_status(response.status, 201, detail=await response.text())
    for page_id in page_ids:
        response = await session.post(
            f"{base}/api/channels",
            json={"platform": "facebook", "account_id": page_id, "access_token": f"EAAbench-token-{page_id}"},
            headers=headers,
        )
        expect_status(response.status, 201, detail=await response.text())
    return headers


class ErrorCount(logging.Handler):
    """Counts the platform's error logs (by message) instead of printing their tracebacks over the figures."""

    def __init__(self) -> None:
        super().__init__(level=40)
        self.by_message: dict[str, int] = {}

    def emit(self, record) -> None:
        self.by_message[record.getMessage()] = self.by_message.get(record.getMessage(), 0) + 1


def quiet_logs() -> ErrorCount:
    counter = ErrorCount()
    root = logging.getLogger()
    root.handlers[:] = [counter]
    root.setLevel(logging.ERROR)
    return counter


@contextmanager
def code_tree(ref: str | None) -> Iterator[Path]:
    """The project's code at git `ref` (a commit, tag or branch), exported to a temporary folder; None: this tree.
    A bench runs the worker of an older commit from there, to measure before and after in the same run."""
    if not ref:
        yield ROOT
        return
    with tempfile.TemporaryDirectory(prefix="bench-tree-") as tmp:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref], check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        yield Path(tmp)


@dataclass
class ProbedWorker:
    """A `python -m bot worker` process run through `bench/_worker_probe.py`, from the code in `tree`."""

    process: subprocess.Popen[bytes]
    out: Path

    @classmethod
    def start(cls, settings: Settings, tree: Path, out: Path, **env: str) -> ProbedWorker:
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "bench" / "_worker_probe.py"), str(out)],
            cwd=tree,
            env=platform_env(settings, **{"LOG_LEVEL": "WARNING", **env}),
            stdin=subprocess.DEVNULL,
        )
        return cls(process, out)

    def open_window(self, *, profiled: bool = False) -> None:
        self.out.with_suffix(".json").unlink(missing_ok=True)
        self.process.send_signal(signal.SIGRTMIN if profiled else signal.SIGUSR1)

    async def close_window(self) -> dict[str, Any]:
        """What the worker measured since `open_window`: cpu_s, rss_kb, max_rss_kb, open_fds, mongo, redis."""
        self.process.send_signal(signal.SIGUSR2)
        report = self.out.with_suffix(".json")
        for _ in range(200):
            if report.exists():
                return dict(json.loads(report.read_text()))
            await asyncio.sleep(0.05)
        raise SystemExit("the worker wrote no measurement")

    def rss_kb(self) -> int:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def by_package(pstats_file: Path) -> list[tuple[str, float]]:
    """A cProfile's own time (each function's time without its callees) summed by the package it lives in, largest
    first (a C function counts for the package that called it): our folders by name (`bot/inbound`), a library by its top-level package, the standard library by module."""
    import pstats

    totals: dict[str, float] = {}
    stats = pstats.Stats(str(pstats_file)).stats  # type: ignore[attr-defined]
    for (filename, _, function), (_, _, own_s, _, callers) in stats.items():
        if filename == "~" and ("run_until_complete" in function or "run_forever" in function):
            continue  # the event loop's run: mostly waiting for I/O, which is not CPU
        if filename == "~" and callers:
            # A C function (a socket's send, json's decoder, pydantic-core's validator) counts for who called it.
            for (caller_file, _, _), caller_timing in callers.items():
                key = _package_of(caller_file)
                totals[key] = totals.get(key, 0.0) + caller_timing[2]
            continue
        key = _package_of(filename)
        totals[key] = totals.get(key, 0.0) + own_s
    return sorted(totals.items(), key=lambda item: -item[1])


def _package_of(filename: str) -> str:
    if filename == "~":
        return "C functions called from C"
    parts = Path(filename).parts
    if "site-packages" in parts:
        rest = parts[parts.index("site-packages") + 1 :]
        return rest[0].removesuffix(".py") if rest else "site-packages"
    for index, part in enumerate(parts):
        if part in ("bot", "channels", "knowledge", "dashboard") and index + 1 < len(parts):
            inner = parts[index + 1]
            return part if inner.endswith(".py") else f"{part}/{inner}"
    if "python3" in "".join(parts) or "lib" in parts:
        return "stdlib:" + (parts[-2] if parts[-1] == "__init__.py" else Path(parts[-1]).stem)
    return "other"


async def wait_listening(url: str) -> None:
    """Until a process started for the bench answers `url` (any status below 500), for 30 s at most."""
    async with aiohttp.ClientSession() as session:
        for _ in range(300):
            try:
                async with session.get(url) as response:
                    if response.status < 500:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise SystemExit(f"{url} did not come up")
