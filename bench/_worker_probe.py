"""`python -m bot worker` with a probe: what the benches measure inside the worker process, between two signals.

    python bench/_worker_probe.py OUT_PREFIX

SIGUSR1 opens a window, SIGUSR2 closes it and writes OUT_PREFIX.json: the process's CPU time (user + system,
from getrusage) in the window, its current and peak RSS, open file descriptors, the MongoDB commands sent (by
name, from a pymongo command listener) and the Redis round trips (commands and pipelines). A window opened with
SIGRTMIN is also profiled: OUT_PREFIX.pstats, a cProfile of it. Run with the working directory at the code tree to measure (this file is only read
from the bench's tree), so the same probe measures an older commit's worker exported beside it.
"""

from __future__ import annotations

import cProfile
import json
import os
import resource
import signal
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from pymongo import monitoring

OUT = Path(sys.argv[1])
PROFILED = signal.SIGRTMIN  # opens a window that is also profiled (cProfile's own cost is in its CPU time)
sys.path.insert(0, os.getcwd())


class _Listener(monitoring.CommandListener):
    """Counts commands by name (a method named `started` cannot also hold the counter)."""

    def __init__(self) -> None:
        self.by_name: Counter[str] = Counter()

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        self.by_name[event.command_name] += 1

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


MONGO = _Listener()
monitoring.register(MONGO)
REDIS: Counter[str] = Counter()


def _count_redis() -> None:
    from redis.asyncio.client import Pipeline, Redis

    single, piped = Redis.execute_command, Pipeline.execute

    async def execute_command(self: Any, *args: Any, **options: Any) -> Any:
        if not isinstance(self, Pipeline):
            REDIS[str(args[0]).upper()] += 1
        return await single(self, *args, **options)

    async def execute(self: Any, *args: Any, **options: Any) -> Any:
        REDIS["PIPELINE"] += 1
        return await piped(self, *args, **options)

    Redis.execute_command = execute_command  # type: ignore[method-assign]
    Pipeline.execute = execute  # type: ignore[method-assign]


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


# Wall time (a CPU clock costs a system call per Python call, slowing the worker several times over): time spent
# waiting is outside every Python call except the event loop's own run, which the summary leaves out.
profiler = cProfile.Profile()
window: dict[str, float] = {}


def _open(signum: int, _: object) -> None:
    MONGO.by_name.clear()
    REDIS.clear()
    window["cpu"] = _cpu_s()
    window["profiled"] = float(signum == PROFILED)
    if window["profiled"]:
        profiler.enable()


def _close(*_: object) -> None:
    cpu = _cpu_s() - window.get("cpu", 0.0)
    if window.get("profiled"):
        profiler.disable()
        profiler.dump_stats(str(OUT.with_suffix(".pstats")))
        profiler.clear()
    report = {
        "cpu_s": cpu,
        "rss_kb": _rss_kb(),
        "max_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "open_fds": len(os.listdir("/proc/self/fd")),
        "mongo": dict(MONGO.by_name),
        "redis": dict(REDIS),
    }
    OUT.with_suffix(".tmp").write_text(json.dumps(report))
    OUT.with_suffix(".tmp").replace(OUT.with_suffix(".json"))


if __name__ == "__main__":
    _count_redis()
    signal.signal(signal.SIGUSR1, _open)
    signal.signal(PROFILED, _open)
    signal.signal(signal.SIGUSR2, _close)
    from bot.runtime.cli import main

    raise SystemExit(main(["worker"]))
