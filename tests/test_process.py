"""`python -m bot` as an operator runs it: real processes, embedded servers under a temporary DATA_DIR.

Each process gets its own session (process group) so a test can kill it as a whole, and the
environment never carries MONGODB_URI / REDIS_URL, so every process goes through the embedded servers.
Embedded servers are found through /proc: nx-27017 names DATA_DIR on its command line, redis-server
rewrites its title but runs with its working directory inside DATA_DIR.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.runtime.embedded import free_port
from bot.runtime.settings import Settings

REPO = Path(__file__).resolve().parents[1]
SETTING_NAMES = {name.upper() for name in Settings.model_fields}
READY_TIMEOUT_S = 30.0

PASSWORD = "plum-kettle-orbit-4471"
PAGE_TOKEN = "EAABclearPAGEtokenNEVERonDISKq7Zx"
CAMPAIGN = {
    "name": "Harbour kayak tour",
    "product": {
        "name": "Kayak Tour",
        "description": "Three hours along the harbour",
        "price": 64.5,
        "currency": "EUR",
        "features": ["guide", "dry bag"],
        "call_to_action_url": "https://kayak.example/book",
    },
    "target_platform": "facebook",
    "status": "active",
}


def clean_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """This environment without any platform setting, then DATA_DIR and `extra`."""
    env = {key: value for key, value in os.environ.items() if key.upper() not in SETTING_NAMES}
    env["PYTHONPATH"] = str(REPO)
    env["DATA_DIR"] = str(data_dir)
    env.update(extra)
    return env


def embedded_servers(data_dir: Path) -> dict[int, str]:
    """pid → "nx" or "redis" for every live embedded server working on `data_dir`."""
    root = str(data_dir.resolve())
    found: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            cwd = os.readlink(entry / "cwd")
        except OSError:
            continue
        if root not in cmdline and not (cwd == root or cwd.startswith(root + "/")):
            continue
        if "nx_27017" in cmdline:
            found[int(entry.name)] = "nx"
        elif "redis-server" in cmdline:
            found[int(entry.name)] = "redis"
    return found


def wait_no_servers(data_dir: Path, timeout: float = 5.0) -> dict[int, str]:
    deadline = time.monotonic() + timeout
    while (alive := embedded_servers(data_dir)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return alive


def http(method: str, url: str, body: dict | None = None, token: str = "") -> tuple[int, Any, str]:
    """(status, parsed JSON or text, content type) of one request."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status, raw, ctype = response.status, response.read(), response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        status, raw, ctype = exc.code, exc.read(), exc.headers.get("Content-Type", "")
    text = raw.decode(errors="replace")
    return status, (json.loads(text) if ctype.startswith("application/json") else text), ctype


@dataclass
class Running:
    proc: subprocess.Popen[bytes]
    base: str
    stdout_path: Path
    stderr_path: Path
    started_at: float = field(default_factory=time.monotonic)

    @property
    def stdout(self) -> str:
        return self.stdout_path.read_text(errors="replace")

    @property
    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace")

    def kill_group(self, sig: signal.Signals) -> None:
        try:
            os.killpg(self.proc.pid, sig)
        except ProcessLookupError:
            pass

    def wait_for(self, predicate, what: str, timeout: float = READY_TIMEOUT_S) -> float:
        """Seconds from process start until `predicate()` held; fails if the process exits first."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return time.monotonic() - self.started_at
            if self.proc.poll() is not None:
                pytest.fail(f"process exited ({self.proc.returncode}) before {what}:\n{self.stderr[-3000:]}")
            time.sleep(0.05)
        pytest.fail(f"no {what} within {timeout:.0f}s:\n{self.stderr[-3000:]}")

    def wait_ready(self) -> float:
        def ready() -> bool:
            try:
                return http("GET", f"{self.base}/readyz")[0] == 200
            except OSError:
                return False

        return self.wait_for(ready, "/readyz ok")


@pytest.fixture
def launch(tmp_path: Path) -> Iterator:
    """Start `python -m bot ...` in its own process group; whatever is left is killed at the end."""
    started: list[Running] = []

    def start(data_dir: Path, *args: str, port: int = 0, **env: str) -> Running:
        index = len(started)
        out, err = tmp_path / f"p{index}.out", tmp_path / f"p{index}.err"
        with open(out, "wb") as stdout, open(err, "wb") as stderr:
            proc = subprocess.Popen(
                [sys.executable, "-m", "bot", *args],
                cwd=tmp_path,
                env=clean_env(data_dir, **env),
                stdin=subprocess.DEVNULL,
                stdout=stdout,
                stderr=stderr,
                start_new_session=True,
            )
        running = Running(proc, f"http://127.0.0.1:{port}", out, err)
        started.append(running)
        return running

    yield start
    for running in started:
        running.kill_group(signal.SIGKILL)
        running.proc.wait(timeout=10)


def serve(launch, data_dir: Path, *args: str, **env: str) -> Running:
    port = free_port()
    return launch(data_dir, "serve", "--port", str(port), *args, port=port, **env)


@dataclass
class ThreadGraph:
    url: str
    sends: list[str] = field(default_factory=list)  # the recipient of every message sent


@pytest.fixture(scope="module")
def graph() -> Iterator[ThreadGraph]:
    """A stand-in for Meta's Graph API in a thread: it reads any account for a token that begins as Meta's do, and
    takes every send."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from urllib.parse import parse_qs, urlsplit

    recorded = ThreadGraph("")

    class Graph(BaseHTTPRequestHandler):
        def _answer(self, status: int, body: dict) -> None:
            raw = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            account_id = url.path.rsplit("/", 1)[-1]
            token = parse_qs(url.query).get("access_token", [""])[0]
            if token.startswith("EAA") and account_id.isdigit():
                self._answer(200, {"id": account_id, "name": f"Page {account_id}"})
            else:
                self._answer(400, {"error": {"code": 190, "message": "Invalid OAuth access token"}})

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
            recipient = (body.get("recipient") or {}).get("id", "")
            if "message" in body:
                recorded.sends.append(recipient)
            self._answer(200, {"recipient_id": recipient, "message_id": f"m_out_{len(recorded.sends)}"})

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Graph)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    recorded.url = f"http://127.0.0.1:{server.server_address[1]}/v21.0"
    yield recorded
    server.shutdown()
    server.server_close()


