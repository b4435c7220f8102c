"""Who a log line is about: the request and the tenant, set where they become known and read by the log formatter.

Kept apart from the runtime's logging set-up so the domain can name its tenant without importing the process.
"""

from __future__ import annotations

import contextvars

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
tenant_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("tenant_id", default="")
