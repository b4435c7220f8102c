"""Benches' figures on another commit's code and on this checkout's, alternating, in one run.

    python bench/before_after.py COMMIT [--only NAME[,NAME]] [--rounds 3] [--quick]

The commit's code is exported with `git archive`; each run is one bench of THIS checkout (its `rows()`), measuring
the code of one tree or the other in a process of its own (`bench/_in_tree.py`): the same measurement before and
after. Runs alternate (before, after, before, after, ...) so both see the same moments of a shared machine's load.
Printed per figure: every run's value, the median of each side and after / before.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import _harness  # noqa: F401  (puts the project on sys.path)
from _harness import ROOT, code_tree, number

DEFAULT = ("reply_latency", "webhook_ack_rate", "concurrent_conversations", "ack_under_load")


@dataclass(frozen=True)
class Comparison:
    figure: str
    unit: str
    before: list[float]
    after: list[float]

    @property
    def ratio(self) -> float | None:
        """After / before, median against median (None when the figure was 0 before)."""
        before = statistics.median(self.before)
        return statistics.median(self.after) / before if before else None


def compare(before: list[list[dict[str, Any]]], after: list[list[dict[str, Any]]]) -> list[Comparison]:
    """Each figure's values over the runs of each side (rows as `_in_tree.py` writes them), and each figure with a
    baseline divided by it (the machine's load moves both alike); a figure that one side did not give is left out,
    since it would compare nothing."""
    units: dict[str, str] = {}
    values: dict[str, tuple[list[float], list[float]]] = {}
    for side, runs in enumerate((before, after)):
        for rows in runs:
            for row in rows:
                units.setdefault(row["figure"], row["unit"])
                values.setdefault(row["figure"], ([], []))[side].append(float(row["value"]))
                if row.get("baseline"):
                    relative = f"{row['figure']} / {row['baseline_name']}"
                    units.setdefault(relative, "x")
                    values.setdefault(relative, ([], []))[side].append(float(row["value"]) / float(row["baseline"]))
    return [Comparison(figure, units[figure], b, a) for figure, (b, a) in values.items() if b and a]


def run_in(tree: Path, name: str, quick: bool) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="bench-rows-") as tmp:
        out = Path(tmp) / "rows.json"
        command = [sys.executable, str(ROOT / "bench" / "_in_tree.py"), name, str(out), *(["--quick"] if quick else [])]
        subprocess.run(command, cwd=tree, env={**os.environ, "BENCH_CODE_TREE": str(tree)}, check=True)
        rows: list[dict[str, Any]] = json.loads(out.read_text())
        return rows


def lines(name: str, ref: str, comparisons: list[Comparison]) -> list[str]:
    out = [f"{name}: before ({ref}) | after (this checkout) | after / before (medians)"]
    for c in comparisons:
        before = ", ".join(number(v) for v in c.before)
        after = ", ".join(number(v) for v in c.after)
        ratio = number(c.ratio) if c.ratio is not None else "-"
        out.append(f"  {c.figure} [{c.unit}]: {before} | {after} | {ratio}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("ref", help="the commit measured as 'before'")
    parser.add_argument("--only", action="append", default=[], metavar="NAME")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    names = [name for item in args.only for name in item.split(",") if name] or list(DEFAULT)
    with code_tree(args.ref) as before_tree:
        for name in names:
            runs: dict[str, list[list[dict[str, Any]]]] = {"before": [], "after": []}
            failed = ""
            for _ in range(args.rounds):
                for label, tree in (("before", before_tree), ("after", ROOT)):
                    try:
                        runs[label].append(run_in(tree, name, args.quick))
                    except subprocess.CalledProcessError as exc:
                        failed = f"{name} failed on {label} ({args.ref if label == 'before' else 'this checkout'}): exit {exc.returncode}"
                        break
                if failed:
                    break
            print("\n".join([failed] if failed else lines(name, args.ref, compare(runs["before"], runs["after"]))), flush=True)


if __name__ == "__main__":
    main()
