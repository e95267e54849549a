"""A streaming client for OpenAI-compatible chat APIs (llama.cpp, Ollama, vLLM, LM Studio, hosted ones).

Standard library only: one HTTP request per answer, its server-sent events read line by line,
every socket wait bounded by what is left of the answer's deadline, and at most `concurrency`
requests in flight per process (the rest wait their turn, within the same deadline). Every failure
is an LLMError whose message is the short reason an answer falls back for ("connection refused",
"timeout after 60 s", "HTTP 429 (rate limited)"); the API key never appears in one.
"""

from __future__ import annotations

import http.client
import json
import socket
import ssl
import threading
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bot.errors import ArchivistError

_STATUS_REASONS = {
    400: "HTTP 400 (the endpoint refused the request)",
    401: "HTTP 401 (the endpoint refused the API key: check ARCHIVIST_LLM_API_KEY)",
    403: "HTTP 403 (the API key may not use this model)",
    404: "HTTP 404 (unknown model or URL: check ARCHIVIST_LLM_MODEL and ARCHIVIST_LLM_URL)",
    429: "HTTP 429 (rate limited)",
}


class LLMError(ArchivistError):
    """The model could not give an answer; str() is the reason, short enough to show and log."""


@dataclass(frozen=True)
class LLMConfig:
    """Where the model is and how long an answer may take (from the ARCHIVIST_LLM_* settings)."""

    url: str
    model: str = ""
    api_key: str = field(default="", repr=False)
    timeout_seconds: float = 60.0
    concurrency: int = 2

    @classmethod
    def of(cls, settings, concurrency: int | None = None) -> LLMConfig:
        """The ARCHIVIST_LLM_* values of a Settings (`concurrency` overrides its requests in flight)."""
        return cls(settings.llm_url, settings.llm_model, settings.llm_api_key, settings.llm_timeout_seconds,
                   settings.llm_concurrency if concurrency is None else concurrency)


