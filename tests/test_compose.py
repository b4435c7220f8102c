"""compose.yaml, the production shape, checked for structure (Docker itself does not run here): the services and
their official images, health checks, start order, and commands the platform's own command line accepts."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.runtime.cli import _parser

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, Any]:
    return compose["services"]


def platform_command(command: list[str]):
    """The command as `python -m bot` reads it (argparse exits on anything it does not know)."""
    assert command[:3] == ["python", "-m", "bot"], command
    return _parser().parse_args(command[3:])


def test_every_part_of_the_production_shape_is_there(services: dict[str, Any]) -> None:
    assert set(services) == {"mongo", "redis", "web", "worker", "proxy"}
    assert re.fullmatch(r"mongo:8(\.\d+)*", services["mongo"]["image"])
    assert re.fullmatch(r"redis:\d+(\.\d+)*", services["redis"]["image"])
    assert re.fullmatch(r"(nginx|caddy):[\w.-]+", services["proxy"]["image"])
    assert services["web"]["deploy"]["replicas"] >= 2 and services["worker"]["deploy"]["replicas"] >= 2


def test_mongodb_runs_as_a_replica_set_that_its_health_check_initiates(services: dict[str, Any]) -> None:
    mongo = services["mongo"]
    assert mongo["command"][mongo["command"].index("--replSet") + 1] == "rs0"
    check = " ".join(mongo["healthcheck"]["test"])
    assert "rs.initiate(" in check and "host: 'mongo:27017'" in check
    for role in ("web", "worker"):
        uri = services[role]["environment"]["MONGODB_URI"]
        assert uri.startswith("mongodb://mongo:27017/") and "replicaSet=rs0" in uri


def test_redis_keeps_an_append_only_file(services: dict[str, Any]) -> None:
    command = services["redis"]["command"]
    assert command[command.index("--appendonly") + 1] == "yes"
    assert services["redis"]["volumes"] and services["web"]["environment"]["REDIS_URL"] == "redis://redis:6379/0"


def test_web_and_worker_run_the_platforms_own_commands_from_its_image(services: dict[str, Any]) -> None:
    web = platform_command(services["web"]["command"])
    assert (web.command, web.no_worker, web.host) == ("serve", True, "0.0.0.0")
    assert platform_command(services["worker"]["command"]).command == "worker"
    for role in ("web", "worker"):
        assert services[role]["build"] == "." and services[role]["image"] == services["web"]["image"]
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim$", dockerfile, re.M)
    assert "pip install --no-cache-dir -r requirements.txt" in dockerfile and "npm ci --ignore-scripts" in dockerfile
    # Every process shares one secret key: compose refuses to start without it.
    assert services["web"]["environment"]["SECRET_KEY"].startswith("${SECRET_KEY:?")


def test_the_proxy_sends_to_the_port_the_web_processes_listen_on(services: dict[str, Any]) -> None:
    web = platform_command(services["web"]["command"])
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    assert f"http://web:{web.port};" in nginx
    mounted = {volume.split(":")[0]: volume.split(":")[1] for volume in services["proxy"]["volumes"]}
    assert mounted["./deploy/nginx.conf"] == "/etc/nginx/conf.d/default.conf"
    assert services["web"]["environment"]["TRUSTED_PROXY_HOPS"] == "1"


def test_each_service_has_a_health_check_and_starts_after_what_it_needs(services: dict[str, Any]) -> None:
    for name, service in services.items():
        assert service["healthcheck"]["test"][0] == "CMD", name
    web = platform_command(services["web"]["command"])
    assert f"http://127.0.0.1:{web.port}/readyz" in " ".join(services["web"]["healthcheck"]["test"])
    for role in ("web", "worker"):
        assert services[role]["depends_on"] == {
            "mongo": {"condition": "service_healthy"},
            "redis": {"condition": "service_healthy"},
        }
    assert services["proxy"]["depends_on"] == {"web": {"condition": "service_healthy"}}
