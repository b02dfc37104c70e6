"""Which distribution provides an imported module.

Three sources, from the most to the least authoritative:
1. the resolved wheels themselves: the member names of a wheel say which top-level packages and
   modules it installs (read from the zip's central directory by the index client, cached);
2. the host environment's `importlib.metadata.packages_distributions()` (what is installed beside
   fletlint: often the app's own virtual environment);
3. a short table of the well-known mismatches between import and distribution names.

Reading wheels costs a request or two per package, so a lookup first tries the cheap guesses (the
import's own name, the table, the host) against the resolved graph and reads wheels only for the
imports no guess explains.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache

from packaging.utils import NormalizedName, canonicalize_name

from fletlint.linter.index.model import DistFile
from fletlint.linter.resolve import ResolvedPackage

# Import name → distribution, where they differ and the pair is common in apps. Keys may be
# dotted (namespace packages); the longest matching prefix wins.
KNOWN_DISTRIBUTIONS: dict[str, str] = {
    "cv2": "opencv-python",
    "PIL": "pillow",
    "yaml": "pyyaml",
    "sklearn": "scikit-learn",
    "skimage": "scikit-image",
    "bs4": "beautifulsoup4",
    "dateutil": "python-dateutil",
    "jwt": "pyjwt",
    "google.protobuf": "protobuf",
    "google.cloud.firestore": "google-cloud-firestore",
    "google.cloud.storage": "google-cloud-storage",
    "google.auth": "google-auth",
    "googleapiclient": "google-api-python-client",
    "attr": "attrs",
    "Crypto": "pycryptodome",
    "Cryptodome": "pycryptodomex",
    "OpenSSL": "pyopenssl",
    "dotenv": "python-dotenv",
    "magic": "python-magic",
    "serial": "pyserial",
    "usb": "pyusb",
    "flet": "flet",
    "supabase": "supabase",
    "fitz": "pymupdf",
    "docx": "python-docx",
    "pptx": "python-pptx",
    "multipart": "python-multipart",
    "jose": "python-jose",
    "socks": "pysocks",
    "git": "gitpython",
    "zmq": "pyzmq",
    "Levenshtein": "levenshtein",
    "websocket": "websocket-client",
    "telegram": "python-telegram-bot",
    "discord": "discord.py",
    "firebase_admin": "firebase-admin",
    "psycopg2": "psycopg2",
    "MySQLdb": "mysqlclient",
    "win32api": "pywin32",
    "win32com": "pywin32",
    "pkg_resources": "setuptools",
    "_cffi_backend": "cffi",
    "typing_extensions": "typing-extensions",
}

_MODULE_SUFFIXES = (".py", ".so", ".pyd")


def modules_of_wheel(names: Iterable[str]) -> frozenset[str]:
    """The module names a wheel makes importable, from its member names.

    A regular package (`pkg/__init__.py`) or a module (`mod.py`, `_ext.cpython-312-….so`) gives
    its top-level name; a namespace folder without `__init__.py` (`google/protobuf/…`) gives
    `google.protobuf`, so that `google.auth` is not credited to protobuf.
    """
    regular: set[str] = set()
    namespace: set[str] = set()
    for raw in names:
        parts = raw.split("/")
        if parts[0].endswith(".data") and len(parts) > 2 and parts[1] in ("purelib", "platlib"):
            parts = parts[2:]
        top = parts[0]
        if top.endswith(".dist-info") or top.endswith(".data") or not top:
            continue
        if len(parts) == 1:
            if top.endswith(_MODULE_SUFFIXES):
                regular.add(top.split(".", 1)[0])
            continue
        if parts[1] == "__init__.py" or parts[1].startswith("__init__."):
            regular.add(top)
        elif len(parts) > 2 or parts[1].endswith(_MODULE_SUFFIXES):
            namespace.add(f"{top}.{parts[1].split('.', 1)[0]}")
    return frozenset(regular | {n for n in namespace if n.split(".", 1)[0] not in regular})


def _prefixes(module: str) -> list[str]:
    """`a.b.c` → `a.b.c`, `a.b`, `a`: longest first."""
    parts = module.split(".")
    return [".".join(parts[:i]) for i in range(len(parts), 0, -1)]


def provides(module: str, provided: frozenset[str]) -> bool:
    return any(prefix in provided for prefix in _prefixes(module))


def host_distributions() -> Mapping[str, tuple[str, ...]]:
    """Top-level import names → distributions installed in fletlint's own environment.
    Read once per process; a caller while another thread reads them waits for that read."""
    with _host_read:
        return _read_host_distributions()


def start_reading_host_distributions() -> None:
    """Start reading them (a thread waiting on another interpreter): a check whose app imports
    something needs them after its resolutions (FL101), and read then they cost the check's end
    0.1 s (the METADATA and RECORD of every installed distribution); read now, on the other
    core, they cost the resolutions nothing."""
    if _read_host_distributions.cache_info().currsize:
        return  # read already (a language server's later checks)
    threading.Thread(target=host_distributions, name="fletlint-host", daemon=True).start()


_host_read = threading.Lock()


# Another interpreter with this one's module path reads the same installed distributions.
_HOST_MAIN = (
    "import importlib.metadata; found = importlib.metadata.packages_distributions(); "
    "sys.stdout.write(json.dumps({k: list(v) for k, v in found.items()}))"
)
_HOST_WITHIN = 15.0  # seconds (it takes 0.1-0.2 s); then read here


@lru_cache(maxsize=1)
def _read_host_distributions() -> Mapping[str, tuple[str, ...]]:
    # Read in another process, on the other core: the METADATA and RECORD of every installed
    # distribution are 0.1 s of CPU, which here would come out of the resolutions' one
    # interpreter lock (cold example). Read here when that process cannot answer.
    found = _read_host_distributions_elsewhere()
    if found is not None:
        return found
    return read_host_distributions_here()


def read_host_distributions_here() -> Mapping[str, tuple[str, ...]]:
    """`importlib.metadata.packages_distributions()` of this interpreter, as tuples."""
    import importlib.metadata  # 1 MB imported: only for an import nothing else explains

    try:
        found = importlib.metadata.packages_distributions()
    except Exception:  # a broken installed distribution must not stop a check
        return {}
    return {name: tuple(dists) for name, dists in found.items()}


def _read_host_distributions_elsewhere() -> Mapping[str, tuple[str, ...]] | None:
    import json

    from fletlint.linter.interpreter import run_elsewhere

    out = run_elsewhere(_HOST_MAIN, timeout=_HOST_WITHIN)
    if out is None:
        return None
    try:
        raw = json.loads(out)
    except ValueError:
        return None
    if not isinstance(raw, dict) or not all(
        isinstance(v, list) and all(isinstance(d, str) for d in v) for v in raw.values()
    ):
        return None
    return {str(name): tuple(dists) for name, dists in raw.items()}


def _wheel_of(
    package: ResolvedPackage, listing: Callable[[str], Sequence[DistFile]]
) -> DistFile | None:
    files = list(package.files) or [
        f for f in listing(package.name) if f.version == package.version
    ]
    wheels = [f for f in files if f.is_wheel]
    pure = [f for f in wheels if f.is_pure]
    chosen = pure or wheels
    return chosen[0] if chosen else None


class ModuleIndex:
    """Answers "which of these resolved packages provides module M" for one check."""

    def __init__(
        self,
        archive_names: Callable[[DistFile], tuple[str, ...]] | None,
        listing: Callable[[str], Sequence[DistFile]],
        host: Mapping[str, Sequence[str]] | None = None,
        known: Mapping[str, str] | None = None,
    ) -> None:
        self._archive_names = archive_names
        self._listing = listing
        self._given_host = host
        self._known = {**KNOWN_DISTRIBUTIONS, **(known or {})}
        self._contents: dict[tuple[str, str], frozenset[str]] = {}

    @property
    def _host(self) -> Mapping[str, Sequence[str]]:
        # Read when an import is first explained: a check with no app code never needs it.
        return host_distributions() if self._given_host is None else self._given_host

    def guesses(self, module: str) -> list[NormalizedName]:
        """Distributions that probably provide `module`, most likely first (no network)."""
        found: list[str] = []
        for prefix in _prefixes(module):
            if prefix in self._known:
                found.append(self._known[prefix])
        top = module.split(".", 1)[0]
        found.extend(self._host.get(top, ()))
        found.append(top)
        unique: list[NormalizedName] = []
        for name in found:
            canonical = canonicalize_name(name)
            if canonical not in unique:
                unique.append(canonical)
        return unique

    def hint(self, module: str) -> str:
        """The distribution a person should declare for `module`."""
        return str(self.guesses(module)[0])

    def providers(
        self, module: str, packages: Mapping[NormalizedName, ResolvedPackage]
    ) -> list[NormalizedName]:
        """Resolved packages that provide `module`: by name first, else by their wheels' files."""
        cheap = [g for g in self.guesses(module) if g in packages]
        if cheap:
            return cheap
        self._read(packages.values())
        return [
            name
            for name, package in sorted(packages.items())
            if provides(module, self._contents.get((name, str(package.version)), frozenset()))
        ]

    def _read(self, packages: Iterable[ResolvedPackage]) -> None:
        reader = self._archive_names
        if reader is None:
            return
        todo = {
            (str(p.name), str(p.version)): p
            for p in packages
            if (str(p.name), str(p.version)) not in self._contents
        }
        if not todo:
            return

        def contents(package: ResolvedPackage) -> frozenset[str]:
            wheel = _wheel_of(package, self._listing)
            return modules_of_wheel(reader(wheel)) if wheel is not None else frozenset()

        # Remote wheels cost a range request or two each: read them side by side.
        with ThreadPoolExecutor(max_workers=8) as pool:
            for key, found in zip(todo, pool.map(contents, todo.values()), strict=True):
                self._contents[key] = found
