"""Packages that must be extracted on Android (`extract_packages`), and how Flet matches them.

Since Flet 0.86 Android imports pure Python from `assets/sitepackages.zip`; packages that read
data files through `__file__` must be unpacked to disk. serious_python_android's Gradle split
matches each `extract_packages` entry against an import path: the path itself, a prefix of it
(`sklearn` covers `sklearn.datasets`), or a `*`/`?` glob on the top-level name.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence

from packaging.utils import canonicalize_name

__all__ = ["KNOWN_EXTRACT", "covered", "known_packages", "modules_to_extract"]

# Distribution → the import names Android must extract (flet-dev/flet PR 6673's review,
# 2026-07-12: matplotlib, sklearn, astropy, thinc, spacy (+thinc), cv2).
KNOWN_EXTRACT: dict[str, tuple[str, ...]] = {
    "matplotlib": ("matplotlib",),
    "scikit-learn": ("sklearn",),
    "astropy": ("astropy",),
    "thinc": ("thinc",),
    "spacy": ("spacy",),
    "opencv-python": ("cv2",),
    "opencv-python-headless": ("cv2",),
    "opencv-contrib-python": ("cv2",),
    "opencv-contrib-python-headless": ("cv2",),
}


def covered(module: str, entries: Sequence[str]) -> bool:
    """Whether the extract list takes `module` out of the zip."""
    top = module.split(".", 1)[0]
    for raw in entries:
        entry = raw.strip()
        if not entry:
            continue
        if module == entry or module.startswith(entry + "."):
            return True
        if any(c in entry for c in "*?") and fnmatch.fnmatchcase(top, entry):
            return True
    return False


def known_packages(extra: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """The curated list plus `[tool.fletlint] extend-extract-packages` (import names; a
    distribution of the same name matches)."""
    found = dict(KNOWN_EXTRACT)
    for name in extra:
        found.setdefault(str(canonicalize_name(name)), (name.strip(),))
    return found


def modules_to_extract(
    distribution: str, extra: Sequence[str], entries: Sequence[str]
) -> list[str]:
    """The import names of `distribution` that must be extracted and `entries` do not cover."""
    known = known_packages(extra).get(str(canonicalize_name(distribution)), ())
    return [m for m in known if not covered(m, entries)]
