"""A customer's voice note, turned into words by the worker before its message is stored.

This runs in the queue's worker, never in the webhook handler: the webhook is acknowledged at once, and a worker
that dies mid-download leaves the delivery to be claimed and read again. The recording is downloaded from Meta
(`channels/media.py`, refused past `MAX_AUDIO_BYTES` while it streams), kept for the owner to play
(`voice_clips.py`), and transcribed through the `Transcriber` (Groq's speech-to-text) with the conversation's
language as a hint. Whatever fails (no key, the transcription service down, slow or refusing, the file gone or too
big) gives a message with no text and `media.heard` false: the turn tells the customer a person will listen, and
hands the conversation over.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Protocol

import aiohttp

from bot.clock import Clock
from bot.conversations import messages as msgs
from bot.conversations.records import Conversation
from bot.conversations.voice_clips import clip_id_for, save_clip
from channels.accounts import ChannelAccount, account_token
from channels.crypto import TokenCipher
from channels.events import Attachment
from channels.graph import GraphClient
from channels.media import MediaError, fetch_customer_media
from knowledge.db import Db
from knowledge.language import detect_language

log = logging.getLogger(__name__)

# Groq's speech-to-text takes files up to 25 MB on its free tier; a bigger download is refused while it streams.
MAX_AUDIO_BYTES = 25 * 1024 * 1024
# Whisper names a few languages by other codes than ours.
_WHISPER_CODES = {"nb": "no", "fil": "tl"}


class TranscriptionFailed(Exception):
    """The speech-to-text service gave no transcript (down, slow, rate-limited, refused the file)."""


class Transcriber(Protocol):
    async def transcribe(self, audio: bytes, *, filename: str, mime_type: str, language: str) -> str: ...


@dataclass(frozen=True)
class HeardVoice:
    text: str  # the transcript, "" when it could not be heard
    media: dict[str, Any]  # the message's `media` (see `Message.media`)


def voice_language(customer_texts: list[str]) -> str:
    """The language hint for a transcription: what the customer wrote lately, "" when nothing (Whisper then
    finds it itself)."""
    said = " ".join(text for text in customer_texts[-6:] if text.strip())
    if not said:
        return ""
    found = detect_language(said, default="")
    return _WHISPER_CODES.get(found, found)


def media_kind(attachment: Attachment) -> str:
    """A recorded voice note (WhatsApp records them as Opus in Ogg) or another audio file (Messenger's and
    Instagram's say no more than `audio`)."""
    return "voice" if "opus" in attachment.mime_type else "audio"


class VoiceReader:
    def __init__(
        self,
        db: Db,
        http: aiohttp.ClientSession,
        graph: GraphClient,
        cipher: TokenCipher,
        transcriber: Transcriber | None,
        clock: Clock,
        *,
        max_bytes: int = MAX_AUDIO_BYTES,
    ) -> None:
        self._db, self._http, self._graph, self._cipher = db, http, graph, cipher
        self._transcriber = transcriber
        self._clock = clock
        self._max_bytes = max_bytes

    async def hear(
        self, account: ChannelAccount, conversation: Conversation | None, attachment: Attachment, message_id: str
    ) -> HeardVoice:
        """Download, keep and transcribe one recording. Never raises for a failure of Meta or of the transcription
        service: the result says it was not heard, and why."""
        media: dict[str, Any] = {"kind": media_kind(attachment), "heard": False}
        # WhatsApp's media come with an id and a type, and are fetched through the Graph lookup with the number's
        # token (a URL beside them needs it too, and may have expired); a page's attachment has a public CDN URL,
        # which is never sent a token.
        through_graph = bool(attachment.media_id and attachment.mime_type)
        try:
            found = await fetch_customer_media(
                self._http,
                self._graph,
                url="" if through_graph else attachment.url,
                media_id=attachment.media_id if through_graph else "",
                token=account_token(self._cipher, account) if through_graph else "",
                limit_bytes=self._max_bytes,
                mime_type=attachment.mime_type.split(";")[0].strip(),
            )
        except MediaError as exc:
            log.warning("voice note not downloaded; a person will listen", extra={"reason": exc.reason})
            return HeardVoice("", {**media, "problem": exc.reason})
        clip_id = clip_id_for(message_id)
        conversation_id = conversation.id if conversation is not None else ""
        await save_clip(self._db, account.tenant_id, conversation_id, clip_id, found.data, found.mime_type, now=self._clock.now())
        media.update(id=clip_id, mime_type=found.mime_type, size=len(found.data))
        if self._transcriber is None:
            return HeardVoice("", {**media, "problem": "no_transcriber"})
        language = await self._language(conversation)
        try:
            text = await self._transcriber.transcribe(
                found.data, filename=_filename(found.mime_type), mime_type=found.mime_type, language=language
            )
        except TranscriptionFailed as exc:
            log.warning("voice note not transcribed; a person will listen", extra={"reason": str(exc)[:80]})
            return HeardVoice("", {**media, "problem": "transcription_failed"})
        text = " ".join(text.split())
        if not text:
            return HeardVoice("", {**media, "problem": "no_words"})
        return HeardVoice(text, {**media, "heard": True})

    async def _language(self, conversation: Conversation | None) -> str:
        if conversation is None:
            return ""
        recent = await msgs.recent_messages(self._db, conversation.tenant_id, conversation.id, limit=12)
        return voice_language([m.text for m in recent if m.direction == "in" and m.text and not m.wordless])


def _filename(mime_type: str) -> str:
    """A name whose extension tells the service the format (it reads formats by name)."""
    extension = {
        "audio/ogg": "ogg",
        "audio/opus": "ogg",
        "audio/mpeg": "mp3",
        "audio/mp3": "mp3",
        "audio/mp4": "m4a",
        "audio/aac": "m4a",
        "audio/x-m4a": "m4a",
        "audio/wav": "wav",
        "audio/x-wav": "wav",
        "audio/webm": "webm",
        "audio/flac": "flac",
        "video/mp4": "mp4",
    }.get(mime_type, "ogg")
    return f"voice.{extension}"
