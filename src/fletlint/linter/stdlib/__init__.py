"""The standard library per Python version, and what of it phones lack.

Where the lists come from: `STDLIB_3_11` is `sys.stdlib_module_names` of CPython 3.11.7 (generated,
then pasted); the other versions apply the changes their "What's New" pages document (3.11 removed
`binhex` and added `tomllib`; PEP 594 and PEP 632 removals in 3.12 and 3.13; the 3.14 additions).
Only top-level names are listed, plus the few submodules that came or went on their own
(`dbm.sqlite3`, `concurrent.interpreters`, `string.templatelib`), since an import is judged by its
first component everywhere else.

Phones: CPython's Android (PEP 738) and iOS (PEP 730) builds mark some extension modules as not
available (no terminal: `curses`, `readline`; no Tk: `tkinter`; no gdbm/ndbm; Windows-only
modules) and run Python embedded in an app, so there is no separate interpreter for `venv`,
`ensurepip` or multiprocessing to start. The CPython docs' "Mobile platforms" section (library
intro) says: Android has no System V IPC, so `multiprocessing` is unavailable, and an iOS app
cannot start subprocesses at all. Those modules import fine; starting a process fails, hence a
separate kind. `grp`/`pwd` are left out: stubs exist, importing them works.
"""

from __future__ import annotations

from dataclasses import dataclass

PYTHON_VERSIONS = ("3.10", "3.11", "3.12", "3.13", "3.14")

STDLIB_3_11: frozenset[str] = frozenset(
    (
        "__future__",
        "_abc",
        "_aix_support",
        "_ast",
        "_asyncio",
        "_bisect",
        "_blake2",
        "_bootsubprocess",
        "_bz2",
        "_codecs",
        "_codecs_cn",
        "_codecs_hk",
        "_codecs_iso2022",
        "_codecs_jp",
        "_codecs_kr",
        "_codecs_tw",
        "_collections",
        "_collections_abc",
        "_compat_pickle",
        "_compression",
        "_contextvars",
        "_crypt",
        "_csv",
        "_ctypes",
        "_curses",
        "_curses_panel",
        "_datetime",
        "_dbm",
        "_decimal",
        "_elementtree",
        "_frozen_importlib",
        "_frozen_importlib_external",
        "_functools",
        "_gdbm",
        "_hashlib",
        "_heapq",
        "_imp",
        "_io",
        "_json",
        "_locale",
        "_lsprof",
        "_lzma",
        "_markupbase",
        "_md5",
        "_msi",
        "_multibytecodec",
        "_multiprocessing",
        "_opcode",
        "_operator",
        "_osx_support",
        "_overlapped",
        "_pickle",
        "_posixshmem",
        "_posixsubprocess",
        "_py_abc",
        "_pydecimal",
        "_pyio",
        "_queue",
        "_random",
        "_scproxy",
        "_sha1",
        "_sha256",
        "_sha3",
        "_sha512",
        "_signal",
        "_sitebuiltins",
        "_socket",
        "_sqlite3",
        "_sre",
        "_ssl",
        "_stat",
        "_statistics",
        "_string",
        "_strptime",
        "_struct",
        "_symtable",
        "_thread",
        "_threading_local",
        "_tkinter",
        "_tokenize",
        "_tracemalloc",
        "_typing",
        "_uuid",
        "_warnings",
        "_weakref",
        "_weakrefset",
        "_winapi",
        "_zoneinfo",
        "abc",
        "aifc",
        "antigravity",
        "argparse",
        "array",
        "ast",
        "asynchat",
        "asyncio",
        "asyncore",
        "atexit",
        "audioop",
        "base64",
        "bdb",
        "binascii",
        "bisect",
        "builtins",
        "bz2",
        "cProfile",
        "calendar",
        "cgi",
        "cgitb",
        "chunk",
        "cmath",
        "cmd",
        "code",
        "codecs",
        "codeop",
        "collections",
        "colorsys",
        "compileall",
        "concurrent",
        "configparser",
        "contextlib",
        "contextvars",
        "copy",
        "copyreg",
        "crypt",
        "csv",
        "ctypes",
        "curses",
        "dataclasses",
        "datetime",
        "dbm",
        "decimal",
        "difflib",
        "dis",
        "distutils",
        "doctest",
        "email",
        "encodings",
        "ensurepip",
        "enum",
        "errno",
        "faulthandler",
        "fcntl",
        "filecmp",
        "fileinput",
        "fnmatch",
        "fractions",
        "ftplib",
        "functools",
        "gc",
        "genericpath",
        "getopt",
        "getpass",
        "gettext",
        "glob",
        "graphlib",
        "grp",
        "gzip",
        "hashlib",
        "heapq",
        "hmac",
        "html",
        "http",
        "idlelib",
        "imaplib",
        "imghdr",
        "imp",
        "importlib",
        "inspect",
        "io",
        "ipaddress",
        "itertools",
        "json",
        "keyword",
        "lib2to3",
        "linecache",
        "locale",
        "logging",
        "lzma",
        "mailbox",
        "mailcap",
        "marshal",
        "math",
        "mimetypes",
        "mmap",
        "modulefinder",
        "msilib",
        "msvcrt",
        "multiprocessing",
        "netrc",
        "nis",
        "nntplib",
        "nt",
        "ntpath",
        "nturl2path",
        "numbers",
        "opcode",
        "operator",
        "optparse",
        "os",
        "ossaudiodev",
        "pathlib",
        "pdb",
        "pickle",
        "pickletools",
        "pipes",
        "pkgutil",
        "platform",
        "plistlib",
        "poplib",
        "posix",
        "posixpath",
        "pprint",
        "profile",
        "pstats",
        "pty",
        "pwd",
        "py_compile",
        "pyclbr",
        "pydoc",
        "pydoc_data",
        "pyexpat",
        "queue",
        "quopri",
        "random",
        "re",
        "readline",
        "reprlib",
        "resource",
        "rlcompleter",
        "runpy",
        "sched",
        "secrets",
        "select",
        "selectors",
        "shelve",
        "shlex",
        "shutil",
        "signal",
        "site",
        "smtpd",
        "smtplib",
        "sndhdr",
        "socket",
        "socketserver",
        "spwd",
        "sqlite3",
        "sre_compile",
        "sre_constants",
        "sre_parse",
        "ssl",
        "stat",
        "statistics",
        "string",
        "stringprep",
        "struct",
        "subprocess",
        "sunau",
        "symtable",
        "sys",
        "sysconfig",
        "syslog",
        "tabnanny",
        "tarfile",
        "telnetlib",
        "tempfile",
        "termios",
        "textwrap",
        "this",
        "threading",
        "time",
        "timeit",
        "tkinter",
        "token",
        "tokenize",
        "tomllib",
        "trace",
        "traceback",
        "tracemalloc",
        "tty",
        "turtle",
        "turtledemo",
        "types",
        "typing",
        "unicodedata",
        "unittest",
        "urllib",
        "uu",
        "uuid",
        "venv",
        "warnings",
        "wave",
        "weakref",
        "webbrowser",
        "winreg",
        "winsound",
        "wsgiref",
        "xdrlib",
        "xml",
        "xmlrpc",
        "zipapp",
        "zipfile",
        "zipimport",
        "zlib",
        "zoneinfo",
    )
)

