"""A scripted OpenAI-compatible server on 127.0.0.1, for the faults a real one cannot be made to show on cue.

Each test sets what the next answers look like (text, chunking, delays, a stall, an HTTP status,
broken events); the server records every request it gets. The real llama.cpp server is tested in
tests/test_llm_server.py.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Script:
    """What the server answers with."""

    text: str = ""
    chunk: int = 12                 # characters per streamed event
    status: int = 200
    before_headers: float = 0.0     # seconds of silence before the response starts (a server that hangs)
    before_first: float = 0.0       # seconds between the headers and the first token
    between: float = 0.0            # seconds between events
    stall_after: int | None = None  # events sent before going silent for good
    raw_lines: list[str] | None = None  # sent as they are instead of events made from text
    stream: bool = True             # False: one JSON completion, as servers that ignore "stream" send


@dataclass
class ScriptedLLM:
    """The server: `script` is read at each request; `requests` holds (path, headers, body) of each."""

    script: Script = field(default_factory=Script)
    requests: list[tuple[str, dict, dict]] = field(default_factory=list)
    in_flight: int = 0
    most_in_flight: int = 0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._closing = threading.Event()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # quiet
                pass

            def end_headers(self) -> None:
                self.send_header("Connection", "close")  # one request per connection, as the client makes
                self.close_connection = True
                super().end_headers()

            def do_GET(self) -> None:
                owner._record(self, {})
                self._json(200, {"object": "list", "data": [{"id": "scripted-model", "object": "model"}]})

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                owner._record(self, body)
                with owner._lock:
                    owner.in_flight += 1
                    owner.most_in_flight = max(owner.most_in_flight, owner.in_flight)
                ended = threading.Event()

                def end() -> None:
                    # Counted out before the last bytes go: once the client has them it may start its next
                    # request at once, before this thread runs again.
                    with owner._lock:
                        if not ended.is_set():
                            ended.set()
                            owner.in_flight -= 1
                try:
                    owner._answer(self, end)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up, as it should on a timeout
                finally:
                    end()

            def _json(self, status: int, payload: dict) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address) -> None:  # a client gone is no news here
                pass

        self.server = Server(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def close(self) -> None:
        self._closing.set()
        self.server.shutdown()
        self.server.server_close()

    def _record(self, handler: BaseHTTPRequestHandler, body: dict) -> None:
        with self._lock:
            self.requests.append((handler.path, dict(handler.headers), body))

    def _wait(self, seconds: float) -> None:
        self._closing.wait(seconds)

    def _answer(self, handler, end: Callable[[], None]) -> None:
        script = self.script
        self._wait(script.before_headers)
        if script.status != 200:
            end()
            handler._json(script.status, {"error": {"message": f"scripted {script.status}"}})
            return
        if not script.stream:
            end()
            handler._json(200, {"choices": [{"index": 0, "message": {"role": "assistant", "content": script.text}}]})
            return
        handler.send_response(200)
        handler.send_header("Content-Type", "text/event-stream")
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        lines = script.raw_lines if script.raw_lines is not None else _events(script.text, script.chunk)
        self._wait(script.before_first)
        for sent, line in enumerate(lines):
            if script.stall_after is not None and sent >= script.stall_after:
                self._wait(3600)
                return
            if sent == len(lines) - 1:
                end()
            _chunk(handler, line + "\n\n")
            self._wait(script.between)
        _chunk(handler, "")


def _events(text: str, size: int) -> list[str]:
    pieces = [text[i:i + size] for i in range(0, len(text), size)]
    events = [{"choices": [{"index": 0, "delta": {"role": "assistant", "content": None}}]}]
    events += [{"choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]} for piece in pieces]
    events.append({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
    return [f"data: {json.dumps(e)}" for e in events] + ["data: [DONE]"]


def _chunk(handler, text: str) -> None:
    data = text.encode()
    handler.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
    handler.wfile.flush()


def closed_port_url() -> str:
    """The URL of a port nothing listens on (connections are refused)."""
    import socket

    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    time.sleep(0.01)
    return f"http://127.0.0.1:{port}/v1"
