"""The architecture, read from the source (every static import, nested ones too):

- `knowledge/` imports nothing of ours; `channels/` imports only `knowledge/`.
- `bot/pipeline/` is pure: of ours it imports only its own modules, `bot/i18n/` (the bot's sentences) and
  `knowledge/`'s pure modules (models, money, language and concepts: values and functions on text), and no client
  of a store or of the network. `bot/i18n/` imports nothing else of ours.
- The domain (`bot/inbound/`, `bot/conversations/`, `bot/sales/`, `bot/pipeline/` and the modules directly in `bot/`)
  never imports the process (`bot/runtime/`).
- Nothing imports `dashboard/` but `dashboard/` itself; the runtime's extension hook is the one place in `bot/`
  that names it (as a string, loaded at run time).
- A newcomer finds each room by its name: at most 8 modules directly in `bot/`, and no two files in different
  packages share a name unless they are two sides of one thing.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
OURS = ("bot", "channels", "knowledge", "dashboard")
DOMAIN = ("bot.inbound", "bot.conversations", "bot.sales", "bot.pipeline")
# `knowledge/`'s modules that hold values and pure functions on text, which the pure pipeline may use.
KNOWLEDGE_VALUES = ("knowledge.models", "knowledge.money", "knowledge.language", "knowledge.concepts", "knowledge.text_structure")
IO_LIBRARIES = ("pymongo", "redis", "aiohttp", "httpx", "groq", "bm25s", "pypdf")
EXTENSION_HOOK = "bot/runtime/app.py"

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


def _absolute(module: str | None, level: int, importer: str) -> str:
    """The absolute dotted name of `from <level dots><module> import ...` inside module `importer`."""
    if level == 0:
        return module or ""
    base = importer.split(".")[:-level]
    return ".".join([*base, module] if module else base)


def imports_of(path: Path, root: Path) -> list[tuple[int, str]]:
    """(line, imported module) for every import statement in the file at `path` below `root`."""
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
    return found


def _within(module: str, packages: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def _module_name(path: Path, root: Path) -> str:
    return ".".join(path.relative_to(root).with_suffix("").parts)


def violations(root: Path, package: str, allowed: tuple[str, ...]) -> list[str]:
    """Imports of our own modules from files under `package` that fall outside `allowed`."""
    found = []
    for path in sorted((root / package.replace(".", "/")).rglob("*.py")):
        for line, module in imports_of(path, root):
            if module.split(".")[0] in OURS and not _within(module, allowed):
                found.append(f"{path.relative_to(root)}:{line} imports {module}")
    return sorted(set(found))


RULES = {
    "knowledge": ("knowledge",),
    "channels": ("channels", "knowledge"),
    "bot.pipeline": ("bot.pipeline", "bot.i18n", *KNOWLEDGE_VALUES),
    "bot.i18n": ("bot.i18n",),
    "bot": ("bot", "channels", "knowledge"),
}


@pytest.mark.parametrize("package", sorted(RULES))
def test_package_imports_only_what_its_layer_may(package: str) -> None:
    assert violations(REPO, package, RULES[package]) == []


def test_the_pipeline_touches_no_store_or_network() -> None:
    found = [
        f"{path.relative_to(REPO)}:{line} imports {module}"
        for path in (REPO / "bot" / "pipeline").rglob("*.py")
        for line, module in imports_of(path, REPO)
        if module.split(".")[0] in IO_LIBRARIES
    ]
    for value_module in KNOWLEDGE_VALUES:
        path = REPO / (value_module.replace(".", "/") + ".py")
        found += [
            f"{value_module} imports {module}"
            for _, module in imports_of(path, REPO)
            if module.split(".")[0] in IO_LIBRARIES or (module.startswith("knowledge.") and not _within(module, KNOWLEDGE_VALUES))
        ]
    assert found == []


def test_the_domain_never_imports_the_process() -> None:
    domain_files = [p for p in (REPO / "bot").rglob("*.py") if _within(_module_name(p, REPO), DOMAIN)]
    domain_files += [p for p in (REPO / "bot").glob("*.py") if p.name != "__main__.py"]
    found = [
        f"{path.relative_to(REPO)}:{line} imports {module}"
        for path in domain_files
        for line, module in imports_of(path, REPO)
        if _within(module, ("bot.runtime",))
    ]
    assert found == []


def test_only_the_extension_hook_names_the_dashboard() -> None:
    found = []
    for package in ("bot", "channels", "knowledge"):
        for path in (REPO / package).rglob("*.py"):
            source = path.read_text()
            found += [
                f"{path.relative_to(REPO)}:{line} imports {module}"
                for line, module in imports_of(path, REPO)
                if module.split(".")[0] == "dashboard"
            ]
            if "dashboard." in source and str(path.relative_to(REPO)) != EXTENSION_HOOK:
                found.append(f"{path.relative_to(REPO)} names dashboard")
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
    assert violations(tmp_path, "channels", RULES["channels"]) == [
        "channels/sub/__init__.py:2 imports dashboard.web",
        "channels/sub/late.py:2 imports bot.runtime.settings",
        "channels/sub/late.py:2 imports bot.runtime.settings.Settings",
    ]
    assert (1, "channels.fine") in imports_of(package / "sub" / "__init__.py", tmp_path)
    assert (2, "channels.sub.late") in imports_of(package / "fine.py", tmp_path)
