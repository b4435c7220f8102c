"""Settings at start: a bad value stops `python -m bot serve` at once with one line naming it.

The process tests run `python -m bot serve` from a directory of their own (where a `.env` may lie),
with an environment that carries no platform setting but the ones under test.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.runtime.embedded import free_port
from bot.runtime.settings import SettingsError, load_settings
from tests.test_process import SETTING_NAMES, clean_env, wait_no_servers

START_LIMIT_S = 10.0  # far more than a refused start takes; a start that goes on serving hits it


def run_serve(workdir: Path, **env: str) -> tuple[int, str, float]:
    """(exit code, stderr, seconds) of `python -m bot serve` started in `workdir`."""
    data_dir = workdir / "var"
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--port", str(free_port())],
        cwd=workdir,
        env=clean_env(data_dir, **env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        _, err = proc.communicate(timeout=START_LIMIT_S)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        _, err = proc.communicate()
        wait_no_servers(data_dir)
        pytest.fail(f"serve was still running after {START_LIMIT_S:.0f}s with {env}")
    return proc.returncode, err.decode(errors="replace"), time.monotonic() - started


def assert_refused(code: int, stderr: str, seconds: float, name: str) -> None:
    lines = stderr.splitlines()
    assert code != 0
    assert len(lines) == 1, f"expected one line on stderr, got:\n{stderr}"
    assert name in lines[0], lines[0]
    assert seconds < 5


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("REPLY_DEBOUNCE_MS", "abc"),
        ("MONGODB_URI", "http://x"),
        ("REDIS_URL", "http://y"),
        ("GRAPH_API_URL", "notaurl"),
        ("PUBLIC_URL", "localhost"),
        ("SECRET_KEY", "short"),
        ("LOG_LEVEL", "LOUD"),
        ("GROQ_TIMEOUT_S", "0"),
        ("MONGODB_DB", "sales-bot"),
    ],
)
def test_bad_value_stops_serve_with_one_line_naming_it(tmp_path: Path, name: str, value: str) -> None:
    code, stderr, seconds = run_serve(tmp_path, **{name: value})
    assert_refused(code, stderr, seconds, name)
    assert not (tmp_path / "var").exists(), "a refused start should leave nothing behind"


def test_bad_value_in_dot_env_is_named_too(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("LOG_LEVEL=INFO\nREPLY_DEBOUNCE_MS=soon\n")
    code, stderr, seconds = run_serve(tmp_path)
    assert_refused(code, stderr, seconds, "REPLY_DEBOUNCE_MS")


def test_data_dir_that_is_a_file_stops_serve_with_one_line_naming_it(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    code, stderr, seconds = run_serve(tmp_path, DATA_DIR=str(blocker))
    assert_refused(code, stderr, seconds, "DATA_DIR")


@pytest.fixture
def no_setting_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """In-process: no platform setting in the environment, and the working directory a fresh one."""
    for key in list(os.environ):
        if key.upper() in SETTING_NAMES:
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_dot_env_is_read_and_the_environment_wins(no_setting_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (no_setting_env / ".env").write_text(f"DATA_DIR={no_setting_env / 'from-dotenv'}\nREPLY_DEBOUNCE_MS=250\nLOG_LEVEL=LOUD\n")
    monkeypatch.setenv("LOG_LEVEL", "WARNING")
    settings = load_settings()
    assert settings.data_dir == no_setting_env / "from-dotenv"
    assert settings.reply_debounce_ms == 250
    assert settings.log_level == "WARNING"


def test_unset_secret_key_is_generated_once_under_data_dir(no_setting_env: Path) -> None:
    data_dir = no_setting_env / "var"
    first = load_settings(data_dir=data_dir)
    key_file = data_dir / "secret_key"
    assert key_file.read_text() == first.secret_key and len(first.secret_key) >= 32
    assert key_file.stat().st_mode & 0o077 == 0, "the key file should be readable by its owner only"
    assert load_settings(data_dir=data_dir).secret_key == first.secret_key
    assert load_settings(data_dir=no_setting_env / "other").secret_key != first.secret_key


def test_set_secret_key_is_used_and_nothing_is_written(no_setting_env: Path) -> None:
    settings = load_settings(data_dir=no_setting_env / "var", secret_key="a-configured-secret-of-some-length")
    assert settings.secret_key == "a-configured-secret-of-some-length"
    assert not (no_setting_env / "var" / "secret_key").exists()


@pytest.mark.parametrize("content", ["", "\n", "short"])
def test_a_weak_secret_key_file_is_refused_by_name(no_setting_env: Path, content: str) -> None:
    data_dir = no_setting_env / "var"
    data_dir.mkdir()
    (data_dir / "secret_key").write_text(content)
    with pytest.raises(SettingsError, match="SECRET_KEY"):
        load_settings(data_dir=data_dir)
