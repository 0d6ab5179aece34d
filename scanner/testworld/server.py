"""The world's HTTP and HTTPS listeners, routing on the Host header, and start/stop.

One process serves every fake host: Chromium maps all names to 127.0.0.1 and keeps the
URL's port, so a request's ``Host`` header (without the port) says which site it is for.
"""

import shutil
import socket
import socketserver
import ssl
import sys
import threading
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .certs import CertificateFiles, write_certificate
from .hosts import ALL_HOSTS, BENCH, SHOP, WorldUrls
from .messages import Handler, Request, Response, text
from .request_log import RequestLog
from .sites import build_sites

BENCH_WILDCARD = "*.bench.test"
LISTEN_ADDRESS = "127.0.0.1"
IDLE_TIMEOUT_SECONDS = 60.0  # how long a keep-alive connection may sit idle
HANDSHAKE_TIMEOUT_SECONDS = 10.0
TLS_HANDSHAKE_RECORD = b"\x16"
MAX_BODY_BYTES = 10 * 1024 * 1024

# Errors that only mean the client went away or spoke bad TLS: never worth a traceback.
DISCONNECT_ERRORS = (ConnectionError, TimeoutError, ssl.SSLError)


def split_host(value: str) -> str:
    """Lower-cased host name of a Host header value, without port and trailing dot."""
    value = value.strip().lower()
    if value.startswith("["):  # IPv6 literal
        return value.split("]", 1)[0] + "]"
    return value.rsplit(":", 1)[0].rstrip(".") if ":" in value else value.rstrip(".")


def _frames_own_body(response: Response) -> bool:
    """A site that sets Content-Length or Transfer-Encoding itself sends its body as is
    (the hostile site's cut bodies)."""
    return any(
        name.lower() in ("content-length", "transfer-encoding") for name, _ in response.headers
    )


def unknown_host(request: Request) -> Response:
    """Answer for a host name the world does not know."""
    return text(f"404 unknown host: {request.host}\n", 404)


class _Listener(ThreadingHTTPServer):
    """One listening socket of the world.

    The https listener speaks only TLS. The http listener speaks plain HTTP but also TLS when
    a connection starts with a TLS handshake: Chromium auto-upgrades optionally-blockable
    mixed content (``http://static.shop.test:<http>/banner.png``) to https *keeping the
    port*, so the http port must be able to answer that upgraded request.
    """

    daemon_threads = True
    request_queue_size = 128  # Chromium opens many connections at once; the default is 5

    def __init__(
        self, port: int, world: "TestWorldServer", ssl_context: ssl.SSLContext, tls_only: bool
    ) -> None:
        self.world = world
        self.ssl_context = ssl_context
        self.tls_only = tls_only
        self.scheme = "https" if tls_only else "http"
        super().__init__((LISTEN_ADDRESS, port), _RequestHandler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind would do a reverse DNS lookup (getfqdn); not needed here.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, DISCONNECT_ERRORS):
            self.world.log(f"{self.scheme} connection from {client_address}: {error!r}")
        else:
            self.world.log_always(f"error on {self.scheme} connection:\n{traceback.format_exc()}")

    @property
    def port(self) -> int:
        return self.server_address[1]


