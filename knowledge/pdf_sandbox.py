"""PDF text extraction in a child process of its own, with a time and a memory limit per document.

pypdf is pure Python: a small PDF whose streams inflate to megabytes of drawing commands keeps a core busy for
seconds, and a decompression bomb can take gigabytes. In a child process that work holds neither the web
process's interpreter nor its thread pools, runs at a lower priority, and is stopped at the limits: the
owner gets a 422 saying the PDF is too complex or too large once unpacked, and every other tenant's requests
go on as before. At most two documents are read at once (one per core). The time limit is CPU time of the
child (so a busy machine does not refuse a good PDF), with a wall-clock backstop of five times as long.

The child is this module run as a script: it reads the PDF on stdin and writes one JSON line on stdout.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import os
import signal
import sys
import weakref
from pathlib import Path
from typing import Any

from knowledge.extraction import DocumentError

TIME_LIMIT_S = 8.0
MEMORY_LIMIT_BYTES = 512 * 1024 * 1024
CONCURRENT_DOCUMENTS = 2
WALL_CLOCK_FACTOR = 5
NICENESS = 10
_ROOT = Path(__file__).resolve().parents[1]

TOO_BIG_CODE = "pdf_too_large_unpacked"


def too_slow(limit_s: float) -> DocumentError:
    return DocumentError("pdf_too_complex", seconds=f"{limit_s:g}")


def too_big(limit_bytes: int) -> DocumentError:
    return DocumentError(TOO_BIG_CODE, megabytes=limit_bytes // (1024 * 1024))


def broken() -> DocumentError:
    return DocumentError("unreadable_pdf")


class PdfSandbox:
    """Reads PDFs in child processes, `concurrency` at a time, each within `time_limit_s` and `memory_limit_bytes`."""

    def __init__(
        self,
        *,
        time_limit_s: float = TIME_LIMIT_S,
        memory_limit_bytes: int = MEMORY_LIMIT_BYTES,
        concurrency: int = CONCURRENT_DOCUMENTS,
    ) -> None:
        self.time_limit_s = time_limit_s
        self.memory_limit_bytes = memory_limit_bytes
        self._slots = asyncio.Semaphore(concurrency)
        self.reading = 0  # documents being read right now
        self._changed = asyncio.Condition()

    async def wait_until_reading(self, count: int) -> None:
        """Return once `count` documents are being read at the same time (for tests and benchmarks)."""
        async with self._changed:
            await self._changed.wait_for(lambda: self.reading >= count)

    async def _note(self, delta: int) -> None:
        async with self._changed:
            self.reading += delta
            self._changed.notify_all()

    async def text(self, data: bytes) -> str:
        """The text of every page; raises DocumentError when the PDF is broken, too slow or too big."""
        async with self._slots:
            await self._note(+1)
            try:
                return await self._read(data)
            finally:
                await self._note(-1)

    async def _read(self, data: bytes) -> str:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(_ROOT), os.environ.get("PYTHONPATH", "")]))}
        child = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "knowledge.pdf_sandbox",
            str(self.memory_limit_bytes),
            str(self.time_limit_s),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
            env=env,
            cwd=_ROOT,
        )
        try:
            out, _ = await asyncio.wait_for(child.communicate(data), WALL_CLOCK_FACTOR * self.time_limit_s + 1)
        except TimeoutError:
            raise too_slow(self.time_limit_s) from None
        finally:
            if child.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    child.kill()
                await child.wait()
        return self._answer(out, child.returncode or 0)

    def _answer(self, out: bytes, returncode: int) -> str:
        try:
            answer: dict[str, Any] = json.loads(out)
        except ValueError:
            # The child died without a word: stopped at its CPU-time backstop, or failed in C code.
            raise too_slow(self.time_limit_s) if returncode == -signal.SIGXCPU else broken() from None
        if "text" in answer:
            return str(answer["text"])
        error = answer.get("error", {})
        if error.get("code") == TOO_BIG_CODE:
            raise too_big(self.memory_limit_bytes)
        params = error.get("params")
        raise DocumentError(str(error.get("code", "unreadable_pdf")), **(params if isinstance(params, dict) else {}))


# One sandbox per event loop: its semaphore belongs to the loop it was first used on.
_sandboxes: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, PdfSandbox] = weakref.WeakKeyDictionary()


def sandbox() -> PdfSandbox:
    """The sandbox of the running event loop, made on first use."""
    loop = asyncio.get_running_loop()
    if loop not in _sandboxes:
        _sandboxes[loop] = PdfSandbox()
    return _sandboxes[loop]


async def pdf_text_isolated(data: bytes) -> str:
    """The text of a PDF (see `PdfSandbox.text`), read by the running loop's sandbox."""
    return await sandbox().text(data)


def _limit_child(memory_limit_bytes: int, time_limit_s: float) -> None:
    try:
        import resource
    except ImportError:  # not on this platform (Windows): the parent's time limit still holds
        return
    resource.setrlimit(resource.RLIMIT_AS, (memory_limit_bytes, memory_limit_bytes))
    # SIGXCPU at the soft limit ends the child (the parent reads that as "too slow"); SIGKILL a second later.
    cpu = max(1, math.ceil(time_limit_s))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    with contextlib.suppress(OSError):
        os.nice(NICENESS)


def _child_main(memory_limit_bytes: int, time_limit_s: float) -> None:
    _limit_child(memory_limit_bytes, time_limit_s)
    data = sys.stdin.buffer.read()
    from knowledge.extraction import pdf_text

    try:
        answer: dict[str, Any] = {"text": pdf_text(data)}
    except MemoryError:
        answer = {"error": {"code": TOO_BIG_CODE}}
    except DocumentError as exc:
        answer = {"error": {"code": exc.kind, "params": exc.params}}
    sys.stdout.write(json.dumps(answer))


if __name__ == "__main__":
    _child_main(int(sys.argv[1]), float(sys.argv[2]))
