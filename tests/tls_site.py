"""A one-page HTTPS site on loopback with a certificate of its own, for end-to-end tests
of what a staging server needs (a certificate no CA vouches for, names no DNS knows)."""

from __future__ import annotations

import shutil
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from scanner.testworld.certs import CertificateFiles, write_certificate

PAGE = b"<!doctype html><html><head><title>Staging</title></head><body>ok</body></html>"


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        found = self.path == "/"
        body = PAGE if found else b"not found"
        self.send_response(200 if found else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8" if found else "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@dataclass(frozen=True)
class TlsSite:
    port: int
    certificate: CertificateFiles

    def url(self, host: str) -> str:
        return f"https://{host}:{self.port}/"


@contextmanager
def running_tls_site(*names: str) -> Iterator[TlsSite]:
    """Serve one page over HTTPS on 127.0.0.1 with a self-signed certificate for ``names``."""
    certificate = write_certificate(names)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate.cert_path, certificate.key_path)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield TlsSite(server.server_address[1], certificate)
    finally:
        server.shutdown()
        server.server_close()
        shutil.rmtree(certificate.directory, ignore_errors=True)
