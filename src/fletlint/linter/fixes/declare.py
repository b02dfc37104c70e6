"""Declare a dependency the app imports but does not list (FL101), where flet build reads it.

The right file follows flet build's precedence (FLET-FACTS.md): `[tool.poetry.dependencies]`,
else `[project].dependencies`, else requirements.txt. A project that declares nothing gets
`flet` too, since declaring anything replaces the implicit `flet` the build would install.
"""

from __future__ import annotations

from pathlib import Path

from packaging.utils import canonicalize_name

from fletlint.linter.findings import Applicability, Edit, Fix, Location
from fletlint.linter.fixes import text as tx
from fletlint.linter.sources.model import ProjectSpec


def declare_dependency_fix(
    project: ProjectSpec,
    distribution_name: str,
    version_spec: str = "",
    *,
    texts: tx.Texts | None = None,
) -> Fix | None:
    """A fix adding `distribution_name` (with `version_spec`, e.g. `>=1.2`) to the project."""
    name = canonicalize_name(distribution_name)
    declared = [d for d in project.requirements if d.origin != "implicit"]
    if any(d.requirement and canonicalize_name(d.requirement.name) == name for d in declared):
        return None
    line = f"{distribution_name}{version_spec}"
    pyproject = project.root / "pyproject.toml"
    from_pyproject = [d for d in declared if d.location.path.endswith(".toml")]
    from_files = [d for d in declared if not d.location.path.endswith(".toml")]
    if from_pyproject or (not from_files and tx.read_text(pyproject, texts) is not None):
        edit = _pyproject_edit(pyproject, texts, distribution_name, version_spec, not declared)
        where = pyproject.name
    else:
        path = (
            Path(from_files[0].location.path) if from_files else project.root / "requirements.txt"
        )
        edit = _requirements_edit(path, texts, [line] if declared else ["flet", line])
        where = path.name
    if edit is None:
        return None
    return Fix(f"declare {line} in {where}", (edit,), Applicability.SAFE)


def _requirements_edit(path: Path, texts: tx.Texts | None, lines: list[str]) -> Edit:
    text = tx.read_text(path, texts) or ""
    newline = tx.newline_of(text) if text else "\n"
    line, column = tx.to_position(text, len(text))
    if text and not text.endswith("\n"):
        # A file without a final newline keeps that style: the new lines go before its end.
        added = "".join(f"{newline}{x}" for x in lines)
    else:
        added = "".join(f"{x}{newline}" for x in lines)
    return Edit(Location(str(path), line, column, line, column), added)


def _pyproject_edit(
    path: Path, texts: tx.Texts | None, name: str, spec: str, add_flet: bool
) -> Edit | None:
    import tomlkit  # loaded only when this fix is built

    def change(document: tomlkit.TOMLDocument) -> None:
        poetry = document.get("tool", {}).get("poetry", {}).get("dependencies")
        if poetry:
            # Poetry's syntax: a bare version means `==`, `*` any version.
            poetry[name] = spec or "*"
            return
        dependencies = tx.array(tx.table(document, "project"), "dependencies")
        if add_flet:
            dependencies.append("flet")
        dependencies.append(f"{name}{spec}")
        if len(dependencies) > 1 and "\n" in dependencies.as_string():
            dependencies.multiline(True)

    try:
        return tx.toml_edit(path, texts, change)
    except (TypeError, ValueError, tomlkit.exceptions.TOMLKitError):
        return None
