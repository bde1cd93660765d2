"""The guard every network test uses: any connect beyond loopback fails the test."""

import ipaddress
import socket
from dataclasses import dataclass, field

import pytest


@dataclass
class ConnectionLog:
    attempts: list = field(default_factory=list)  # every (host, port) tried
    blocked: list = field(default_factory=list)  # the ones that were not loopback


@pytest.fixture
def no_outside_connections(monkeypatch):
    """Any connect to an address other than loopback raises AssertionError and
    fails the test at teardown, even if the code under test swallowed it."""
    log = ConnectionLog()
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
    real_create_connection = socket.create_connection

    def check(address):
        host = address[0] if isinstance(address, tuple) else address
        log.attempts.append(address)
        try:
            loopback = ipaddress.ip_address(str(host).split("%")[0]).is_loopback
        except ValueError:
            loopback = False  # a name: connect would resolve it, so refuse
        if not loopback:
            log.blocked.append(address)
            raise AssertionError(f"test tried to connect to {address!r}")

    def connect(sock, address):
        check(address)
        return real_connect(sock, address)

    def connect_ex(sock, address):
        check(address)
        return real_connect_ex(sock, address)

    def create_connection(address, *args, **kwargs):
        check(address)
        return real_create_connection(address, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    yield log
    assert log.blocked == [], f"connections attempted beyond loopback: {log.blocked}"
