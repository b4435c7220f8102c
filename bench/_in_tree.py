"""One bench's rows, measured on the project code in the current folder: `python bench/_in_tree.py NAME OUT [--quick]`.

`bench/before_after.py` runs this with the folder set to an exported commit (and BENCH_CODE_TREE naming it), so
the bench of this checkout measures that commit's code. The rows are written to OUT as JSON.
"""

from __future__ import annotations

import asyncio
import dataclasses
import importlib
import inspect
import json
import sys
import types
from pathlib import Path


def provide_whole_app() -> None:
    """Older commits built the whole app in `bot.runtime.app` (with the owner side by default) before
    `tests/whole_app.py` existed: the benches' import of it is answered from there."""
    try:
        importlib.import_module("tests.whole_app")
    except ModuleNotFoundError:
        runtime_app = importlib.import_module("bot.runtime.app")
        shim = types.ModuleType("tests.whole_app")
        shim.create_app = runtime_app.create_app  # type: ignore[attr-defined]
        sys.modules["tests.whole_app"] = shim


def main() -> None:
    name, out = sys.argv[1], Path(sys.argv[2])
    import _harness  # noqa: F401  (puts the measured code on sys.path)

    provide_whole_app()
    produced = importlib.import_module(name).rows("--quick" in sys.argv)
    rows = asyncio.run(produced) if inspect.iscoroutine(produced) else produced
    out.write_text(json.dumps([dataclasses.asdict(row) for row in rows]))


if __name__ == "__main__":
    main()
