"""Page forms named like the JSON API's fields (dotted for nested ones), read back into the API's shapes,
and the API's field errors put back beside the fields they are about."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from multidict import MultiDictProxy
from pydantic import BaseModel, ValidationError

from dashboard.errors import validation_fields

FormData = MultiDictProxy[Any]


def text_of(form: FormData, name: str) -> str:
    value = form.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def lines_of(form: FormData, name: str) -> list[str]:
    """A textarea with one entry per line, or several inputs of one name: the non-empty entries."""
    entries: list[str] = []
    for value in form.getall(name, []):
        if isinstance(value, str):
            entries.extend(line.strip() for line in value.splitlines())
    return [entry for entry in entries if entry]


def nest(flat: Mapping[str, Any]) -> dict[str, Any]:
    """`{"product.name": "X"}` → `{"product": {"name": "X"}}`."""
    nested: dict[str, Any] = {}
    for name, value in flat.items():
        parts = name.split(".")
        node = nested
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return nested


def field_name(path: str, names: Iterable[str]) -> str:
    """The form field an API error path is about: `product.features.2` → `product.features`."""
    known = set(names)
    parts = path.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in known:
            return candidate
        parts.pop()
    return ""


@dataclass
class FormState:
    """What the owner typed and what is wrong with it, to render the form again."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return bool(self.errors)

    def add_errors(self, fields: Mapping[str, str], names: Iterable[str], general: str = "form") -> None:
        """Put each API field error beside its field; one about no known field goes to the top of the form."""
        names = list(names)
        for path, message in fields.items():
            name = field_name(path, names) or general
            self.errors.setdefault(name, _plain(message))


def _plain(message: str) -> str:
    """A field's sentence as it starts a line (validation sentences come whole from `dashboard/field_errors.py`;
    a domain error's may start in lower case)."""
    return message[:1].upper() + message[1:]


def validate(model: type[BaseModel], data: dict[str, Any], state: FormState, names: Iterable[str]) -> BaseModel | None:
    """The model, or None with every field error recorded in `state`."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        state.add_errors(validation_fields(exc), names)
        return None