class _RequestHandler(BaseHTTPRequestHandler):
    """Parses one request at a time (HTTP/1.1 keep-alive) and hands it to the host's site."""

    protocol_version = "HTTP/1.1"
    server_version = "TestWorld/1.0"
    timeout = IDLE_TIMEOUT_SECONDS
    server: _Listener

    def version_string(self) -> str:
        return self.server_version

    def setup(self) -> None:
        self.tls = self.server.tls_only or self._client_starts_tls()
        self.scheme = "https" if self.tls else "http"
        if self.tls:
            # The TLS handshake runs here, in the connection's own thread, so a slow or
            # broken client cannot stall the accept loop.
            self.request.settimeout(HANDSHAKE_TIMEOUT_SECONDS)
            self.request = self.server.ssl_context.wrap_socket(self.request, server_side=True)
        super().setup()

    def _client_starts_tls(self) -> bool:
        """Peek at the first byte: 0x16 is a TLS handshake record, never plain HTTP."""
        self.request.settimeout(IDLE_TIMEOUT_SECONDS)
        return self.request.recv(1, socket.MSG_PEEK) == TLS_HANDSHAKE_RECORD

    def handle(self) -> None:
        try:
            super().handle()
        except DISCONNECT_ERRORS as error:
            self.server.world.log(f"client {self.client_address} went away: {error!r}")

    def finish(self) -> None:
        try:
            super().finish()
        except DISCONNECT_ERRORS:
            pass
        finally:
            if self.tls:
                # The server only closes the raw socket, which wrap_socket detached.
                self.request.close()

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            raise ValueError(f"request body too large: {length} bytes")
        return self.rfile.read(length) if length > 0 else b""

    def _build_request(self) -> Request:
        target = urlsplit(self.path)
        host_header = target.netloc if target.scheme else self.headers.get("Host", "")
        return Request(
            method=self.command,
            scheme=self.scheme,
            host=split_host(host_header),
            path=target.path or "/",
            query=target.query,
            headers=self.headers,
            body=self._read_body(),
        )

    def _dispatch(self) -> None:
        try:
            request = self._build_request()
        except ValueError as error:
            self.send_error(400, str(error))
            return
        site: Handler = self.server.world.sites.get(request.host, unknown_host)
        try:
            response = site(request)
        except Exception:
            self.server.world.log_always(
                f"site error for {request.host}{request.target}:\n{traceback.format_exc()}"
            )
            response = text("500 internal error in the test world\n", 500)
        if self.server.world.request_log is not None:
            self.server.world.request_log.append(request, response.status)
        self._send(request, response)

    def _send(self, request: Request, response: Response) -> None:
        self.send_response(response.status)
        if response.content_type:
            self.send_header("Content-Type", response.content_type)
        for name, value in response.headers:
            self.send_header(name, value)
        bodiless = response.status in (204, 304) or response.status < 200
        framed_by_site = _frames_own_body(response)
        if not bodiless and not framed_by_site:
            self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if request.method != "HEAD" and not bodiless:
            self.wfile.write(response.body)
        self.wfile.flush()
        if framed_by_site:  # its framing may be a lie (a cut body): end the connection
            self.close_connection = True
        self.server.world.log(
            f"{request.method} {request.scheme}://{request.host}{request.target} "
            f"-> {response.status} ({len(response.body)} bytes)"
        )

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _dispatch

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass  # _send logs with the host name instead

    def log_message(self, format: str, *args: Any) -> None:
        self.server.world.log(f"{self.client_address[0]} {format % args}")


class TestWorldServer:
    """The whole world in this process: ``start()`` serves in background threads.

    Port 0 picks a free port.
    """

    __test__ = False  # not a pytest test class, despite the name

    def __init__(
        self,
        http_port: int = 0,
        https_port: int = 0,
        bench_pages: int = 0,
        verbose: bool = False,
        request_log: Path | None = None,
    ) -> None:
        self.verbose = verbose
        self.request_log = RequestLog(request_log) if request_log is not None else None
        self._log_lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._certificate: CertificateFiles = write_certificate([*ALL_HOSTS, BENCH_WILDCARD])
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self._certificate.cert_path, self._certificate.key_path)
        context.set_alpn_protocols(["http/1.1"])
        self._http = _Listener(http_port, self, context, tls_only=False)
        try:
            self._https = _Listener(https_port, self, context, tls_only=True)
        except OSError:
            self._http.server_close()
            raise
        self.urls = WorldUrls(self._http.port, self._https.port)
        self.sites: dict[str, Handler] = build_sites(self.urls, bench_pages)

    @property
    def http_port(self) -> int:
        return self.urls.http_port

    @property
    def https_port(self) -> int:
        return self.urls.https_port

    @property
    def spki_sha256(self) -> str:
        """Base64 SHA-256 of the certificate's SPKI (for Chromium's SPKI allow-list)."""
        return self._certificate.spki_sha256

    @property
    def start_url(self) -> str:
        return self.urls.https(SHOP, "/")

    @property
    def bench_start_url(self) -> str:
        return self.urls.https(BENCH, "/p/0")

    def info(self) -> dict[str, Any]:
        """What ``python -m scanner.testworld`` prints as its single JSON line."""
        return {
            "http_port": self.http_port,
            "https_port": self.https_port,
            "spki_sha256": self.spki_sha256,
            "start_url": self.start_url,
            "bench_start_url": self.bench_start_url,
        }

    def start(self) -> None:
        """Serve both listeners in daemon threads."""
        for listener in (self._http, self._https):
            thread = threading.Thread(
                target=listener.serve_forever,
                kwargs={"poll_interval": 0.2},
                name=f"testworld-{listener.scheme}",
                daemon=True,
            )
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        """Stop serving, close the sockets and delete the certificate files."""
        for listener in (self._http, self._https):
            if self._threads:
                listener.shutdown()
            listener.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads.clear()
        if self.request_log is not None:
            self.request_log.close()
        shutil.rmtree(self._certificate.directory, ignore_errors=True)

    def __enter__(self) -> "TestWorldServer":
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def log(self, message: str) -> None:
        """A debug line on stderr, only with ``verbose``."""
        if self.verbose:
            self.log_always(message)

    def log_always(self, message: str) -> None:
        """A line on stderr regardless of ``verbose`` (for bugs, not for client behaviour)."""
        with self._log_lock:
            print(f"[testworld] {message}", file=sys.stderr, flush=True)
