"""Import rules between our packages, read from the source (every static import, nested ones too).

knowledge/ imports none of bot/, channels/, dashboard/; channels/ and bot/ never import dashboard/;
channels/ never imports bot/. (`bot.runtime.app` names dashboard extensions as strings, loaded at run time.)
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
OURS = ("bot", "channels", "knowledge", "dashboard")

FORBIDDEN = {
    "knowledge": {"bot", "channels", "dashboard"},
    "channels": {"bot", "dashboard"},
    "bot": {"dashboard"},
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


def violations(root: Path, package: str) -> list[str]:
    banned = FORBIDDEN[package]
    found = []
    for path in sorted((root / package).rglob("*.py")):
        for line, module in imports_of(path, root):
            if module.split(".")[0] in banned:
                found.append(f"{path.relative_to(root)}:{line} imports {module}")
    return sorted(set(found))


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_keeps_the_import_rules(package: str) -> None:
    assert violations(REPO, package) == []


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
    assert violations(tmp_path, "channels") == [
        "channels/sub/__init__.py:2 imports dashboard.web",
        "channels/sub/late.py:2 imports bot.runtime.settings",
        "channels/sub/late.py:2 imports bot.runtime.settings.Settings",
    ]
    assert (1, "channels.fine") in imports_of(package / "sub" / "__init__.py", tmp_path)
    assert (2, "channels.sub.late") in imports_of(package / "fine.py", tmp_path)
