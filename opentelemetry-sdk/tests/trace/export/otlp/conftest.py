"""Fixtures of the OTLP exporter tests beyond the plain receiver (``tests/support/otlp_receiver.py``).

Retries with a short backoff, a receiver behind TLS with the test
certificates in ``certs/``, a port that refuses connections, and a clock on
which the exporter's waits are recorded instead of waited.
"""

import functools
import socket
import ssl
from pathlib import Path
from typing import List

import pytest
from otlp_receiver import OTLPReceiver

from opentelemetry.sdk.trace.export.otlp import _http_sender

CERTS = Path(__file__).resolve().parent / "certs"


@pytest.fixture
def short_backoff(monkeypatch):
    """Retries after about 10 ms, so retry tests take no time."""
    monkeypatch.setattr(_http_sender, "BACKOFF_BASE_SECONDS", 0.01)
    monkeypatch.setattr(_http_sender, "BACKOFF_CAP_SECONDS", 0.02)


@pytest.fixture
def tls_receiver():
    """A receiver behind TLS that requires a client certificate from the test CA."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(CERTS / "server.pem", CERTS / "server.key")
    context.load_verify_locations(CERTS / "ca.pem")
    context.verify_mode = ssl.CERT_REQUIRED
    server = OTLPReceiver(tls=context)
    yield server
    server.close()


@pytest.fixture
def closed_port():
    """A local port nothing listens on: connections are refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class FakeTime:
    """A clock that moves only when the exporter waits: waits are recorded, not waited.

    Network operations still take real time, but the deadline arithmetic and
    every backoff or ``Retry-After`` wait run on this clock, so tests check
    the delays requested instead of measuring them.
    """

    def __init__(self) -> None:
        self.now = 1000.0
        #: Every wait the exporter asked for, in seconds, in order.
        self.sleeps: List[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> bool:
        self.sleeps.append(seconds)
        self.now += seconds
        return False  # never interrupted by a shutdown

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def fake_time(monkeypatch):
    """Exporters made in the test run their waits on a :class:`FakeTime`."""
    from opentelemetry.sdk.trace.export.otlp import _http_sender, _otlp_client

    fake = FakeTime()
    monkeypatch.setattr(
        _otlp_client,  # where every OTLP exporter makes its sender
        "HTTPSender",
        functools.partial(_http_sender.HTTPSender, clock=fake.clock, sleep=fake.sleep),
    )
    return fake
