"""Failures of the channels package that the owner API shows as `{"error": {"code", "message", "fields"}}`."""

from __future__ import annotations


class ChannelError(Exception):
    def __init__(self, http_status: int, code: str, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.http_status = http_status
        self.code = code
        self.message = message
        self.fields: dict[str, str] = dict(fields or {})