class ChatClient:
    """Asks an OpenAI-compatible endpoint; thread-safe, one instance per process."""

    def __init__(self, config: LLMConfig) -> None:
        parts = urlsplit(config.url.rstrip("/"))
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise LLMError(f"ARCHIVIST_LLM_URL must be an http(s) URL such as http://127.0.0.1:11434/v1, "
                           f"not {config.url!r}")
        self.config = config
        self._secure = parts.scheme == "https"
        self._host, self._port = parts.hostname, parts.port or (443 if self._secure else 80)
        self._base = parts.path
        self._slots = threading.BoundedSemaphore(config.concurrency)

    @property
    def endpoint(self) -> str:
        """The base URL, for messages (it holds no secret: keys go in a header)."""
        return self.config.url

    def models(self) -> list[str]:
        """The models the endpoint lists (GET {URL}/models): OpenAI's "data" or Ollama's "models"."""
        deadline = time.monotonic() + min(self.config.timeout_seconds, 30)
        with self._request("GET", "/models", None, deadline) as response:
            body = self._read_all(response, deadline)
        try:
            listed = json.loads(body)
        except json.JSONDecodeError:
            raise LLMError("the endpoint's model list is not JSON (is ARCHIVIST_LLM_URL the API's base URL?)") from None
        entries = (listed.get("data") or listed.get("models") or []) if isinstance(listed, dict) else []
        return [str(e.get("id") or e.get("name") or e.get("model")) for e in entries if isinstance(e, dict)]

    def stream(self, messages: Sequence[dict], *, max_tokens: int, deadline: float) -> Generator[str, None, None]:
        """The answer's text as the model writes it, piece by piece (POST {URL}/chat/completions).

        `deadline` is a time.monotonic() value; waiting for a free slot counts against it.
        """
        if not self._slots.acquire(timeout=max(0.0, deadline - time.monotonic())):
            raise LLMError(f"timeout: {self.config.concurrency} answer(s) already in flight to the model")
        try:
            payload = {"messages": list(messages), "stream": True, "max_tokens": max_tokens, "temperature": 0}
            if self.config.model:
                payload["model"] = self.config.model
            with self._request("POST", "/chat/completions", payload, deadline) as response:
                yield from self._events(response, deadline)
        finally:
            self._slots.release()

    # -- HTTP ------------------------------------------------------------------------------------

    def _request(self, method: str, path: str, payload: dict | None, deadline: float) -> _Response:
        left = deadline - time.monotonic()
        if left <= 0:
            raise LLMError(self._timeout_reason())
        conn: http.client.HTTPConnection  # or its subclass HTTPSConnection
        if self._secure:
            conn = http.client.HTTPSConnection(self._host, self._port, timeout=left,
                                               context=ssl.create_default_context())
        else:
            conn = http.client.HTTPConnection(self._host, self._port, timeout=left)
        headers = {"Accept": "text/event-stream, application/json"}
        body = None
        if payload is not None:
            body = json.dumps(payload).encode("utf-8")
            headers["Content-Type"] = "application/json"
        if self.config.api_key:
            headers["Authorization"] = f"Bearer {self.config.api_key}"
        try:
            conn.request(method, self._base + path, body=body, headers=headers)
            response = conn.getresponse()
        except ConnectionRefusedError:
            conn.close()
            raise LLMError(f"connection refused (is the model server at {self.endpoint} running?)") from None
        except TimeoutError:
            conn.close()
            raise LLMError(self._timeout_reason()) from None
        except socket.gaierror:
            conn.close()
            raise LLMError(f"cannot resolve the host of {self.endpoint}") from None
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            raise LLMError(f"cannot reach the model ({type(exc).__name__})") from None
        if response.status >= 400:
            conn.close()
            reason = _STATUS_REASONS.get(response.status) or f"HTTP {response.status} from the model server"
            raise LLMError(reason)
        return _Response(conn, response)

    def _events(self, response: _Response, deadline: float) -> Iterator[str]:
        """Content pieces of a streamed answer (or of a whole JSON one, from servers that do not stream)."""
        if "text/event-stream" not in (response.raw.getheader("Content-Type") or ""):
            body = self._read_all(response, deadline)
            yield self._content_of_json(body)
            return
        while True:
            line = self._read_line(response, deadline)
            if line is None:
                return  # the stream ended without [DONE]: what came is what there is
            if not line.startswith("data:"):
                continue  # comments (": ping"), event names and blank separators
            data = line[5:].strip()
            if data == "[DONE]":
                return
            try:
                event = json.loads(data)
            except json.JSONDecodeError:
                raise LLMError("malformed stream from the model server (an event that is not JSON)") from None
            if not isinstance(event, dict):
                raise LLMError("malformed stream from the model server")
            if "error" in event:
                raise LLMError(f"the model server reported an error: {str(event['error'])[:200]}")
            for choice in event.get("choices") or []:
                piece = ((choice.get("delta") or {}).get("content")) if isinstance(choice, dict) else None
                if piece:
                    yield piece

    def _read_line(self, response: _Response, deadline: float) -> str | None:
        raw = self._read(response, deadline, lambda: response.raw.readline(65536))
        if not raw:
            return None
        return raw.decode("utf-8", errors="replace").rstrip("\r\n")

    def _read_all(self, response: _Response, deadline: float) -> str:
        read = response.raw.read1 if hasattr(response.raw, "read1") else response.raw.read
        chunks = []
        while chunk := self._read(response, deadline, lambda: read(65536)):
            chunks.append(chunk)
        return b"".join(chunks).decode("utf-8", errors="replace")

    def _read(self, response: _Response, deadline: float, read: Callable[[], bytes]) -> bytes:
        """One read of the response, its wait bounded by what is left of the deadline."""
        left = deadline - time.monotonic()
        if left <= 0:
            raise LLMError(self._timeout_reason())
        if response.conn.sock is not None:
            response.conn.sock.settimeout(left)
        try:
            return read()
        except TimeoutError:
            raise LLMError(self._timeout_reason()) from None
        except (OSError, http.client.HTTPException) as exc:
            raise LLMError(f"the model server broke off the answer ({type(exc).__name__})") from None

    @staticmethod
    def _content_of_json(body: str) -> str:
        try:
            answer = json.loads(body)
            return answer["choices"][0]["message"]["content"] or ""
        except (json.JSONDecodeError, KeyError, IndexError, TypeError):
            raise LLMError("malformed answer from the model server (not an OpenAI chat completion)") from None

    def _timeout_reason(self) -> str:
        return f"timeout after {self.config.timeout_seconds:g} s"


class _Response:
    """An open response and its connection, closed together."""

    def __init__(self, conn: http.client.HTTPConnection, raw: http.client.HTTPResponse) -> None:
        self.conn, self.raw = conn, raw

    def __enter__(self) -> _Response:
        return self

    def __exit__(self, *exc: object) -> None:
        self.conn.close()