# What's New in Python 3.11: binhex removed, tomllib added (and the __phello__ test package).
STDLIB_3_10 = (STDLIB_3_11 - {"tomllib", "__phello__"}) | {"binhex"}
# What's New in Python 3.12: PEP 594 / PEP 632 removals; new private helpers.
REMOVED_IN_3_12 = frozenset({"asynchat", "asyncore", "distutils", "imp", "smtpd"})
STDLIB_3_12 = (STDLIB_3_11 - REMOVED_IN_3_12) | {"_pydatetime", "_pylong", "_wmi"}
# What's New in Python 3.13: the rest of PEP 594's "dead batteries", and lib2to3.
REMOVED_IN_3_13 = frozenset(
    {
        "aifc", "audioop", "cgi", "cgitb", "chunk", "crypt", "imghdr", "mailcap", "msilib",
        "nis", "nntplib", "ossaudiodev", "pipes", "sndhdr", "spwd", "sunau", "telnetlib", "uu",
        "xdrlib", "lib2to3", "_crypt", "_msi",
    }
)  # fmt: skip
STDLIB_3_13 = (STDLIB_3_12 - REMOVED_IN_3_13) | {
    "_android_support", "_apple_support", "_colorize", "_interpchannels", "_interpqueues",
    "_interpreters", "_ios_support", "_opcode_metadata", "_pyrepl", "_suggestions",
}  # fmt: skip
# What's New in Python 3.14: annotationlib, compression (compression.zstd), PEP 734 interpreters.
STDLIB_3_14 = STDLIB_3_13 | {"annotationlib", "compression", "_zstd", "_remote_debugging", "_hmac"}

_BY_VERSION: dict[str, frozenset[str]] = {
    "3.10": STDLIB_3_10,
    "3.11": STDLIB_3_11,
    "3.12": STDLIB_3_12,
    "3.13": STDLIB_3_13,
    "3.14": STDLIB_3_14,
}
_ALL = frozenset().union(*_BY_VERSION.values())

# Submodules that appeared after their package: (module, first version).
_SUBMODULES_ADDED = {
    "dbm.sqlite3": "3.13",
    "concurrent.interpreters": "3.14",
    "string.templatelib": "3.14",
    "compression.zstd": "3.14",
}


def _version_key(python: str) -> tuple[int, int]:
    major, minor = python.split(".")[:2]
    return int(major), int(minor)


