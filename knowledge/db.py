"""The one name every room gives the database handle: PyMongo's async database of plain documents.

The code reads and writes documents as `dict[str, Any]` (the embedded store and MongoDB both give them back so),
and names the handle `Db` rather than the bare generic, so a type checker sees documents and not `Any`.
"""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

Db = AsyncDatabase[dict[str, Any]]
