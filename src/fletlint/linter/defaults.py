"""Defaults a front end names before the engine is loaded (`fletlint --help` does not load it)."""

from __future__ import annotations

# `flet build` always passes `--extra-index-url https://pypi.flet.dev`.
FLET_INDEX_URL = "https://pypi.flet.dev/"
