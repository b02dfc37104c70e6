"""Generated inputs for every parser of project text, and for `--fix` / `--diff`.

Each property is "a clean answer": the parser returns, or raises InputError (a located error);
any other exception is a bug. Time-boxed by example counts (FLETLINT_FUZZ_SCALE multiplies them
for a longer local run), seeded (FLETLINT_FUZZ_SEED, printed with every failure so the run can be
replayed), and without the example database so that CI runs are the same run.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from fletlint.config import load_config
from fletlint.linter.findings import InputError
from fletlint.linter.index.urls import redact_text
from fletlint.linter.sources.imports import parse_imports
from fletlint.linter.sources.pyproject import read_pyproject
from fletlint.linter.sources.requirements import read_requirements
from fletlint.report import diff
from tests.cli.helpers import Run, check
from tests.support.index_server import LocalIndex
from tests.support.unified_diff import apply_one_file

SEED = int(os.environ.get("FLETLINT_FUZZ_SEED", "20261130"))
SCALE = float(os.environ.get("FLETLINT_FUZZ_SCALE", "1"))
# How many inputs each property saw in this run (printed at the end with -s).
COUNTS: dict[str, int] = {}


def _settings(examples: int) -> settings:
    return settings(
        max_examples=max(1, int(examples * SCALE)),
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )


@contextlib.contextmanager
def replayable(name: str) -> Iterator[None]:
    """Count the input; on failure, say how to replay this run."""
    COUNTS[name] = COUNTS.get(name, 0) + 1
    try:
        yield
    except BaseException as exc:
        note = f"fuzz seed {SEED}: replay with FLETLINT_FUZZ_SEED={SEED}"
        getattr(exc, "add_note", print)(note)  # add_note: Python 3.11+; print before
        raise


@pytest.fixture(scope="module", autouse=True)
def _report_counts() -> Iterator[None]:
    yield
    total = sum(COUNTS.values())
    print(f"\nfuzz (seed {SEED}): {total} inputs: {COUNTS}")


# Pieces real files are made of, and pieces that break parsers.
_NAMES = ["anyio", "flet", "pydantic", "numpy", "a", "A_b.c", "x" * 70, "über", ""]
_SPECS = ["", "==1.0", ">=1,<2", "==1.*", "~=2.0", "===foo", "==", "=>1", ">=1;", "[extra]"]
_MARKERS = [
    "",
    '; sys_platform == "android"',
    "; python_version < '3.13'",
    "; os_name ==",
    "; (",
    '; platform_machine == "arm64" and extra == "x"',
]
_OPTIONS = [
    "-r other.txt",
    "-c other.txt",
    "-r",
    "-e .",
    "-e git+https://u:p@h/r.git#egg=x",
    "--index-url http://[::1/simple",
    "--extra-index-url https://u:pa/ss@h/simple/",
    "--find-links ./wheels",
    "--no-index",
    "--hash=sha256:" + "0" * 64,
    "--only-binary :all:",
    "--allow-external x",
    "-i",
    "--unknown-option",
    "-f '",
]
_JUNK = st.text(
    alphabet=st.characters(
        codec=None, exclude_categories=(), include_characters="\x00\r\n\t\\#'\"\u2028\x0c;@[]="
    ),
    max_size=30,
)
_LINE = st.one_of(
    st.builds(
        lambda n, s, m: f"{n}{s}{m}",
        st.sampled_from(_NAMES),
        st.sampled_from(_SPECS),
        st.sampled_from(_MARKERS),
    ),
    st.sampled_from(_OPTIONS),
    st.builds(
        lambda n, u: f"{n} @ {u}",
        st.sampled_from(_NAMES),
        st.sampled_from(["https://u:s3@h/x.whl", "file:///dev/zero", "http://[::1/x", ""]),
    ),
    _JUNK,
    st.just("# comment \\"),
    st.just("\\"),
)
REQUIREMENTS = st.builds(
    lambda lines, end: end.join(lines),
    st.lists(_LINE, max_size=8),
    st.sampled_from(["\n", "\r\n", "\r"]),
)


@seed(SEED)
@_settings(800)
@given(text=REQUIREMENTS)
def test_requirements_parser_answers_cleanly(
    tmp_path_factory: pytest.TempPathFactory, text: str
) -> None:
    folder = tmp_path_factory.getbasetemp() / "fuzz-req"
    folder.mkdir(exist_ok=True)
    (folder / "other.txt").write_text("anyio\n")
    with replayable("requirements"), contextlib.suppress(InputError):
        read_requirements(folder / "requirements.txt", texts={folder / "requirements.txt": text})


_TOML_VALUES = st.recursive(
    st.one_of(
        st.sampled_from(
            [
                '"anyio>=1"',
                '"x @ https://u:p@h/x.whl"',
                '"[["',
                "1",
                "true",
                '""',
                '"numpy; os_name =="',
                "1979-05-27",
                "inf",
                '"\\ud800"',
                "'a\\'b'",
            ]
        ),
        st.text(max_size=10).map(lambda t: '"' + t.replace("\\", "\\\\").replace('"', '\\"') + '"'),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4).map(lambda xs: "[" + ", ".join(xs) + "]"),
        st.dictionaries(
            st.sampled_from(["a", "dependencies", "android", "ios", "1"]), inner, max_size=3
        ).map(lambda d: "{" + ", ".join(f"{k} = {v}" for k, v in d.items()) + "}"),
    ),
    max_leaves=8,
)
_TABLES = [
    "[project]",
    "[tool.flet]",
    "[tool.flet.android]",
    "[tool.flet.app]",
    "[tool.poetry.dependencies]",
    "[dependency-groups]",
    "[project.optional-dependencies]",
    "[tool.fletlint]",
    "[tool.fletlint.per-file-ignores]",
    "[[project]]",
    "[",
]
_KEYS = [
    "dependencies",
    "requires-python",
    "name",
    "version",
    "target_arch",
    "dev_packages",
    "exclude",
    "python",
    "flet",
    "select",
    "ignore",
    "index-url",
    "find-links",
    "cache-dir",
    "python-version",
    "targets",
    "per-file-ignores",
    '"main.py"',
    "a.b",
]
PYPROJECT = st.lists(
    st.one_of(
        st.sampled_from(_TABLES),
        st.builds(lambda k, v: f"{k} = {v}", st.sampled_from(_KEYS), _TOML_VALUES),
        _JUNK,
    ),
    max_size=10,
).map("\n".join)


@seed(SEED)
@_settings(500)
@given(text=PYPROJECT)
def test_pyproject_and_config_readers_answer_cleanly(
    tmp_path_factory: pytest.TempPathFactory, text: str
) -> None:
    path = tmp_path_factory.getbasetemp() / "fuzz-pyproject" / "pyproject.toml"
    with replayable("pyproject"), contextlib.suppress(InputError):
        read_pyproject(path, text=text)
    with replayable("config"), contextlib.suppress(InputError):
        load_config(path, text=text)


_PY_LINES = [
    "import os",
    "import numpy as np",
    "from a.b import c, d",
    "from . import x",
    "from .. import (",
    "try:\n    import yaml\nexcept ImportError:\n    yaml = None",
    "if sys.platform == 'android':\n    import jnius",
    "if TYPE_CHECKING:\n    import typing_extensions",
    "with suppress(ImportError):\n    import ujson",
    "def f():\n    import requests",
    "import",
    "from",
    "\tmixed = 1",
    "x = '''",
    "__import__('os')",
    "async def g():\n    await x",
    "match x:\n    case 1:\n        import json",
    "lambda: (yield)",
    "\\",
]
PYTHON = st.lists(st.one_of(st.sampled_from(_PY_LINES), _JUNK), max_size=8).map("\n".join)


@seed(SEED)
@_settings(300)
@given(text=PYTHON)
def test_import_parser_answers_cleanly(text: str) -> None:
    with replayable("imports"):
        found, problem = parse_imports(text, "fuzz.py")
        assert problem is None or problem.location.line >= 1
        assert all(m.location.line >= 1 for m in found)


_DIFF_LINES = st.lists(
    st.one_of(st.sampled_from(["a", "b", "", "x\u2028y", "p\x0cq", "r\rs", "t\r", "\x85"]), _JUNK),
    max_size=8,
)


@seed(SEED)
@_settings(800)
@given(old=_DIFF_LINES, new=_DIFF_LINES, old_end=st.booleans(), new_end=st.booleans())
def test_diff_render_is_read_back_exactly(
    tmp_path_factory: pytest.TempPathFactory,
    old: list[str],
    new: list[str],
    old_end: bool,
    new_end: bool,
) -> None:
    root = tmp_path_factory.getbasetemp()
    path = root / "requirements.txt"
    before = "\n".join(old) + ("\n" if old_end and old else "")
    after = "\n".join(new) + ("\n" if new_end and new else "")
    with replayable("diff"):
        out = diff.render({path: before}, {path: after}, root)
        if after == before:
            assert out == ""
        else:
            assert apply_one_file(out, before) == after


# --fix and --diff end to end: requirements made of the universe's projects (so fixes exist) and
# the lines above, checked against the local indexes.
_FIXABLE = ["loosepar==1.0.0", "pydantic==2.12.5", "anyio", "msgpack", "numpy", "flet"]
FIX_INPUT = st.lists(
    st.one_of(st.sampled_from(_FIXABLE), st.sampled_from(["# c\u2028d", "# e\x0c# f", ""]), _LINE),
    min_size=1,
    max_size=5,
).map(lambda lines: "\n".join(lines) + "\n")


@seed(SEED)
@_settings(40)
@given(text=FIX_INPUT)
def test_fix_and_diff_answer_cleanly_and_agree(
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
    text: str,
) -> None:
    app = tmp_path_factory.mktemp("fuzz-fix")
    with replayable("fix"):
        (app / "requirements.txt").write_bytes(text.encode("utf-8", "surrogatepass"))
        (app / "other.txt").write_text("anyio\n")
        fast = ("--python-version", "3.12", "--target", "android_24_arm64_v8a")
        shown: Run = check(capsys, app, pypi_index, flet_index, *fast, "--diff", fmt="text")
        fixed: Run = check(capsys, app, pypi_index, flet_index, *fast, "--fix", fmt="text")
        for run in (shown, fixed):
            assert "internal error" not in run.err and "Traceback" not in run.err, run.err
            assert run.code in (0, 1, 2), run.err
            assert "s3@" not in run.out + run.err  # the password of the URL lines
        written = (app / "requirements.txt").read_bytes().decode("utf-8", "surrogatepass")
        if shown.code != 2 and shown.out:
            # The diff, read back as `patch` would, turns the original into what --fix wrote
            # (both seen through the redaction the diff applies).
            assert apply_one_file(shown.out, redact_text(text)) == redact_text(written)
    shutil.rmtree(app, ignore_errors=True)
