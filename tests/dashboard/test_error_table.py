"""Every failure the code raises has its row in the one table, read from the source: each call of a domain error
class (and each rate limit, each `not_found`) names a kind the table answers, and each field problem it names has a
sentence."""

from __future__ import annotations

import ast
from pathlib import Path

from channels.problems import PASSING_PROBLEMS, PROBLEMS
from dashboard.error_table import FIELD_SENTENCES, TABLE, answer_for
from dashboard.field_errors import SENTENCES as VALIDATION_SENTENCES
from dashboard.i18n import use_language
from dashboard.passwords import password_problem
from knowledge.domain_errors import FAMILIES, Conflict, DomainError, NotFound

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "channels", "knowledge", "dashboard")
# Functions that pass on a kind chosen by their caller, each checked where it is chosen.
FORWARDERS = {
    "dashboard/errors.py:not_found": "its callers' kinds are read as not_found calls",
    "dashboard/errors.py:invalid_fields": "called with invalid or invalid_filter, both in the table",
    "dashboard/ratelimit.py:_refuse": "a limit's name, read from each limit(...) call",
    "knowledge/pdf_sandbox.py:_answer": "the kind the PDF reader raised in its child process",
}


def _sources() -> list[tuple[Path, ast.Module]]:
    return [(path, ast.parse(path.read_text())) for package in PACKAGES for path in sorted((REPO / package).rglob("*.py"))]


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    return node.attr if isinstance(node, ast.Attribute) else ""


def error_classes(sources: list[tuple[Path, ast.Module]]) -> dict[str, str]:
    """Each class deriving from a family, by name, with its family."""
    families = {cls.__name__: cls.family for cls in FAMILIES}
    found = dict(families)
    grew = True
    while grew:
        grew = False
        for _, tree in sources:
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef) and node.name not in found:
                    bases = [found[_name(base)] for base in node.bases if _name(base) in found]
                    if bases:
                        found[node.name], grew = bases[0], True
    return found


def _constants(tree: ast.Module) -> dict[str, str]:
    """A module's string constants (`TOO_BIG_CODE = "..."`), for kinds named through one."""
    return {
        target.id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
        for target in node.targets
        if isinstance(target, ast.Name)
    }


def _kind(node: ast.expr | None, constants: dict[str, str]) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return constants.get(node.id) if isinstance(node, ast.Name) else None


def raised_kinds(sources: list[tuple[Path, ast.Module]]) -> tuple[set[tuple[str, str]], set[str], list[str]]:
    """(family, kind) of every error the code builds, the field problems it names, and the calls whose kind the
    scan cannot read (which must stay none)."""
    classes = error_classes(sources)
    kinds: set[tuple[str, str]] = set()
    field_kinds: set[str] = set()
    unreadable: list[str] = []
    for path, tree in sources:
        constants = _constants(tree)
        where = {
            id(inner): f"{path.relative_to(REPO)}:{function.name}"
            for function in ast.walk(tree)
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
            for inner in ast.walk(function)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and node.name in classes:
                kinds.update(_fixed_kinds(node, classes[node.name]))
            if not isinstance(node, ast.Call):
                continue
            called = _name(node.func)
            argument = node.args[0] if node.args else None
            choices = [argument.body, argument.orelse] if isinstance(argument, ast.IfExp) else [argument]
            read = [_kind(choice, constants) for choice in choices]
            kind = read[0] if len(read) == 1 else None
            if called in classes and classes[called] and node.args:
                if None in read:
                    if where.get(id(node)) not in FORWARDERS:
                        unreadable.append(f"{path.relative_to(REPO)}:{node.lineno}")
                    continue
                kinds.update((classes[called], found) for found in read if found is not None)
                if len(node.args) > 1 and isinstance(node.args[1], ast.Dict):
                    field_kinds.update(
                        value.value
                        for value in node.args[1].values
                        if isinstance(value, ast.Constant) and isinstance(value.value, str)
                    )
            elif called == "not_found" and kind is not None:
                kinds.add(("not_found", kind))
            elif isinstance(node.func, ast.Name) and called == "limit" and kind is not None:
                kinds.add(("refused", kind))  # a rate limit is refused under its own name
        field_kinds.update(_fields_set_one_by_one(tree))
    return kinds, field_kinds, unreadable


def _fixed_kinds(error_class: ast.ClassDef, family: str) -> set[tuple[str, str]]:
    """A class with a fixed kind passes it to its family: `super().__init__("too_many_questions")`."""
    return {
        (family, call.args[0].value)
        for call in ast.walk(error_class)
        if isinstance(call, ast.Call)
        and _name(call.func) == "__init__"
        and call.args
        and isinstance(call.args[0], ast.Constant)
        and isinstance(call.args[0].value, str)
    }


def _fields_set_one_by_one(tree: ast.Module) -> set[str]:
    """Field problems written one by one: `fields["account_id"] = "account_id_digits"`."""
    return {
        node.value.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and isinstance(node.targets[0], ast.Subscript)
        and _name(node.targets[0].value) == "fields"
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    }


def test_the_scan_sees_the_errors_of_every_room() -> None:
    kinds, field_kinds, _ = raised_kinds(_sources())
    assert ("not_found", "campaign") in kinds  # dashboard/
    assert ("conflict", "account_taken") in kinds  # channels/
    assert ("refused", "too_many_questions") in kinds  # bot/, a class with a fixed kind
    assert ("invalid", "pdf_too_large_unpacked") in kinds  # knowledge/, through a constant
    assert ("refused", "login-fail-address") in kinds  # a rate limit
    assert {"connected_elsewhere", "account_id_digits"} <= field_kinds


def test_every_kind_the_code_raises_has_a_row() -> None:
    kinds, _, unreadable = raised_kinds(_sources())
    assert unreadable == []
    assert sorted(kinds - set(TABLE)) == []


def test_every_delivery_problem_has_a_row_in_the_family_it_is_raised_in() -> None:
    for problem in PROBLEMS:
        family = "upstream" if problem in PASSING_PROBLEMS else "refused"
        assert (family, f"not_sent_{problem}") in TABLE


def test_every_field_problem_has_a_sentence() -> None:
    _, field_kinds, _ = raised_kinds(_sources())
    field_kinds |= {"password_too_short", "password_too_common"}
    assert password_problem("short") in field_kinds and password_problem("password123") in field_kinds
    documents = {kind for family, kind in TABLE if family == "invalid"}  # a refused file is said with its own sentence
    known = set(FIELD_SENTENCES) | set(VALIDATION_SENTENCES) | documents
    assert sorted(field_kinds - known) == []


def test_every_row_has_a_status_a_code_and_words() -> None:
    for (family, kind), row in TABLE.items():
        assert family in {cls.family for cls in FAMILIES}, kind
        assert 400 <= row.status <= 599 and row.code, kind
        assert row.sentence or row.say is not None, kind


def test_the_table_answers_in_the_language_asked() -> None:
    refused: DomainError = NotFound("campaign")
    with use_language("de"):
        assert (answer_for(refused).status, answer_for(refused).message) == (404, "Diese Kampagne gibt es nicht.")
    with use_language("en"):
        assert answer_for(refused).message == "campaign not found"
    # A kind nobody wrote a row for is the platform's own fault, never guessed at.
    assert answer_for(Conflict("no_such_kind")).status == 500
