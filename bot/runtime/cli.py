"""The command line: `python -m bot serve [--no-worker] | worker | demo | eval TENANT_ID [--model] | deadletters [--replay ID]`."""

from __future__ import annotations

import argparse
import asyncio
import errno
import logging
import os
import signal
import socket
import sys
import uuid
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.runtime.logs import configure_logging
from bot.runtime.settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from bot.runtime.host import OwnerSide

log = logging.getLogger("bot")

LISTEN_BACKLOG = 1024


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="AI sales-bot platform")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (("serve", "web server and a worker in one process"), ("demo", "seed the demo tenant and serve")):
        command = commands.add_parser(name, help=help_text)
        command.add_argument("--host", default="127.0.0.1")
        command.add_argument("--port", type=int, default=8080)
        command.add_argument(
            "--no-worker",
            action="store_true",
            help="the web side alone (webhooks, owner API, pages); `worker` processes answer the queue",
        )
    commands.add_parser("worker", help="a queue worker alone")
    evaluate = commands.add_parser("eval", help="quality report of one tenant's answers")
    evaluate.add_argument("tenant_id")
    evaluate.add_argument("--model", action="store_true", help="also answer through the model (needs GROQ_API_KEY)")
    dead = commands.add_parser("deadletters", help="list dead-lettered deliveries, or replay one")
    dead.add_argument("--replay", metavar="ENTRY_ID", default="")
    return parser


class PortUnavailable(Exception):
    """The address to listen on is taken or not ours."""


def _listen_socket(host: str, port: int) -> socket.socket:
    """The listening socket, bound before anything starts, so a port in use costs no start-up."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        # A burst of webhooks opens many connections at once; a short backlog drops the rest,
        # and a dropped connection waits a full second for the client's retry.
        sock.listen(LISTEN_BACKLOG)
    except OSError as exc:
        sock.close()
        reason = "is in use" if exc.errno == errno.EADDRINUSE else f"cannot be used ({exc.strerror})"
        raise PortUnavailable(f"port {port} on {host} {reason}: stop what uses it or choose another with --port") from None
    sock.setblocking(False)
    return sock


async def _serve(settings: Settings, host: str, port: int, *, demo: bool, owner_side: OwnerSide, run_worker: bool = True) -> None:
    from bot.runtime.app import create_app
    from bot.runtime.host import SERVE_URL, STARTUP_LINES
    from bot.runtime.parser_errors import started_runner

    sock = _listen_socket(host, port)
    extensions = owner_side.demo if demo else owner_side.serve
    app = create_app(settings, run_worker=run_worker, extensions=extensions)
    app[SERVE_URL] = f"http://{host}:{port}"
    # On SIGTERM requests in flight get this long to finish (a webhook takes milliseconds, a Leo answer seconds).
    runner = await started_runner(app, shutdown_timeout=8, access_log=None)
    site = web.SockSite(runner, sock)
    await site.start()
    log.info("serving", extra={"url": f"http://{host}:{port}"})
    print(f"Serving on http://{host}:{port}", flush=True)
    if app[STARTUP_LINES].lines:
        print("\n".join(app[STARTUP_LINES].lines), flush=True)
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopped.set)
    await stopped.wait()
    log.info("shutting down")
    await runner.cleanup()


async def _worker(settings: Settings) -> None:
    from bot.inbound.stream import InboundStream
    from bot.inbound.worker import Worker
    from bot.runtime.engine import build_engine, close_model
    from bot.runtime.follow_up_loop import follow_ups_running
    from bot.runtime.housekeeping import chores_running
    from bot.runtime.services import open_services
    from knowledge.language import warm_up

    async with open_services(settings, may_start_servers=False) as services:
        engine = build_engine(services)
        worker = Worker(
            InboundStream(services.redis),
            engine.dispatcher,
            services.metrics,
            name=f"worker-{uuid.uuid4().hex[:6]}",
            gate=engine.gate,
            concurrency=settings.worker_concurrency,
            read_ahead=settings.worker_read_ahead,
        )
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, lambda: asyncio.ensure_future(worker.stop()))
        async with chores_running(services):
            # Language models load in a thread while the worker starts: the first customer does not wait for them.
            warming = asyncio.create_task(asyncio.to_thread(warm_up), name="language models")
            async with follow_ups_running(services, engine, after=warming):
                await worker.run()
            await warming
        await close_model(engine)


async def _deadletters(settings: Settings, replay: str) -> None:
    from bot.inbound.stream import InboundStream
    from bot.runtime.services import open_services

    async with open_services(settings) as services:
        stream = InboundStream(services.redis)
        if replay:
            ok = await stream.replay_dead_letter(replay)
            print("replayed" if ok else f"no dead letter {replay}")
            return
        for row in await stream.list_dead_letters():
            print(f"{row['id']}  {row['channel']:<10} {row['error']}")


async def _eval(settings: Settings, tenant_id: str, *, with_model: bool) -> int:
    from bot.evaluation import UnknownTenant, evaluate_tenant, print_report
    from bot.runtime.engine import chat_model
    from bot.runtime.services import open_services

    if with_model and not settings.groq_api_key:
        print("--model needs GROQ_API_KEY", file=sys.stderr)
        return 2
    async with open_services(settings) as services:
        model = chat_model(settings) if with_model else None
        try:
            report = await evaluate_tenant(
                services.db, services.knowledge, tenant_id, model=model, timeout_s=settings.groq_timeout_s
            )
        except UnknownTenant:
            print(f"unknown tenant {tenant_id}: it has no profile, campaign or document", file=sys.stderr)
            return 2
        finally:
            if model is not None:
                await model.aclose()
        print_report(report)
        return 0 if report.cases else 1


def _run_long(main_coroutine: Coroutine[Any, Any, None]) -> None:
    """Run a long-lived process on uvloop where it is installed (not on Windows): the event loop's own work is
    a third of a busy worker's CPU, and uvloop does it in a fraction of the time."""
    try:
        import uvloop
    except ImportError:
        asyncio.run(main_coroutine)
    else:
        uvloop.run(main_coroutine)


def main(argv: list[str] | None = None, *, owner_side: Callable[[], OwnerSide] | None = None) -> int:
    """`owner_side` gives what `serve` and `demo` plug into the web app (the owner's pages and API); it is
    called only by those commands, so a worker never loads it."""
    args = _parser().parse_args(argv)
    # What this process writes (DATA_DIR: the secret key, the embedded servers' files) is its owner's alone.
    os.umask(0o077)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    configure_logging(settings.log_level)
    if args.command in ("serve", "demo"):
        try:
            # Loaded once the settings are known good: a bad setting is refused before anything heavy is imported.
            from bot.runtime.host import OwnerSide

            side = owner_side() if owner_side is not None else OwnerSide()
            serving = _serve(
                settings, args.host, args.port, demo=args.command == "demo", owner_side=side, run_worker=not args.no_worker
            )
            _run_long(serving)
        except PortUnavailable as exc:
            print(str(exc), file=sys.stderr)
            return 2
    elif args.command == "worker":
        _run_long(_worker(settings))
    elif args.command == "deadletters":
        asyncio.run(_deadletters(settings, args.replay))
    elif args.command == "eval":
        return asyncio.run(_eval(settings, args.tenant_id, with_model=args.model))
    return 0