def stop(running: Running, timeout: float = 10.0) -> int:
    running.proc.send_signal(signal.SIGTERM)
    return running.proc.wait(timeout=timeout)


def files_containing(directory: Path, needle: str) -> list[str]:
    return [str(path) for path in directory.rglob("*") if path.is_file() and needle.encode() in path.read_bytes()]


def test_serve_keeps_data_across_a_crash_and_stores_no_secret_in_clear(launch, tmp_path: Path, graph: ThreadGraph) -> None:
    data_dir = tmp_path / "var"
    first = serve(launch, data_dir, GRAPH_API_URL=graph.url)
    first.wait_ready()

    status, ready, _ = http("GET", f"{first.base}/readyz")
    assert ready["checks"]["mongodb"] == "ok" and ready["checks"]["redis"] == "ok"
    assert http("GET", f"{first.base}/healthz")[:2] == (200, {"status": "ok"})
    status, text, ctype = http("GET", f"{first.base}/metrics")
    assert status == 200 and ctype.startswith("text/plain")
    assert any(family.name.startswith("salesbot_") for family in text_string_to_metric_families(text))

    email = "kayak-owner@example.com"
    status, signed_up, _ = http(
        "POST", f"{first.base}/api/signup", {"email": email, "password": PASSWORD, "business_name": "Harbour Kayaks"}
    )
    assert status == 201, signed_up
    api_token = signed_up["api_token"]
    status, campaign, _ = http("POST", f"{first.base}/api/campaigns", CAMPAIGN, api_token)
    assert status == 201, campaign
    channel_body = {"platform": "facebook", "account_id": "4455667788", "access_token": PAGE_TOKEN, "name": "Kayak page"}
    status, channel, _ = http("POST", f"{first.base}/api/channels", channel_body, api_token)
    assert status == 201, channel
    status, logged_in, _ = http("POST", f"{first.base}/api/login", {"email": email, "password": PASSWORD})
    assert status == 200
    secret_key = (data_dir / "secret_key").read_text()

    servers = embedded_servers(data_dir)
    assert sorted(servers.values()) == ["nx", "redis"], servers
    first.kill_group(signal.SIGKILL)
    first.proc.wait(timeout=10)
    assert wait_no_servers(data_dir) == {}

    stored = [data_dir / "mongo", data_dir / "redis"]
    assert any(files_containing(d, email) for d in stored), "the owner's e-mail should be on disk (else the scan proves nothing)"
    for needle in (PASSWORD, PAGE_TOKEN, api_token, logged_in["api_token"]):
        leaked = [path for d in stored for path in files_containing(d, needle)]
        assert leaked == [], f"a secret is stored in clear in {leaked}"

    second = serve(launch, data_dir)
    second.wait_ready()
    status, again, _ = http("POST", f"{second.base}/api/login", {"email": email, "password": PASSWORD})
    assert status == 200, again
    token = again["api_token"]
    status, listed, _ = http("GET", f"{second.base}/api/campaigns", token=token)
    assert [c["id"] for c in listed["campaigns"]] == [campaign["id"]]
    assert listed["campaigns"][0]["name"] == CAMPAIGN["name"]
    status, channels, _ = http("GET", f"{second.base}/api/channels", token=token)
    assert [(c["id"], c["account_id"]) for c in channels["channels"]] == [(channel["id"], "4455667788")]
    # The masked token is cut from the decrypted one: it matches only if the same key decrypts it.
    assert channels["channels"][0]["access_token"] == channel["access_token"]
    assert (data_dir / "secret_key").read_text() == secret_key


