"""Prometheus metrics of one process, on its own registry (no global state)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram


class Metrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.webhooks = Counter(
            "salesbot_webhooks_total",
            "Webhook deliveries by channel and outcome",
            ["channel", "outcome"],
            registry=registry,
        )
        self.events = Counter(
            "salesbot_events_total",
            "Parsed channel events by platform and kind",
            ["platform", "kind"],
            registry=registry,
        )
        self.events_dropped = Counter(
            "salesbot_events_dropped_total",
            "Events that could not be read or stored, dropped alone (the rest of their delivery was handled)",
            ["platform", "kind"],
            registry=registry,
        )
        self.store_outage_retries = Counter(
            "salesbot_store_outage_retries_total",
            "Deliveries retried because MongoDB or Redis was unreachable (no dead-letter attempt spent)",
            registry=registry,
        )
        self.replies = Counter(
            "salesbot_replies_total",
            "Replies sent by platform and source (llm, offline, human)",
            ["platform", "source"],
            registry=registry,
        )
        self.guard_blocks = Counter(
            "salesbot_guard_blocks_total",
            "Model replies blocked by the price and offer guard",
            registry=registry,
        )
        self.send_failures = Counter(
            "salesbot_send_failures_total",
            "Sends that failed for good, by category",
            ["category"],
            registry=registry,
        )
        self.dead_letters = Counter(
            "salesbot_dead_letters_total",
            "Queue entries moved to the dead-letter stream",
            registry=registry,
        )
        self.reply_seconds = Histogram(
            "salesbot_reply_seconds",
            "Time from webhook arrival to reply sent",
            ["source"],
            buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30),
            registry=registry,
        )
        self.model_seconds = Histogram(
            "salesbot_model_seconds",
            "Model call latency",
            buckets=(0.1, 0.25, 0.5, 1, 2, 4, 8, 16),
            registry=registry,
        )
