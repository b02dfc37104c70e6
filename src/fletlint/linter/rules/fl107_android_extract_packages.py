"""FL107 android-extract-packages: a package that reads files next to its code, zipimported."""

from __future__ import annotations

from collections.abc import Iterator

from fletlint.linter.analysis import Analysis, chain_links
from fletlint.linter.findings import Finding, Severity
from fletlint.linter.fixes import extract_packages
from fletlint.linter.flet_model.extract import modules_to_extract
from fletlint.linter.rules.base import Rule

DOCS = """\
## What it does
Finds packages known to read data files through `__file__` (or `pkg_resources`) that the
Android build would ship inside the zip it imports from, because they are not listed in
`[tool.flet.android].extract_packages`.

## Why is this bad?
Since Flet 0.86 Android imports pure Python from `assets/sitepackages.zip` (zipimport). A package
that opens `os.path.join(os.path.dirname(__file__), "data.json")` gets a path inside the zip and
fails on the device with `NotADirectoryError` or `FileNotFoundError`, after a green build.
flet-cli 1.0.5 extracts nothing by default; the packages listed in `extract_packages` (by import
name: `sklearn`, `cv2`; a prefix or a `*`/`?` glob on the top-level name) are unpacked to disk.

The list fletlint knows comes from flet-dev/flet PR 6673's review (matplotlib, scikit-learn,
astropy, thinc, spaCy, OpenCV); add your own with `extend-extract-packages` in
`[tool.fletlint]` (import names; a distribution of that name matches too).

## Example
```
opencv-python   # import cv2 on Android: NotADirectoryError under sitepackages.zip
```

## How to fix
Add the import name to `[tool.flet.android].extract_packages` (or to `[tool.flet]`'s, when
that is where the list is).
"""


def check(analysis: Analysis) -> Iterator[Finding]:
    project = analysis.project
    if project.flet_build.rules.series == "before 0.86":
        return  # before 0.86 Android did not zipimport packages
    entries = project.flet.extract_packages
    android = [r for r in analysis.results if r.target.platform == "android" and r.resolution.ok]
    reported: set[str] = set()
    for result in android:
        for name in sorted(result.resolution.packages):
            modules = modules_to_extract(name, project.extract_packages_known, entries)
            if not modules or name in reported:
                continue
            path = result.resolution.chain_to(name)
            if path is None:
                continue
            reported.add(name)
            declared, edges = path
            targets = tuple(r.target.name for r in android if name in r.resolution.packages)
            yield Finding(
                code="FL107",
                severity=Severity.ERROR,
                message=(
                    f"{name} reads files next to its code, but Android imports it from "
                    f"sitepackages.zip: add {', '.join(modules)} to "
                    "[tool.flet.android].extract_packages"
                ),
                location=declared.location,
                package=str(name),
                version=str(result.resolution.packages[name].version),
                targets=targets,
                chain=chain_links(result.resolution, edges),
            )


RULE = Rule(
    code="FL107",
    name="android-extract-packages",
    severity=Severity.ERROR,
    summary="A package that reads its own data files is zipimported on Android",
    docs=DOCS,
    check=check,
    fixes=(extract_packages.fixes,),
)
