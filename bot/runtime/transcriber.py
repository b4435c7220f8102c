"""The process's speech-to-text: Groq's Whisper through the groq SDK (`audio.transcriptions.create`), which posts to
`{GROQ_BASE_URL}/openai/v1/audio/transcriptions`. Given to the voice reader as its `Transcriber`."""

from __future__ import annotations

import groq

from bot.inbound.voice import TranscriptionFailed

TRANSCRIPTION_MODEL = "whisper-large-v3-turbo"


class GroqTranscriber:
    def __init__(self, api_key: str, base_url: str, timeout_s: float, *, model: str = TRANSCRIPTION_MODEL) -> None:
        # One try: a failed transcription is not waited out, the customer is told a person will listen instead.
        self._client = groq.AsyncGroq(api_key=api_key, base_url=base_url or None, timeout=timeout_s, max_retries=0)
        self._model = model

    async def transcribe(self, audio: bytes, *, filename: str, mime_type: str, language: str) -> str:
        try:
            if language:
                result = await self._client.audio.transcriptions.create(
                    file=(filename, audio, mime_type),
                    model=self._model,
                    language=language,
                    response_format="json",
                    temperature=0.0,
                )
            else:
                result = await self._client.audio.transcriptions.create(
                    file=(filename, audio, mime_type), model=self._model, response_format="json", temperature=0.0
                )
        except groq.APIError as exc:
            status = getattr(exc, "status_code", None)
            raise TranscriptionFailed(f"{type(exc).__name__} {status or ''}".strip()) from exc
        return str(getattr(result, "text", "") or "")
