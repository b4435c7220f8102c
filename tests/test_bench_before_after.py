"""`bench/before_after.py`: the same bench on two trees' code, figures compared median against median."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from before_after import compare, lines  # noqa: E402


def row(figure: str, value: float, baseline: float | None = None) -> dict[str, object]:
    return {"figure": figure, "value": value, "unit": "ms", "baseline": baseline, "baseline_name": "bare"}


def test_each_figure_is_compared_median_against_median_and_against_its_own_runs_baseline() -> None:
    before = [[row("p50", 20, 1.0), row("gone", 3)], [row("p50", 30, 2.0)], [row("p50", 40, 2.0)]]
    after = [[row("p50", 36, 2.0)], [row("p50", 33, 3.0)], [row("p50", 60, 3.0)], [row("new", 1)]]
    found = {c.figure: c for c in compare(before, after)}
    assert set(found) == {"p50", "p50 / bare"}  # a figure only one side gave compares nothing
    assert found["p50"].before == [20, 30, 40] and found["p50"].after == [36, 33, 60]
    assert found["p50"].ratio == 36 / 30
    assert found["p50 / bare"].unit == "x"
    assert found["p50 / bare"].before == [20, 15, 20] and found["p50 / bare"].after == [18, 11, 20]
    assert found["p50 / bare"].ratio == 18 / 20


def test_a_figure_that_was_zero_before_has_no_ratio_and_is_printed_with_a_dash() -> None:
    [zero] = compare([[row("twice", 0)]], [[row("twice", 0)]])
    assert zero.ratio is None
    assert lines("dupes", "abc123", [zero]) == [
        "dupes: before (abc123) | after (this checkout) | after / before (medians)",
        "  twice [ms]: 0 | 0 | -",
    ]


def test_an_older_tree_without_the_whole_app_module_gets_it_from_its_runtime_app(tmp_path: Path) -> None:
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "__init__.py").write_text("")
    (tmp_path / "bot" / "runtime").mkdir(parents=True)
    (tmp_path / "bot" / "__init__.py").write_text("")
    (tmp_path / "bot" / "runtime" / "__init__.py").write_text("")
    (tmp_path / "bot" / "runtime" / "app.py").write_text(
        "def create_app(settings, *, run_worker=True):\n    return ('old app', run_worker)\n"
    )
    probe = (
        f"import sys; sys.path[:0] = [{str(tmp_path)!r}, {str(ROOT / 'bench')!r}]\n"
        "from _in_tree import provide_whole_app\n"
        "provide_whole_app()\n"
        "from tests.whole_app import create_app\n"
        "print(create_app(None, run_worker=False))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "('old app', False)"
