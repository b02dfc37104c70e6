"""Refuse any socket connection that leaves the machine.

Tests must be hermetic: a client bug that falls back to the real PyPI would otherwise
pass on a developer's laptop and hang or flake in CI. The guard raises a RuntimeError
(not an OSError) on purpose, so code under test that turns network errors into
findings cannot swallow it: the test fails loudly and names the address.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from typing import Any

import pytest

_LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


class NetworkAccessError(RuntimeError):
    """A test tried to reach a non-loopback address."""


def is_loopback(host: object) -> bool:
    if not isinstance(host, str):
        return False
    if host.lower() in _LOCAL_NAMES:
        return True
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])  # drop an IPv6 zone id
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


def _check(address: Any) -> None:
    # Only internet families carry a (host, port, ...) tuple; unix sockets are local by nature.
    if isinstance(address, tuple) and address and not is_loopback(address[0]):
        raise NetworkAccessError(
            f"test tried to connect to {address[0]!r}: only 127.0.0.0/8, ::1 and localhost "
            "are allowed (serve what you need with tests.support.index_server.LocalIndex)"
        )


def install(monkeypatch: pytest.MonkeyPatch) -> None:
    """Patch socket connects for the duration of one test."""
    original_connect: Callable[..., Any] = socket.socket.connect
    original_connect_ex: Callable[..., Any] = socket.socket.connect_ex
    original_create_connection: Callable[..., Any] = socket.create_connection

    def connect(self: socket.socket, address: Any) -> Any:
        _check(address)
        return original_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> Any:
        _check(address)
        return original_connect_ex(self, address)

    def create_connection(address: Any, *args: Any, **kwargs: Any) -> socket.socket:
        # Checked up front so a hostname is rejected before any DNS lookup is attempted.
        _check(address)
        sock: socket.socket = original_create_connection(address, *args, **kwargs)
        return sock

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "create_connection", create_connection)
