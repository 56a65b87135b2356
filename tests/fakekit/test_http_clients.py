"""The harness's own httpx clients (``fakekit._http``): plain HTTP on loopback without a TLS context, and
``https://`` still verified — a server with a certificate nobody trusts is refused."""

from __future__ import annotations

import asyncio
import datetime
import socket
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from fake_mailgun import Running
from fakekit import async_http_client, http_client


def _self_signed(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=1))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_file, key_file


@pytest.fixture
def untrusted_tls_port(tmp_path: Path) -> Iterator[int]:
    """A loopback TLS server with a self-signed certificate; it answers 200 to anyone who trusts it."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*_self_signed(tmp_path))
    listener = socket.create_server(("127.0.0.1", 0))
    stopping = threading.Event()

    def serve() -> None:
        while not stopping.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            try:
                with context.wrap_socket(conn, server_side=True) as tls:
                    tls.recv(65536)
                    tls.sendall(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok")
            except (OSError, ssl.SSLError):
                conn.close()  # the client refused the handshake: what the test expects

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stopping.set()
    listener.close()
    thread.join(10)


def test_https_is_verified_sync(untrusted_tls_port: int) -> None:
    with (
        http_client(timeout=10) as client,
        pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"),
    ):
        client.get(f"https://localhost:{untrusted_tls_port}/")


def test_https_is_verified_async(untrusted_tls_port: int) -> None:
    async def fetch() -> None:
        async with async_http_client(timeout=10) as client:
            await client.get(f"https://localhost:{untrusted_tls_port}/")

    with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        asyncio.run(fetch())


def test_plain_http_reuses_one_nodelay_connection(mailgun: Running) -> None:
    """Keep-alive on loopback: several requests, one connection, TCP_NODELAY set on it."""
    ports: set[int] = set()
    with http_client(timeout=10) as client:
        for _ in range(3):
            response = client.get(f"{mailgun.url}/__harness/health")
            assert response.status_code == 200
            sock = response.extensions["network_stream"].get_extra_info("socket")
            assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
            ports.add(sock.getsockname()[1])
    assert len(ports) == 1
