"""Every benchmark in one table: `python -m bench [--quick] [--only NAME ...] [--list]`.

A bench joins the table by defining `rows(quick)` (see `bench/_harness.py`'s docstring); benches are found by
reading the sources of `bench/*.py`, so one without `rows` is never imported. Each bench runs in turn in this
process; one that fails is a row saying so, the others still run, and the exit code is 1.
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import importlib
import inspect
import os
import sys
import time
import traceback
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))  # the benches import `_harness` as a top-level module

from _harness import Row, number  # noqa: E402

ENTRY = "rows"


def defines_rows(source: str) -> bool:
    """Whether a module's source defines `rows` (plain or async) at its top level."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    return any(isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == ENTRY for node in tree.body)


def discover(directory: Path) -> tuple[list[str], list[str]]:
    """(benches with `rows`, benches without), by module name, sorted."""
    joined: list[str] = []
    alone: list[str] = []
    for path in sorted(directory.glob("*.py")):
        if path.name.startswith("_"):
            continue
        (joined if defines_rows(path.read_text(encoding="utf-8")) else alone).append(path.stem)
    return joined, alone


def machine() -> str:
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    return f"{os.cpu_count()} cores, {memory_gb:.0f} GB"


@dataclass(frozen=True)
class Result:
    bench: str
    row: Row | None  # None: the bench failed
    seconds: float
    error: str = ""


def run_one(name: str, quick: bool) -> list[Result]:
    started = time.perf_counter()
    try:
        produce = getattr(importlib.import_module(name), ENTRY)
        produced = produce(quick)
        rows: list[Row] = asyncio.run(produced) if inspect.iscoroutine(produced) else produced
    except (Exception, SystemExit) as exc:  # noqa: BLE001 # a bench that gives up says why in its row; the others still run
        traceback.print_exc(file=sys.stderr)
        return [Result(name, None, time.perf_counter() - started, f"{type(exc).__name__}: {exc}"[:200])]
    seconds = time.perf_counter() - started
    return [Result(name, row, seconds) for row in rows]


def cell(text: str) -> str:
    return text.replace("|", "\\|")


def table(results: list[Result], *, where: str, when: str) -> str:
    """The Markdown table every run prints (the README's benchmark table is a copy of it)."""
    lines = [
        "| bench | figure | value | baseline (same run) | ratio | target | met | machine | date |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for result in results:
        row = result.row
        if row is None:
            lines.append(f"| {result.bench} | failed: {cell(result.error)} | | | | | no | {where} | {when} |")
            continue
        value = f"{number(row.value)} {row.unit}".rstrip()
        baseline = f"{number(row.baseline)} ({cell(row.baseline_name)})" if row.baseline is not None else ""
        ratio = number(row.ratio) if row.ratio is not None else ""
        met = {True: "yes", False: "no", None: ""}[row.met]
        lines.append(
            f"| {result.bench} | {cell(row.figure)} | {value} | {baseline} | {ratio} | {cell(row.target)} | {met} | {where} | {when} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description="run the benchmarks and print one table")
    parser.add_argument("--only", action="append", default=[], metavar="NAME", help="run this bench (repeat, or NAME,NAME)")
    parser.add_argument("--quick", action="store_true", help="smaller runs of the same measurements")
    parser.add_argument("--list", action="store_true", help="list the benches and exit")
    args = parser.parse_args(argv)
    joined, alone = discover(BENCH_DIR)
    if args.list:
        print("in the table:", " ".join(joined))
        print("on their own:", " ".join(alone))
        return 0
    wanted = [name for item in args.only for name in item.split(",") if name]
    unknown = [name for name in wanted if name not in joined]
    if unknown:
        told = ", ".join(f"{name} (no rows())" if name in alone else name for name in unknown)
        print(f"unknown bench: {told}; benches in the table: {', '.join(joined)}", file=sys.stderr)
        return 2
    when = datetime.now(UTC).strftime("%Y-%m-%d")
    results: list[Result] = []
    for name in wanted or joined:
        print(f"running {name}{' (quick)' if args.quick else ''} ...", file=sys.stderr, flush=True)
        results += run_one(name, args.quick)
    print(table(results, where=machine(), when=when))
    if alone and not wanted:
        print(f"\nOn their own (no rows()): {', '.join(alone)}")
    return 1 if any(result.row is None for result in results) else 0


if __name__ == "__main__":
    sys.exit(main())
