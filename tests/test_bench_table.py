"""`python -m bench`: benches found by their `rows()`, one table with baseline, ratio, target, machine and date."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from _harness import Row  # noqa: E402

from bench.__main__ import Result, defines_rows, discover, table  # noqa: E402


def test_a_bench_joins_the_table_by_defining_rows_at_its_top_level(tmp_path: Path) -> None:
    (tmp_path / "plain.py").write_text("def rows(quick):\n    return []\n")
    (tmp_path / "awaited.py").write_text("async def rows(quick: bool):\n    return []\n")
    (tmp_path / "alone.py").write_text("def main():\n    def rows(quick):\n        return []\n")
    (tmp_path / "broken.py").write_text("def rows(:\n")
    (tmp_path / "_helpers.py").write_text("def rows(quick):\n    return []\n")
    assert discover(tmp_path) == (["awaited", "plain"], ["alone", "broken"])
    assert not defines_rows("rows = None\n")


def test_the_table_shows_value_baseline_ratio_target_machine_and_date() -> None:
    results = [
        Result("acks", Row("acks per second", 800, "req/s", 2000, "bare aiohttp", "ratio >= 0.5", False), 1.0),
        Result("dupes", Row("replies sent twice", 0, "", None, "", "0", True), 1.0),
        Result("crash", None, 0.5, "RuntimeError: no | reply"),
    ]
    lines = table(results, where="2 cores, 8 GB", when="2026-12-07").splitlines()
    assert lines[0] == "| bench | figure | value | baseline (same run) | ratio | target | met | machine | date |"
    assert (
        lines[2]
        == "| acks | acks per second | 800 req/s | 2,000 (bare aiohttp) | 0.40 | ratio >= 0.5 | no | 2 cores, 8 GB | 2026-12-07 |"
    )
    assert lines[3] == "| dupes | replies sent twice | 0 |  |  | 0 | yes | 2 cores, 8 GB | 2026-12-07 |"
    assert lines[4] == "| crash | failed: RuntimeError: no \\| reply | | | | | no | 2 cores, 8 GB | 2026-12-07 |"


def run_bench(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bench", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_an_unknown_bench_is_one_line_and_exit_2() -> None:
    done = run_bench("--only", "no_such_bench")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("unknown bench: no_such_bench; benches in the table: ")
    assert "many_processes" in done.stderr


def test_the_list_names_the_benches_in_the_table_and_those_on_their_own() -> None:
    done = run_bench("--list")
    assert done.returncode == 0
    joined, alone = (line.split(": ", 1)[1].split() for line in done.stdout.splitlines())
    assert "many_processes" in joined and "language_detection" in joined
    assert "blind_quality" in joined and "before_after" in alone
