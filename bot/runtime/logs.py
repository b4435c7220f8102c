"""One JSON line per event on stderr, with tenant and request ids when known.

Message text, tokens, passwords and secrets are never passed to log calls at INFO; the formatter
also drops any extra field whose name says it holds one, as a second line of defence.
"""

from __future__ import annotations

import json
import logging
import sys
import time

from aiohttp.http_exceptions import HttpProcessingError

from bot.log_context import request_id_var, tenant_id_var

_STANDARD = set(vars(logging.makeLogRecord({})).keys()) | {"message", "asctime", "taskName"}
_SECRET_WORDS = ("token", "password", "secret", "text", "body", "authorization", "cookie")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "at": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "event": record.getMessage(),
        }
        if request_id := request_id_var.get():
            entry["request_id"] = request_id
        if tenant_id := tenant_id_var.get():
            entry["tenant_id"] = tenant_id
        for key, value in record.__dict__.items():
            if key in _STANDARD or key.startswith("_"):
                continue
            if any(word in key.lower() for word in _SECRET_WORDS):
                continue
            entry[key] = value if isinstance(value, (str, int, float, bool)) or value is None else str(value)
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Client libraries log request URLs (which can carry access tokens) at INFO/DEBUG.
    for noisy in ("httpx", "httpcore", "groq", "pymongo", "aiohttp.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


class ParserNoise(logging.Filter):
    """aiohttp's server logs a request its HTTP parser refused (two Content-Type headers, a header line too long,
    bytes that are not HTTP) as an ERROR with the parser's traceback, though the client got its 400 and none of
    our code ran. Such a record becomes one WARNING line with the parser's reason and no stack; any other error
    stays as it is."""

    def filter(self, record: logging.LogRecord) -> bool:
        refused = record.exc_info[1] if record.exc_info else None
        if not isinstance(refused, HttpProcessingError) or record.levelno <= logging.WARNING:
            return True
        record.levelno, record.levelname = logging.WARNING, logging.getLevelName(logging.WARNING)
        record.msg, record.args = "malformed HTTP request refused", ()
        record.reason = str(refused.message)[:200]
        record.status = refused.code
        record.exc_info, record.exc_text = None, None
        # The logger let the record through as an ERROR; as a WARNING it is shown only where warnings are.
        return logging.getLogger(record.name).isEnabledFor(logging.WARNING)


def quiet_parser_noise() -> None:
    """Install `ParserNoise` on aiohttp's server logger, once however often the app is built."""
    server_logger = logging.getLogger("aiohttp.server")
    if not any(isinstance(existing, ParserNoise) for existing in server_logger.filters):
        server_logger.addFilter(ParserNoise())
