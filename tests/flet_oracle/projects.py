"""The fixture projects of the flet-cli oracle, as file trees (hidden folders, `__pycache__` and
virtual environments included, which git would not keep), each named after what it shows.

Numbers refer to the differences listed in issue 8 and docs/flet-behaviours.md.
"""

from __future__ import annotations

MAIN = "import flet as ft\n"

PROJECTS: dict[str, dict[str, str]] = {
    # 1. requirements.txt is a per-platform fallback.
    "android-deps-and-requirements-txt": {
        "pyproject.toml": '[project]\nname = "app"\n[tool.flet.android]\ndependencies = ["pyjnius"]\n',
        "requirements.txt": "flet\nrequests>=2\n",
        "main.py": MAIN,
    },
    "web-deps-only-and-requirements-txt": {
        "pyproject.toml": '[project]\nname = "app"\n[tool.flet.web]\ndependencies = ["pyodide-http"]\n',
        "requirements.txt": "flet\nnumpy\n",
        "main.py": MAIN,
    },
    "project-deps-ignore-requirements-txt": {
        "pyproject.toml": (
            '[project]\nname = "app"\ndependencies = ["flet>=0.21", "requests"]\n'
            '[tool.flet.ios]\ndependencies = ["rubicon-objc"]\n'
        ),
        "requirements.txt": "numpy\n",
        "main.py": MAIN,
    },
    # 2. A platform setting wins whenever set, even empty (1.0); `platform or global` (0.86).
    "empty-platform-settings": {
        "pyproject.toml": (
            '[project]\nname = "app"\ndependencies = ["flet", "mylib>=1", "other"]\n'
            "[tool.flet]\n"
            'source_packages = ["Some_Pkg"]\n'
            'target_arch = ["arm64-v8a", "x86_64"]\n'
            'extract_packages = ["sklearn"]\n'
            '[tool.flet.dev_packages]\nmylib = "../mylib"\n'
            "[tool.flet.android]\n"
            "source_packages = []\n"
            "target_arch = []\n"
            "extract_packages = []\n"
            "[tool.flet.ios]\n"
            "dev_packages = {}\n"
        ),
        "main.py": MAIN,
    },
    "platform-settings-win": {
        "pyproject.toml": (
            '[project]\nname = "app"\ndependencies = ["flet", "mylib", "Other"]\n'
            "[tool.flet]\n"
            'source_packages = ["a"]\n'
            'target_arch = "arm64-v8a"\n'
            '[tool.flet.dev_packages]\nmylib = "../mylib"\n'
            "[tool.flet.android]\n"
            'source_packages = ["b", "c"]\n'
            'target_arch = ["x86_64"]\n'
            'extract_packages = ["cv2"]\n'
            "[tool.flet.ios.dev_packages]\n"
            'Other = "https://example.com/other.zip"\n'
        ),
        "main.py": MAIN,
    },
    # 3. requires-python comes from [project] only.
    "poetry-python-only": {
        "pyproject.toml": (
            '[tool.poetry.dependencies]\npython = "3.12.*"\nflet = "^0.86"\n'
            'pyjwt = { version = "^2.9", extras = ["crypto"] }\n'
            'requests = "~2.31"\nsix = "1.16.0"\n'
        ),
        "main.py": MAIN,
    },
    # 4. The Python version against the table's full versions.
    "requires-python-below-patch": {
        "pyproject.toml": '[project]\nname = "app"\nrequires-python = "<3.14.3"\n',
        "main.py": MAIN,
    },
    "requires-python-not-bundled-patch": {
        "pyproject.toml": '[project]\nname = "app"\nrequires-python = "!=3.14.6"\n',
        "main.py": MAIN,
    },
    "requires-python-too-new": {
        "pyproject.toml": '[project]\nname = "app"\nrequires-python = ">=3.15"\n',
        "main.py": MAIN,
    },
    "requires-python-exact-dot-zero": {
        "pyproject.toml": '[project]\nname = "app"\nrequires-python = "==3.14.0"\n',
        "main.py": MAIN,
    },
    # 6. The app's files: app.path, exact excludes, default excludes, include.
    "app-files-src-layout": {
        "pyproject.toml": (
            '[project]\nname = "app"\ndependencies = ["flet"]\n'
            '[tool.flet.app]\npath = "src"\nexclude = ["assets/big", "notes/"]\ninclude = [".env"]\n'
            "[tool.flet.ios.app]\n"
            'exclude = ["android_only.py"]\n'
        ),
        "src/main.py": MAIN,
        "src/android_only.py": "import jnius\n",
        "src/.env": "KEY=1\n",
        "src/.secret/x.py": "import boto3\n",
        "src/assets/big/data.bin": "x",
        "src/assets/small.txt": "x",
        "src/notes/todo.py": "import requests\n",
        "src/pkg/__init__.py": "",
        "src/pkg/__pycache__/mod.cpython-312.pyc": "x",
        "src/venv/pyvenv.cfg": "home = /usr\n",
        "src/venv/lib/site.py": "import numpy\n",
        "outside.py": "import pandas\n",
    },
    "app-files-no-default-excludes": {
        "pyproject.toml": (
            '[project]\nname = "app"\ndependencies = ["flet"]\n'
            "[tool.flet.app]\ndefault_excludes = false\n"
            "[tool.flet.android.app]\n"
            "default_excludes = true\n"
        ),
        "main.py": MAIN,
        ".hidden/x.py": "import boto3\n",
        "sub/__pycache__/a.pyc": "x",
        "sub/a.py": "import os\n",
    },
    # 7. iOS target_arch names no arch key serious_python installs for.
    "ios-target-arch-arm64": {
        "pyproject.toml": (
            '[project]\nname = "app"\ndependencies = ["flet"]\n'
            '[tool.flet.ios]\ntarget_arch = ["arm64"]\n'
        ),
        "main.py": MAIN,
    },
}
