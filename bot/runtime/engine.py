"""The composition root: the engine's parts built from the process's services, each given only what it uses."""

from __future__ import annotations

from dataclasses import dataclass

from bot.conversations.sending import REPORT_WAIT_S, ReplySender
from bot.conversations.turns import TurnRunner
from bot.follow_ups.nudges import FollowUps
from bot.inbound.bursts import BurstAnswerer
from bot.inbound.comment_replies import CommentReplier
from bot.inbound.dispatch import EventDispatcher
from bot.inbound.draining import TurnGate
from bot.inbound.shared_reads import SharedReads
from bot.inbound.voice import VoiceReader
from bot.outbound_webhooks.endpoints import Endpoint, list_endpoints
from bot.runtime.chat_model import SalesChatModel, build_chat_model
from bot.runtime.services import Services
from bot.runtime.settings import Settings
from bot.runtime.transcriber import GroqTranscriber
from channels.customer_names import CustomerNames
from channels.pacing import SendPacer


@dataclass(frozen=True)
class Engine:
    sender: ReplySender
    turns: TurnRunner
    dispatcher: EventDispatcher
    gate: TurnGate  # closed by the worker when the process stops: running turns finish, no new one starts
    model: SalesChatModel | None
    follow_ups: FollowUps


def chat_model(settings: Settings) -> SalesChatModel | None:
    """Groq's chat model when a key is set; None means the offline responder answers."""
    if not settings.groq_api_key:
        return None
    return build_chat_model(settings.groq_api_key, settings.groq_model, settings.groq_base_url, settings.groq_timeout_s)


def transcriber(settings: Settings) -> GroqTranscriber | None:
    """Groq's speech-to-text when a key is set; without one every voice note goes to a person."""
    if not settings.groq_api_key:
        return None
    return GroqTranscriber(
        settings.groq_api_key,
        settings.groq_base_url,
        settings.transcription_timeout_s,
        model=settings.groq_transcription_model,
    )


async def close_model(engine: Engine) -> None:
    """Close the model's connections (the process is stopping)."""
    if engine.model is not None:
        await engine.model.aclose()


def build_engine(services: Services, *, report_wait_s: float = REPORT_WAIT_S) -> Engine:
    """`report_wait_s`: how long a send that went unanswered waits for Meta's echo or status before it is made again."""
    s = services
    pacer = SendPacer(s.redis)
    sender = ReplySender(s.db, s.graph, s.cipher, pacer, s.metrics, s.clock, report_wait_s=report_wait_s)
    comments = CommentReplier(s.db, s.graph, s.cipher, pacer, s.metrics, s.clock)
    model = chat_model(s.settings)
    follow_ups = FollowUps(s.db, sender, s.graph, s.cipher, pacer, s.clock)
    # Turns picked up together share their read of the business's webhook endpoints (see `shared_reads`).
    endpoints: SharedReads[str, list[Endpoint]] = SharedReads(lambda tenant_id: list_endpoints(s.db, tenant_id))
    turns = TurnRunner(
        s.db,
        s.knowledge,
        sender,
        s.metrics,
        s.clock,
        model=model,
        model_timeout_s=s.settings.groq_timeout_s,
        after_reply=follow_ups.after_reply,
        endpoints=endpoints.get,
    )
    gate = TurnGate()
    bursts = BurstAnswerer(s.redis, turns, gate, debounce_ms=s.settings.reply_debounce_ms)
    names = CustomerNames(s.redis, s.http, s.settings.graph_base, s.cipher)
    voice = VoiceReader(
        s.db, s.http, s.graph, s.cipher, transcriber(s.settings), s.clock, max_bytes=s.settings.voice_max_mb * 1024 * 1024
    )
    dispatcher = EventDispatcher(
        s.db,
        s.knowledge,
        bursts,
        sender,
        names,
        s.metrics,
        s.clock,
        meta_app_id=s.settings.meta_app_id,
        comments=comments,
        voice=voice,
    )
    return Engine(sender=sender, turns=turns, dispatcher=dispatcher, gate=gate, model=model, follow_ups=follow_ups)
