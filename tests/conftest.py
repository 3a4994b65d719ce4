"""Shared fixtures: paths to the hand-written input files, a file writer, a real local HTTP server."""

from __future__ import annotations

import gzip
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def fixtures_dir() -> Path:
    """The folder of small hand-written input files (pages, feeds, JSONL)."""
    return FIXTURES


@pytest.fixture
def write(tmp_path):
    """Write a file under tmp_path (str -> UTF-8 unless bytes) and return its path as a string."""

    def _write(name: str, content: str | bytes, encoding: str = "utf-8") -> str:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            content = content.encode(encoding)
        path.write_bytes(content)
        return str(path)

    return _write


@dataclass
class Route:
    """What the test server answers on one path."""

    body: bytes = b""
    status: int = 200
    content_type: str = "application/rss+xml; charset=utf-8"
    delay: float = 0.0  # seconds to wait before answering (a hanging server)
    gzip: bool = False
    stall_after: int | None = None  # send this many body bytes, then go silent (a stalled download)
    trickle: float = 0.0  # seconds between single body bytes (a server that never quite stalls)


class LocalServer:
    """A real HTTP server on 127.0.0.1 and a free port, serving `routes` from a thread."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[dict] = []
        self.release = threading.Event()  # set at teardown to wake sleeping handlers
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's naming)
                server.requests.append({"path": self.path, "headers": dict(self.headers)})
                route = server.routes.get(self.path)
                if route is None:
                    self.send_error(404)
                    return
                if route.delay:
                    server.release.wait(route.delay)
                body = gzip.compress(route.body) if route.gzip else route.body
                try:
                    self.send_response(route.status)
                    self.send_header("Content-Type", route.content_type)
                    self.send_header("Content-Length", str(len(body)))
                    if route.gzip:
                        self.send_header("Content-Encoding", "gzip")
                    self.end_headers()
                    if route.stall_after is not None:
                        self.wfile.write(body[:route.stall_after])
                        self.wfile.flush()
                        server.release.wait(60)
                        return
                    if route.trickle:
                        for i in range(len(body)):
                            if server.release.wait(route.trickle):
                                return
                            self.wfile.write(body[i:i + 1])
                            self.wfile.flush()
                        return
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up first, as a timing-out client should

            def log_message(self, *args):  # keep test output quiet
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        """Absolute URL of `path` on this server."""
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def add(self, path: str, **route) -> str:
        """Serve `path` as described by Route(**route); returns its URL."""
        self.routes[path] = Route(**route)
        return self.url(path)


@pytest.fixture
def http_server():
    """A running LocalServer; handlers still sleeping are woken and the server stopped afterwards."""
    server = LocalServer()
    server.thread.start()
    try:
        yield server
    finally:
        server.release.set()
        server.httpd.shutdown()
        server.httpd.server_close()
