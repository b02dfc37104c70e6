"""Put flet-cli 0.86.5 (and the flet it imports) beside the test environment, for the oracle.

Two releases of one package cannot be installed in one virtual environment, so the older one is
downloaded from PyPI (online, at install time; the tests themselves never touch the network) and
unpacked into `<sys.prefix>/flet-cli-0.86.5`, which the oracle puts first on PYTHONPATH in a
subprocess. Run with the test environment's interpreter: `.venv/bin/python <this file>`.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

RELEASE = "0.86.5"
TARGET = Path(sys.prefix) / f"flet-cli-{RELEASE}"


def main() -> None:
    if (TARGET / "flet_cli" / "commands" / "build_base.py").is_file():
        return
    with tempfile.TemporaryDirectory() as work:
        wheels = Path(work) / "wheels"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--only-binary",
                ":all:",
                "-d",
                str(wheels),
                f"flet-cli=={RELEASE}",
                f"flet=={RELEASE}",
            ],
            check=True,
        )
        staging = Path(work) / "unpacked"
        for wheel in sorted(wheels.glob("*.whl")):
            with zipfile.ZipFile(wheel) as archive:
                archive.extractall(staging)
        shutil.rmtree(TARGET, ignore_errors=True)
        shutil.move(str(staging), str(TARGET))


if __name__ == "__main__":
    main()