def test_sigterm_exits_zero_and_stops_the_embedded_servers(launch, tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    running = serve(launch, data_dir)
    running.wait_ready()
    assert sorted(embedded_servers(data_dir).values()) == ["nx", "redis"]
    assert stop(running) == 0, running.stderr[-2000:]
    assert embedded_servers(data_dir) == {}


def test_sigkill_of_the_main_process_alone_takes_the_embedded_servers_down(launch, tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    running = serve(launch, data_dir)
    running.wait_ready()
    assert sorted(embedded_servers(data_dir).values()) == ["nx", "redis"]
    running.proc.kill()  # only the parent, as an OOM killer would
    running.proc.wait(timeout=10)
    assert wait_no_servers(data_dir) == {}


def test_worker_beside_serve_uses_its_servers(launch, tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    web = serve(launch, data_dir)
    web.wait_ready()
    before = embedded_servers(data_dir)
    assert sorted(before.values()) == ["nx", "redis"]

    worker = launch(data_dir, "worker")
    # The servers are resolved before the worker loop starts, so by this line any second pair would exist.
    worker.wait_for(lambda: "worker started" in worker.stderr, "worker started")
    assert worker.proc.poll() is None, worker.stderr[-2000:]
    assert embedded_servers(data_dir) == before

    assert stop(worker) == 0, worker.stderr[-2000:]
    # The worker owns no server: serve's stay up and serve stays ready.
    assert embedded_servers(data_dir) == before
    assert http("GET", f"{web.base}/readyz")[0] == 200
    assert stop(web) == 0


def test_serve_survives_a_worker_that_started_first_and_stops(launch, tmp_path: Path) -> None:
    # The Procfile starts `web` and `worker` together: either may come up first on one DATA_DIR.
    # A worker never starts embedded servers: it waits for those of serve.
    data_dir = tmp_path / "var"
    worker = launch(data_dir, "worker")
    worker.wait_for(lambda: "waiting for the embedded servers" in worker.stderr, "the worker waiting for serve")
    assert embedded_servers(data_dir) == {}, "a worker alone started embedded servers"
    web = serve(launch, data_dir)
    web.wait_ready()
    worker.wait_for(lambda: "worker started" in worker.stderr, "worker started")
    assert sorted(embedded_servers(data_dir).values()) == ["nx", "redis"]

    assert stop(worker) == 0, worker.stderr[-2000:]
    status, ready, _ = http("GET", f"{web.base}/readyz")
    assert status == 200, f"serve lost its servers when the worker stopped: {ready}"


# --- demo and eval: two demo starts on one DATA_DIR, then the quality report of the demo tenant ---

DEMO_LINE = re.compile(r"Demo tenant (?P<tenant>[0-9a-f]+) is ready")
LOGIN_LINE = re.compile(r"Login:\s+(?P<email>\S+) / (?P<password>\S+)")


@dataclass
class DemoRun:
    base: str
    stdout: str
    tenant_id: str
    email: str
    password: str
    campaigns: list[dict]
    urls_ok: dict[str, int]


@pytest.fixture(scope="module")
def demo_runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, list[DemoRun]]]:
    workdir = tmp_path_factory.mktemp("demo")
    data_dir = workdir / "var"
    runs: list[DemoRun] = []
    for index in range(2):
        port = free_port()
        out, err = workdir / f"demo{index}.out", workdir / f"demo{index}.err"
        with open(out, "wb") as stdout, open(err, "wb") as stderr:
            proc = subprocess.Popen(
                [sys.executable, "-m", "bot", "demo", "--port", str(port)],
                cwd=workdir,
                env=clean_env(data_dir),
                stdin=subprocess.DEVNULL,
                stdout=stdout,
                stderr=stderr,
                start_new_session=True,
            )
        running = Running(proc, f"http://127.0.0.1:{port}", out, err)
        try:
            running.wait_for(lambda running=running: LOGIN_LINE.search(running.stdout) is not None, "the demo login line")
            running.wait_ready()
            text = running.stdout
            tenant, login = DEMO_LINE.search(text), LOGIN_LINE.search(text)
            assert tenant and login, text
            status, session, _ = http(
                "POST", f"{running.base}/api/login", {"email": login["email"], "password": login["password"]}
            )
            assert status == 200, session
            campaigns = http("GET", f"{running.base}/api/campaigns", token=session["api_token"])[1]["campaigns"]
            urls = re.findall(r"(?:Dashboard|Playground|API):\s+(\S+)", text)
            urls_ok = {url: http("GET", url)[0] for url in urls}
            runs.append(DemoRun(running.base, text, tenant["tenant"], login["email"], login["password"], campaigns, urls_ok))
            assert stop(running) == 0
        finally:
            running.kill_group(signal.SIGKILL)
            proc.wait(timeout=10)
    yield data_dir, runs


def test_demo_prints_login_and_urls_that_work(demo_runs) -> None:
    _, runs = demo_runs
    first = runs[0]
    assert len(first.urls_ok) == 3 and all(status == 200 for status in first.urls_ok.values()), first.urls_ok
    assert all(url.startswith(first.base + "/") for url in first.urls_ok), first.urls_ok
    assert first.email and first.password


def test_second_demo_start_does_not_duplicate(demo_runs) -> None:
    _, runs = demo_runs
    assert len(runs[0].campaigns) == 3
    assert runs[1].tenant_id == runs[0].tenant_id
    assert len(runs[1].campaigns) == 3
    assert sorted(c["id"] for c in runs[1].campaigns) == sorted(c["id"] for c in runs[0].campaigns)


@pytest.fixture(scope="module")
def demo_eval(demo_runs) -> subprocess.CompletedProcess[str]:
    data_dir, runs = demo_runs
    return subprocess.run(
        [sys.executable, "-m", "bot", "eval", runs[0].tenant_id],
        cwd=data_dir.parent,
        env=clean_env(data_dir),
        capture_output=True,
        text=True,
        timeout=120,
        start_new_session=True,
    )


def test_eval_of_the_demo_tenant_reports_no_invented_amounts(demo_eval, demo_runs) -> None:
    data_dir, _ = demo_runs
    assert demo_eval.returncode == 0, demo_eval.stderr[-2000:]
    out = demo_eval.stdout
    questions = re.search(r"(\d+) questions", out)
    assert questions and int(questions[1]) > 0, out
    for figure in ("answered", "retrieval hit", "handoff rate"):
        assert re.search(rf"{figure}\s+(?:\d+/\d+ \(\d+%\)|n/a)", out), (figure, out)
    assert re.search(r"wrong amounts sent\s+0$", out, re.M), out
    assert re.search(r"unsupported claims sent\s+0$", out, re.M), out
    assert wait_no_servers(data_dir) == {}


def test_eval_of_an_unknown_tenant_exits_2_with_one_line(demo_runs) -> None:
    data_dir, _ = demo_runs
    done = subprocess.run(
        [sys.executable, "-m", "bot", "eval", "no-such-tenant"],
        cwd=data_dir.parent,
        env=clean_env(data_dir, LOG_LEVEL="WARNING"),
        capture_output=True,
        text=True,
        timeout=120,
        start_new_session=True,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stdout == ""
    assert done.stderr.strip().splitlines() == ["unknown tenant no-such-tenant: it has no profile, campaign or document"]
    assert wait_no_servers(data_dir) == {}


def test_eval_at_log_level_info_writes_no_debug_lines(demo_eval) -> None:
    levels = {json.loads(line).get("level") for line in demo_eval.stderr.splitlines() if line.startswith("{")}
    assert "DEBUG" not in levels, [line for line in demo_eval.stderr.splitlines() if '"DEBUG"' in line][:3]


def test_files_under_data_dir_are_private(launch, tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    # A file left by an older version, readable by everyone: the start makes it private too.
    (data_dir / "mongo").mkdir(parents=True)
    loose = data_dir / "mongo" / "old.log"
    loose.write_text("older start")
    loose.chmod(0o644)
    (data_dir / "mongo").chmod(0o755)
    running = serve(launch, data_dir)
    running.wait_ready()
    status, _, _ = http(
        "POST", f"{running.base}/api/signup", {"email": "perm@example.com", "password": PASSWORD, "business_name": "Perms"}
    )
    assert status == 201
    open_to_others = {
        str(path.relative_to(data_dir)): oct(path.stat().st_mode & 0o777)
        for path in [data_dir, *data_dir.rglob("*")]
        if path.stat().st_mode & 0o077
    }
    files = [path for path in data_dir.rglob("*") if path.is_file()]
    assert any(path.suffix == ".aof" or "appendonly" in path.name for path in files), [str(f) for f in files]
    assert open_to_others == {}
    assert stop(running) == 0


@pytest.mark.parametrize("victim", ["nx", "redis"])
def test_an_embedded_server_killed_with_sigkill_is_restarted_and_serve_is_ready_again(
    launch, tmp_path: Path, victim: str
) -> None:
    data_dir = tmp_path / "var"
    running = serve(launch, data_dir)
    running.wait_ready()
    status, _, _ = http(
        "POST", f"{running.base}/api/signup", {"email": "kill@example.com", "password": PASSWORD, "business_name": "Kill"}
    )
    assert status == 201
    [killed] = [pid for pid, name in embedded_servers(data_dir).items() if name == victim]
    os.kill(killed, signal.SIGKILL)

    def restarted() -> bool:
        now = {name: pid for pid, name in embedded_servers(data_dir).items()}
        return victim in now and now[victim] != killed and http("GET", f"{running.base}/readyz")[0] == 200

    running.wait_for(restarted, f"the embedded {victim} restarted and /readyz ok")
    # The dead child was reaped (no zombie left behind) and the pid file names the new server.
    assert not Path(f"/proc/{killed}").exists()
    if victim == "nx":
        assert int((data_dir / "mongo" / "nx.pid").read_text()) == next(
            p for p, n in embedded_servers(data_dir).items() if n == "nx"
        )
    status, again, _ = http("POST", f"{running.base}/api/login", {"email": "kill@example.com", "password": PASSWORD})
    assert status == 200, again  # the data written before the kill is there
    assert stop(running) == 0
    assert wait_no_servers(data_dir) == {}


def test_serve_no_worker_takes_webhooks_and_a_worker_beside_it_answers_them(launch, tmp_path: Path, graph: ThreadGraph) -> None:
    import hashlib
    import hmac

    import redis

    data_dir = tmp_path / "var"
    meta = {"GRAPH_API_URL": graph.url, "META_APP_ID": "424242", "META_APP_SECRET": "split-secret", "REPLY_DEBOUNCE_MS": "0"}
    web = serve(launch, data_dir, "--no-worker", **meta)
    web.wait_ready()
    status, owner, _ = http(
        "POST", f"{web.base}/api/signup", {"email": "split@example.com", "password": PASSWORD, "business_name": "Split"}
    )
    assert status == 201
    assert http("POST", f"{web.base}/api/campaigns", CAMPAIGN, owner["api_token"])[0] == 201
    channel = {"platform": "facebook", "account_id": "5566778899", "access_token": "EAAsplitPAGEtoken123"}
    assert http("POST", f"{web.base}/api/channels", channel, owner["api_token"])[0] == 201
    body = json.dumps(
        {
            "object": "page",
            "entry": [
                {
                    "id": "5566778899",
                    "time": int(time.time() * 1000),
                    "messaging": [
                        {
                            "sender": {"id": "77001"},
                            "recipient": {"id": "5566778899"},
                            "timestamp": int(time.time() * 1000),
                            "message": {"mid": "m_split_1", "text": "How much is the kayak tour?"},
                        }
                    ],
                }
            ],
        }
    ).encode()
    request = urllib.request.Request(
        f"{web.base}/webhooks/messenger",
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "X-Hub-Signature-256": "sha256=" + hmac.new(b"split-secret", body, hashlib.sha256).hexdigest(),
        },
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200

    queue = redis.Redis.from_url(json.loads((data_dir / "embedded.json").read_text())["redis_url"], decode_responses=True)
    try:
        assert queue.xlen("inbound") == 1  # queued, and no consumer of the web process read it
        assert queue.xinfo_consumers("inbound", "workers") == []
        worker = launch(data_dir, "worker", **meta)
        worker.wait_for(lambda: graph.sends.count("77001") == 1, "the worker's reply")
        worker.wait_for(lambda: queue.xlen("inbound") == 0, "the delivery acknowledged")
        readers = {consumer["name"].split("-")[0] for consumer in queue.xinfo_consumers("inbound", "workers")}
        assert readers == {"worker"}
    finally:
        queue.close()
    assert stop(worker) == 0
    assert stop(web) == 0
