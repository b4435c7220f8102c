"""`python -m bot worker` with tracemalloc on: what grows inside the worker process over a soak.

    python bench/_memory_probe.py OUT_DIR                 (the worker; `bench/memory.py --trace OUT_DIR` starts it)
    python bench/_memory_probe.py --compare A.snap B.snap  (what grew from snapshot A to B, by where it was allocated)

Each SIGUSR1 writes OUT_DIR/N.snap (a tracemalloc snapshot, 8 frames deep) and OUT_DIR/N.json: RSS, the objects
the collector tracks (and how many by type, the 15 most common), its generation counts and the asyncio tasks
alive. Tracing slows the worker (every allocation records its stack), so a traced soak runs at a lower rate.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import signal
import sys
import tracemalloc
from collections import Counter
from pathlib import Path

FRAMES = 8


def _rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _tasks() -> int:
    try:
        return len(asyncio.all_tasks())
    except RuntimeError:  # no running loop yet
        return 0


def _snapshot(out: Path, taken: list[int]) -> None:
    n = len(taken)
    taken.append(n)
    gc.collect()
    tracemalloc.take_snapshot().dump(str(out / f"{n}.snap"))
    objects = gc.get_objects()
    report = {
        "rss_kb": _rss_kb(),
        "traced_mb": tracemalloc.get_traced_memory()[0] / 1024 / 1024,
        "gc_objects": len(objects),
        "gc_counts": gc.get_count(),
        "by_type": Counter(type(o).__name__ for o in objects).most_common(15),
        "asyncio_tasks": _tasks(),
    }
    (out / f"{n}.json").write_text(json.dumps(report))


def compare(before: Path, after: Path, top: int = 25) -> None:
    old, new = tracemalloc.Snapshot.load(str(before)), tracemalloc.Snapshot.load(str(after))
    for stat in new.compare_to(old, "traceback")[:top]:
        print(f"{stat.size_diff / 1024:+10.0f} KB {stat.count_diff:+8d} blocks")
        for line in stat.traceback.format(limit=FRAMES)[-8:]:
            print("    " + line.strip())


def run_worker(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, os.getcwd())
    tracemalloc.start(FRAMES)
    taken: list[int] = []
    signal.signal(signal.SIGUSR1, lambda *_: _snapshot(out, taken))
    from bot.runtime.cli import main

    return main(["worker"])


if __name__ == "__main__":
    if sys.argv[1] == "--compare":
        compare(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        raise SystemExit(run_worker(Path(sys.argv[1])))
