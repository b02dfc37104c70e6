"""The fixes of the rules for failures after a green build (FL104-FL107), end to end.

Each case in tests/fixtures/fixes/<case>/ is a project (`input/`) and the files `--fix` must
leave (`expected/`); after the fix the rule no longer fires.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.helpers import check, fix_case, not_as_expected
from tests.support.index_server import LocalIndex

PY312 = ("--python-version", "3.12")

# case: (code, package, applicability of the first fix, its title starts with)
CASES = {
    "abi_skew_pin": ("FL104", "markupsafe", "safe", "pin markupsafe==3.0.3"),
    "native_pin": ("FL105", "protobuf", "safe", "pin protobuf==5.29.3"),
    # The release the finding names, not the newer native build boundapp's `<16` keeps out.
    "native_pin_bounded": ("FL105", "boundlib", "safe", "pin boundlib==13.0.1"),
    "poetry_extras": ("FL106", "pyjwt", "safe", "declare cryptography in [tool.poetry"),
    "extract_packages": ("FL107", "opencv-python", "safe", "add cv2 to [tool.flet].extract"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_fix_of_a_failure_after_a_green_build(
    case: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    code, package, applicability, title = CASES[case]
    app = fix_case(case, tmp_path)
    run = check(capsys, app, pypi_index, flet_index, *PY312)
    assert run.first_fix(code, package, title)["applicability"] == applicability
    fixed = check(capsys, app, pypi_index, flet_index, *PY312, "--fix", fmt="text")
    assert "Fixed" in fixed.out, fixed.out + fixed.err
    assert not_as_expected(case, app) == []
    again = check(capsys, app, pypi_index, flet_index, *PY312)
    assert code not in again.codes(), again.out
