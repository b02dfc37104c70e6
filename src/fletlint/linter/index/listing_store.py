"""The parsed-listing store: a project page's files, kept by the identity of the page.

Parsing a big project page (thousands of links, each with a version, tags and a Requires-Python)
costs far more than reading a pickle of the result; warm runs would otherwise spend most of their
time there. The key is the page's identity (the sha256 of its body taken at download, or a local
file's path, mtime and size), so a revalidated page (HTTP 304) finds its listing again: it is
neither parsed nor written again.
"""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path
from typing import cast

from fletlint.linter.index.model import DistFile
from fletlint.linter.storage import store_in_cache

LISTINGS_FOLDER = "listings-v3"  # one folder: see cache.py, HTTP_FOLDER
_FORMAT = 3
# A page's files and the PEP 658 metadata hashes of those files (by metadata URL).
ParsedListing = tuple[list[DistFile], dict[str, tuple[tuple[str, str], ...]]]


class ListingStore:
    """Parsed listings under `cache_dir/listings-v3`; without a cache folder, a store of none."""

    def __init__(self, cache_dir: Path | None) -> None:
        self.folder = Path(cache_dir) / LISTINGS_FOLDER if cache_dir is not None else None

    @staticmethod
    def key(fingerprint: bytes, source_url: str, project: str) -> str:
        digest = hashlib.sha256(fingerprint)
        digest.update(f"\n{source_url}\n{project}\n{_FORMAT}".encode())
        return digest.hexdigest()

    def _path(self, key: str) -> Path | None:
        return self.folder / key if self.folder is not None else None

    def read(self, key: str) -> ParsedListing | None:
        path = self._path(key)
        if path is None:
            return None
        try:
            with path.open("rb") as fh:
                # Our own cache folder, written by this code: a pickle is the fastest faithful
                # copy of packaging's Version/Tag/SpecifierSet objects. Unreadable is a miss.
                stored = pickle.load(fh)
        except Exception:
            return None
        # A pickle that loads can still hold other shapes (a damaged or foreign entry): checked
        # here, or the caller's unpacking raises far from the cache.
        if not (isinstance(stored, tuple) and len(stored) == 2):
            return None
        files, hashes = stored
        if not (isinstance(files, list) and all(isinstance(f, DistFile) for f in files)):
            return None
        if not isinstance(hashes, dict):
            return None
        return cast(ParsedListing, stored)

    def write(self, key: str, value: ParsedListing) -> None:
        path = self._path(key)
        if path is not None:
            store_in_cache(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
