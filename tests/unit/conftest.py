"""Fixtures of the index client's unit tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from fletlint.linter.index.client import IndexClient
from fletlint.linter.index.model import IndexSource
from fletlint.linter.index.urls import make_source

ClientFactory = Callable[..., IndexClient]


@pytest.fixture
def client_factory(isolated_env: Path) -> Iterator[ClientFactory]:
    """Clients share the test's cache dir unless told otherwise; all are closed afterwards.
    A new client on the same cache dir is what a later process would be: it shares no memory."""
    made: list[IndexClient] = []

    def factory(*sources: IndexSource | str, **options: object) -> IndexClient:
        resolved = [s if isinstance(s, IndexSource) else make_source(s) for s in sources]
        options.setdefault("cache_dir", isolated_env)
        options.setdefault("timeout", 5.0)
        client = IndexClient(resolved, **options)  # type: ignore[arg-type]
        made.append(client)
        return client

    yield factory
    for client in made:
        client.close()
