"""The architecture, read from the source (every static import, nested ones too, and every string naming one of
our modules, since a `module:function` string loaded at run time is an import all the same).

One table, `ROOMS`, declares each room (a package of ours, or the loose modules directly in `bot/`), which
rooms it may import (some only through named modules, e.g. the runtime's one door `bot/runtime/host.py`), and
which I/O libraries it may use (by prefix: `aiohttp` covers `aiohttp.web` and `aiohttp.ClientSession`). Every
other arrow fails. The table itself is kept honest: every sub-package of `bot/` and `dashboard/` is declared,
no declared arrow climbs back up (only the process's entry assembles the runtime with the owner side), and the
rooms of `bot/`, `channels/` and `knowledge/` import each other in one direction only.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
OURS = ("bot", "channels", "knowledge", "dashboard")

# Libraries that reach a store, the network or a heavy engine: only rooms declared as their edges import them.
IO_LIBRARIES = (
    "pymongo",
    "redis",
    "aiohttp",  # the client and the server
    "httpx",
    "groq",
    "langchain_groq",  # the chat model client (langchain_core's messages and runnables are plain values)
    "aiosmtplib",
    "smtplib",
    "bm25s",  # the search index, built and held by knowledge/
    "pypdf",  # PDF reading, sandboxed by knowledge/
)

# `knowledge/`'s modules that hold values and pure functions on text, which the pure pipeline may use.
KNOWLEDGE_VALUES = ("knowledge.models", "knowledge.money", "knowledge.language", "knowledge.concepts", "knowledge.text_structure")
# The one door of the runtime for the rooms above it.
RUNTIME_DOOR = ("bot.runtime.host",)
ANY: tuple[str, ...] = ()  # an arrow that may reach any module of its room


@dataclass(frozen=True)
class Room:
    """`imports`: the rooms this one may import, each with the modules it must go through (ANY: all of them)."""

    what: str
    imports: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    io: tuple[str, ...] = ()


BOT_DOMAIN = (
    "bot",
    "bot.i18n",
    "bot.pipeline",
    "bot.outbound_webhooks",
    "bot.sales",
    "bot.conversations",
    "bot.follow_ups",
    "bot.inbound",
    "bot.evaluation",
)

ROOMS: dict[str, Room] = {
    "knowledge": Room("each tenant's knowledge base", {}, ("pymongo", "bm25s", "pypdf")),
    "channels": Room(
        "Meta's platforms: parsing, sending, webhooks, accounts", {"knowledge": ANY}, ("aiohttp", "pymongo", "redis")
    ),
    "bot": Room("the clock, metrics, outages and log context beside the rooms", {}, ("pymongo", "redis")),
    "bot.i18n": Room("the bot's own sentences", {}),
    "bot.pipeline": Room("pure reply steps", {"bot.i18n": ANY, "knowledge": KNOWLEDGE_VALUES}),
    "bot.outbound_webhooks": Room(
        "the owner's CRM told: endpoints, the outbox, signed deliveries to checked addresses",
        {"channels": ("channels.crypto",), "knowledge": ("knowledge.db",)},
        ("aiohttp", "pymongo"),
    ),
    "bot.sales": Room(
        "leads, conversions, counters, ad attribution and spend; conversions told to Meta through the Graph client",
        {
            "bot": ANY,
            "bot.outbound_webhooks": ANY,
            "bot.pipeline": ANY,
            "channels": ("channels.crypto", "channels.graph", "channels.graph_errors"),
            "knowledge": ANY,
        },
        ("pymongo",),
    ),
    "bot.conversations": Room(
        "conversations, messages, turns, sending, bot settings",
        {"bot": ANY, "bot.outbound_webhooks": ANY, "bot.pipeline": ANY, "bot.sales": ANY, "channels": ANY, "knowledge": ANY},
        ("pymongo",),
    ),
    "bot.follow_ups": Room(
        "nudges after a silence: when, what, and the scheduler every worker runs",
        {
            "bot": ANY,
            "bot.i18n": ANY,
            "bot.pipeline": ANY,
            "bot.sales": ANY,
            "bot.conversations": ANY,
            "channels": ANY,
            "knowledge": ANY,
        },
        ("pymongo",),
    ),
    "bot.inbound": Room(
        "the stream, the worker, event dispatch, voice notes read",
        {
            "bot": ANY,
            "bot.pipeline": ANY,
            "bot.sales": ANY,
            "bot.conversations": ANY,
            "bot.follow_ups": ("bot.follow_ups.plans",),
            "channels": ANY,
            "knowledge": ANY,
        },
        ("pymongo", "redis", "aiohttp"),
    ),
    "bot.evaluation": Room(
        "the quality report",
        {"bot.pipeline": ANY, "bot.conversations": ANY, "channels": ANY, "knowledge": ANY},
        ("pymongo",),
    ),
    "bot.runtime": Room(
        "the process: settings, servers, services, the app, the model client",
        {**{room: ANY for room in BOT_DOMAIN}, "channels": ANY, "knowledge": ANY},
        ("aiohttp", "pymongo", "redis", "langchain_groq", "groq"),
    ),
    "bot.__main__": Room(
        "the process's entry: hands the owner side to the runtime",
        {"bot.runtime": ("bot.runtime.cli", *RUNTIME_DOOR), "dashboard": ("dashboard.web",)},
    ),
    "dashboard": Room(
        "the owner side beside its rooms: sessions, analytics, alerts, the demo",
        {
            **{room: ANY for room in BOT_DOMAIN if room != "bot.i18n"},
            "bot.runtime": RUNTIME_DOOR,
            "channels": ANY,
            "knowledge": ANY,
            **{room: ANY for room in ("dashboard.api", "dashboard.pages", "dashboard.leo", "dashboard.team", "dashboard.i18n")},
        },
        ("aiohttp", "aiosmtplib", "pymongo", "redis"),
    ),
    "dashboard.api": Room(
        "the owner JSON API",
        {
            **{room: ANY for room in BOT_DOMAIN if room != "bot.i18n"},
            "bot.runtime": RUNTIME_DOOR,
            "channels": ANY,
            "knowledge": ANY,
            **{room: ANY for room in ("dashboard", "dashboard.leo", "dashboard.team", "dashboard.i18n")},
        },
        ("aiohttp", "pymongo", "redis"),
    ),
    "dashboard.pages": Room(
        "the owner's pages",
        {
            **{
                room: ANY
                for room in ("bot", "bot.conversations", "bot.evaluation", "bot.follow_ups", "bot.outbound_webhooks", "bot.sales")
            },
            "bot.runtime": RUNTIME_DOOR,
            "channels": ANY,
            "knowledge": ANY,
            **{room: ANY for room in ("dashboard", "dashboard.api", "dashboard.team", "dashboard.i18n")},
        },
        ("aiohttp", "redis"),
    ),
    "dashboard.leo": Room(
        "the owner's analyst",
        {
            **{room: ANY for room in ("bot.conversations", "bot.pipeline", "bot.sales")},
            "knowledge": ANY,
            **{room: ANY for room in ("dashboard", "dashboard.i18n")},
        },
        ("langchain_groq", "pymongo"),
    ),
    "dashboard.team": Room(
        "roles, invitations, who did what",
        {
            "bot.runtime": RUNTIME_DOOR,
            "knowledge": ("knowledge.domain_errors", "knowledge.db"),
            **{room: ANY for room in ("dashboard", "dashboard.api", "dashboard.pages", "dashboard.i18n")},
        },
        ("aiohttp", "pymongo"),
    ),
    "dashboard.i18n": Room("the owner's language", {"bot.i18n": ANY}),
}

# Names two packages share on purpose: each pair is one thing seen from two sides.
SHARED_NAMES = {
    "store.py": "each package's own collections, their indexes and reads/writes",
    "errors.py": "each package's failures shown to the owner as the API's error shape",
    "campaigns.py": "the catalog in knowledge/ and its owner API route",
    "leads.py": "leads in bot/sales/ and their owner API route",
    "bot_settings.py": "the tenant's bot settings in bot/conversations/ and their owner API route",
    "analytics.py": "the analytics read side and its owner API route",
    "auth.py": "who is calling (middleware) and the sign-up/login routes",
    "leo.py": "the owner's assistant and its chat route",
    "playground.py": "the playground's API route and its page",
}

# A string naming one of our modules, e.g. "dashboard.web:setup" handed to importlib.
_MODULE_STRING = re.compile(r"^(bot|channels|knowledge|dashboard)(\.\w+)+(:\w+)?$")


def _absolute(module: str | None, level: int, importer: str) -> str:
    """The absolute dotted name of `from <level dots><module> import ...` inside module `importer`."""
    if level == 0:
        return module or ""
    base = importer.split(".")[:-level]
    return ".".join([*base, module] if module else base)


def _module_name(path: Path, root: Path) -> str:
    return ".".join(path.relative_to(root).with_suffix("").parts)


def imports_of(path: Path, root: Path) -> list[tuple[int, str]]:
    """(line, imported module) for every import statement, and every string naming a module of ours, in the
    file at `path` below `root`."""
    relative = path.relative_to(root).with_suffix("")
    importer = ".".join(relative.parts[:-1] if relative.name == "__init__" else relative.parts)
    if relative.name == "__init__":
        importer += ".__init__"  # so one leading dot resolves to the package itself
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            target = _absolute(node.module, node.level, importer)
            found.append((node.lineno, target))
            # `from bot import settings` names the submodule through the alias.
            found.extend((node.lineno, f"{target}.{alias.name}") for alias in node.names)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and _MODULE_STRING.match(node.value):
            found.append((node.lineno, node.value.partition(":")[0]))
    return found


def _within(module: str, packages: Iterable[str]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def room_of(module: str) -> str | None:
    """The declared room a module of ours belongs to (the longest declared prefix); None for other libraries."""
    if module.split(".")[0] not in OURS:
        return None
    return max((room for room in ROOMS if _within(module, (room,))), key=len, default=None)


def _through_ok(module: str, through: tuple[str, ...]) -> bool:
    # A bare package named on the way (`from bot.runtime import host` also yields `bot.runtime`) is no arrow.
    return not through or _within(module, through) or any(door.startswith(module + ".") for door in through)


def forbidden(graph: Mapping[str, Iterable[tuple[int, str]]], rooms: Mapping[str, Room] = ROOMS) -> list[str]:
    """Every import in `graph` (importing module → its (line, imported module)s) that the table does not allow."""
    found = []
    for importer, imported in graph.items():
        home = room_of(importer)
        assert home is not None, f"{importer} belongs to no declared room"
        room = rooms[home]
        for line, module in imported:
            top = module.split(".")[0]
            if top in IO_LIBRARIES and top not in room.io:
                found.append(f"{importer}:{line} uses {module}: {home} is no I/O edge for {top}")
            target = room_of(module)
            if target is None or target == home:
                continue
            if target not in room.imports:
                found.append(f"{importer}:{line} imports {module}: {home} may not import {target}")
            elif not _through_ok(module, room.imports[target]):
                found.append(f"{importer}:{line} imports {module}: {home} reaches {target} only through {room.imports[target]}")
    return sorted(set(found))


def source_graph(root: Path) -> dict[str, list[tuple[int, str]]]:
    return {
        _module_name(path, root): imports_of(path, root) for package in OURS for path in sorted((root / package).rglob("*.py"))
    }


def test_every_import_follows_the_table() -> None:
    assert forbidden(source_graph(REPO)) == []


def test_every_room_of_bot_and_dashboard_is_declared() -> None:
    # channels/ and knowledge/ are one room each, their sub-folders included, unless a sub-folder is declared.
    packages = {_module_name(init.parent, REPO) for top in ("bot", "dashboard") for init in (REPO / top).glob("*/__init__.py")}
    assert packages - set(ROOMS) == set()
    assert {"bot", "bot.__main__", "channels", "knowledge", "dashboard"} <= set(ROOMS)
    assert all(target in ROOMS for room in ROOMS.values() for target in room.imports)
    assert all(lib in IO_LIBRARIES for room in ROOMS.values() for lib in room.io)


def _climbs(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """The cycles among `graph`'s nodes, each as the path that closes it."""
    cycles, state = [], {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = "open"
        for nxt in graph.get(node, ()):
            if state.get(nxt) == "open":
                cycles.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = "done"

    for node in graph:
        if node not in state:
            visit(node, [node])
    return cycles


def test_the_rooms_below_the_owner_side_import_in_one_direction() -> None:
    lower = {
        name: [t for t in room.imports if not t.startswith("dashboard")]
        for name, room in ROOMS.items()
        if not name.startswith("dashboard")
    }
    assert _climbs(lower) == []


def test_only_the_entry_reaches_the_owner_side_and_only_through_the_door() -> None:
    reach_dashboard = sorted(
        name
        for name, room in ROOMS.items()
        if not name.startswith("dashboard") and any(t.startswith("dashboard") for t in room.imports)
    )
    assert reach_dashboard == ["bot.__main__"]
    runtime_users = {name: room.imports["bot.runtime"] for name, room in ROOMS.items() if "bot.runtime" in room.imports}
    assert all(name == "bot.__main__" or through == RUNTIME_DOOR for name, through in runtime_users.items())
    assert not any(name.startswith("bot.") and name not in ("bot.runtime", "bot.__main__") for name in runtime_users)


def test_the_pipeline_is_no_io_edge() -> None:
    assert ROOMS["bot.pipeline"].io == ()
    # The chat model client is the runtime's; the pipeline receives it (bot/pipeline/model_client.py).
    assert sorted(name for name, room in ROOMS.items() if "langchain_groq" in room.io) == ["bot.runtime", "dashboard.leo"]


def _synthetic(importer_room: str, module: str) -> dict[str, list[tuple[int, str]]]:
    importer = importer_room if importer_room == "bot.__main__" else f"{importer_room}.synthetic_module"
    return {importer: [(1, module)]}


def _some_module_of(room: str) -> str:
    return room if room == "bot.__main__" else f"{room}.some_module"


@pytest.mark.parametrize("importer", sorted(ROOMS))
def test_each_arrow_the_table_lacks_fails(importer: str) -> None:
    room = ROOMS[importer]
    for target in ROOMS:
        if target == importer:
            continue
        found = forbidden(_synthetic(importer, _some_module_of(target)))
        through = room.imports.get(target)
        allowed = through is not None and not through
        assert (found == []) == allowed, (importer, target, found)
        for door in through or ():
            assert forbidden(_synthetic(importer, f"{door}.a_name")) == [], (importer, door)
    for library in IO_LIBRARIES:
        found = forbidden(_synthetic(importer, f"{library}.client"))
        assert (found == []) == (library in room.io), (importer, library, found)


def test_a_string_hook_is_an_arrow(tmp_path: Path) -> None:
    (tmp_path / "bot" / "runtime").mkdir(parents=True)
    hook = tmp_path / "bot" / "runtime" / "app.py"
    hook.write_text('EXTENSIONS = ("dashboard.web:setup_dashboard",)\n')
    graph = {"bot.runtime.app": imports_of(hook, tmp_path)}
    assert forbidden(graph) == ["bot.runtime.app:1 imports dashboard.web: bot.runtime may not import dashboard"]


def test_knowledge_values_stay_pure() -> None:
    found = []
    for value_module in KNOWLEDGE_VALUES:
        path = REPO / (value_module.replace(".", "/") + ".py")
        found += [
            f"{value_module} imports {module}"
            for _, module in imports_of(path, REPO)
            if module.split(".")[0] in IO_LIBRARIES or (module.startswith("knowledge.") and not _within(module, KNOWLEDGE_VALUES))
        ]
    assert found == []


def test_bot_keeps_few_modules_outside_its_rooms() -> None:
    loose = sorted(p.name for p in (REPO / "bot").glob("*.py") if p.name != "__init__.py")
    assert len(loose) <= 8, loose


def test_files_in_different_packages_share_a_name_only_for_one_thing() -> None:
    homes: dict[str, set[str]] = defaultdict(set)
    for package in OURS:
        for path in (REPO / package).rglob("*.py"):
            if path.name not in ("__init__.py", "__main__.py"):
                homes[path.name].add(str(path.parent.relative_to(REPO)))
    shared = {name for name, folders in homes.items() if len(folders) > 1}
    assert shared <= set(SHARED_NAMES), {name: sorted(homes[name]) for name in shared - set(SHARED_NAMES)}


def test_the_scan_reads_real_imports() -> None:
    # bot/ is built on channels/ and knowledge/: a scan that sees none of that sees nothing.
    seen = {module.split(".")[0] for path in (REPO / "bot").rglob("*.py") for _, module in imports_of(path, REPO)}
    assert {"channels", "knowledge"} <= seen


def test_the_scan_catches_nested_and_relative_imports(tmp_path: Path) -> None:
    package = tmp_path / "channels"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("from ..fine import helper\nimport dashboard.web as web\n")
    (package / "sub" / "late.py").write_text("def f():\n    from bot.runtime.settings import Settings\n    return Settings\n")
    (package / "fine.py").write_text("from . import sub\nfrom .sub import late\nimport json\nhelper = 1\n")
    assert forbidden(source_graph_of(tmp_path, "channels")) == [
        "channels.sub.__init__:2 imports dashboard.web: channels may not import dashboard",
        "channels.sub.late:2 imports bot.runtime.settings.Settings: channels may not import bot.runtime",
        "channels.sub.late:2 imports bot.runtime.settings: channels may not import bot.runtime",
    ]
    assert (1, "channels.fine") in imports_of(package / "sub" / "__init__.py", tmp_path)
    assert (2, "channels.sub.late") in imports_of(package / "fine.py", tmp_path)


def source_graph_of(root: Path, package: str) -> dict[str, list[tuple[int, str]]]:
    return {_module_name(path, root): imports_of(path, root) for path in sorted((root / package).rglob("*.py"))}