def stdlib_modules(python: str) -> frozenset[str]:
    """Top-level standard-library names of `python` (X.Y); the nearest known list beyond 3.14."""
    if python in _BY_VERSION:
        return _BY_VERSION[python]
    key = _version_key(python)
    nearest = min(_BY_VERSION, key=lambda v: abs(_version_key(v)[1] - key[1]))
    return _BY_VERSION[nearest]


def is_stdlib_anywhere(module: str) -> bool:
    """Whether the module's top level is in the standard library of any Python from 3.10 to 3.14."""
    return module.split(".", 1)[0] in _ALL


def is_stdlib(module: str, python: str) -> bool:
    return version_problem(module, python) is None and module.split(".", 1)[0] in stdlib_modules(
        python
    )


def version_problem(module: str, python: str) -> str | None:
    """Why a standard-library module does not exist in `python`, or None when it does
    (or was never part of the standard library)."""
    top = module.split(".", 1)[0]
    if top not in _ALL:
        return None
    present = stdlib_modules(python)
    if top not in present:
        gone = [v for v in PYTHON_VERSIONS if top in _BY_VERSION[v]]
        if gone and _version_key(gone[-1]) < _version_key(python):
            following = PYTHON_VERSIONS[PYTHON_VERSIONS.index(gone[-1]) + 1]
            return f"{top} was removed from the standard library in Python {following}"
        if gone and _version_key(gone[0]) > _version_key(python):
            return f"{top} is new in Python {gone[0]}"
        return f"{top} is not in the standard library of Python {python}"
    for sub, since in _SUBMODULES_ADDED.items():
        if (module == sub or module.startswith(sub + ".")) and _version_key(python) < _version_key(
            since
        ):
            return f"{sub} is new in Python {since}"
    return None


@dataclass(frozen=True)
class PhoneGap:
    """A standard-library module that phones lack (kind "missing") or that imports but cannot
    start processes (kind "process")."""

    module: str
    platforms: frozenset[str]
    kind: str
    reason: str


_BOTH = frozenset({"android", "ios"})
_GAPS: tuple[PhoneGap, ...] = (
    PhoneGap("tkinter", _BOTH, "missing", "phones have no Tk"),
    PhoneGap("_tkinter", _BOTH, "missing", "phones have no Tk"),
    PhoneGap("turtle", _BOTH, "missing", "turtle needs tkinter, and phones have no Tk"),
    PhoneGap("turtledemo", _BOTH, "missing", "turtledemo needs tkinter, and phones have no Tk"),
    PhoneGap("idlelib", _BOTH, "missing", "IDLE needs tkinter, and phones have no Tk"),
    PhoneGap("curses", _BOTH, "missing", "phones have no terminal (CPython builds no _curses)"),
    PhoneGap("_curses", _BOTH, "missing", "phones have no terminal (CPython builds no _curses)"),
    PhoneGap("_curses_panel", _BOTH, "missing", "phones have no terminal"),
    PhoneGap("readline", _BOTH, "missing", "phones have no terminal (CPython builds no readline)"),
    PhoneGap("dbm.gnu", _BOTH, "missing", "the mobile builds have no gdbm"),
    PhoneGap("_gdbm", _BOTH, "missing", "the mobile builds have no gdbm"),
    PhoneGap("dbm.ndbm", _BOTH, "missing", "the mobile builds have no ndbm"),
    PhoneGap("_dbm", _BOTH, "missing", "the mobile builds have no ndbm"),
    PhoneGap("venv", _BOTH, "missing", "Python runs embedded in the app: there is no interpreter executable to make environments with"),
    PhoneGap("ensurepip", _BOTH, "missing", "Python runs embedded in the app: nothing can be pip-installed on the device"),
    PhoneGap("msvcrt", _BOTH, "missing", "a Windows-only module"),
    PhoneGap("winreg", _BOTH, "missing", "a Windows-only module"),
    PhoneGap("winsound", _BOTH, "missing", "a Windows-only module"),
    PhoneGap("_winapi", _BOTH, "missing", "a Windows-only module"),
    PhoneGap("msilib", _BOTH, "missing", "a Windows-only module"),
    PhoneGap("nt", _BOTH, "missing", "a Windows-only module"),
    PhoneGap("multiprocessing", _BOTH, "process", "imports, but starting a process fails: Android has no System V IPC and iOS apps cannot start processes"),
    PhoneGap("subprocess", frozenset({"ios"}), "process", "imports, but an iOS app cannot start subprocesses"),
)  # fmt: skip


def phone_gap(module: str, platform: str) -> PhoneGap | None:
    """The most specific gap that covers `module` (`dbm.gnu` covers `dbm.gnu.x`) on `platform`."""
    best: PhoneGap | None = None
    for gap in _GAPS:
        if platform not in gap.platforms:
            continue
        covers = module == gap.module or module.startswith(gap.module + ".")
        if covers and (best is None or len(gap.module) > len(best.module)):
            best = gap
    return best
