"""No Python file can crash or hang the import scan: too deep is a located "could not parse".

Without the guard, libcst's native parser kills the process (SIGSEGV) on ~1,500 nested brackets
or a few thousand chained operators, and its visitors raise RecursionError at a few hundred."""

from __future__ import annotations

import pytest

from fletlint.linter.sources.imports import MAX_NESTING, parse_imports

DEEP = {
    "nested brackets": "x = " + "[" * 1500 + "]" * 1500 + "\n",
    "nested parentheses": "x = " + "(" * 1500 + "1" + ")" * 1500 + "\n",
    "unclosed brackets": "x = " + "{" * 1500 + "\n",
    "a 500-term sum": "x = " + "+".join(["1"] * 500) + "\n",
    "chained calls": "x = f" + "()" * 5000 + "\n",
    "chained attributes": "x = a" + ".b" * 5000 + "\n",
    "nested lambdas": "x = " + "lambda: " * 5000 + "1\n",
    "nested conditionals": "x = " + "a if b else " * 5000 + "c\n",
    "unary operators": "x = " + "not " * 30000 + "1\n",
    "string concatenation": "x = (" + '"a" ' * 2000 + ")\n",
    "an f-string": 'x = f"{' + "(" * 1500 + "1" + ")" * 1500 + '}"\n',
}


@pytest.mark.parametrize("body", list(DEEP.values()), ids=list(DEEP))
def test_deep_code_is_a_located_could_not_parse(body: str) -> None:
    text = "import os\n\n" + body
    imports, problem = parse_imports(text, "app.py")
    assert imports == []
    assert problem is not None
    assert problem.message.startswith("could not parse: nested more than")
    assert str(MAX_NESTING) in problem.message
    assert (problem.location.path, problem.location.line) == ("app.py", 3)


def test_flat_code_of_any_length_is_scanned() -> None:
    # Long but flat: a big table of Flet controls, a long list, many statements.
    rows = ",\n".join(f'    ft.Text("row {i}", color=ft.Colors.RED, size={i})' for i in range(2000))
    text = f"import flet as ft\nimport numpy\n\ncontrols = [\n{rows}\n]\n" + "y = 1 + 2\n" * 2000
    imports, problem = parse_imports(text, "app.py")
    assert problem is None
    assert [i.module for i in imports] == ["flet", "numpy"]


def test_moderate_nesting_is_scanned() -> None:
    text = "import os\nx = " + "+".join(["1"] * 150) + "\ny = " + "[" * 60 + "]" * 60 + "\n"
    imports, problem = parse_imports(text, "app.py")
    assert problem is None
    assert [i.module for i in imports] == ["os"]


def test_an_unterminated_bracket_is_a_located_syntax_error() -> None:
    _, problem = parse_imports("import os\nx = foo(\n", "app.py")
    assert problem is not None and problem.message.startswith("syntax error")
    assert problem.location.line >= 2


def test_a_text_larger_than_the_file_limit_is_not_parsed() -> None:
    _, problem = parse_imports("import os\n" + "x = 1\n" * 100_000, "app.py")
    assert problem is not None and "KiB" in problem.message
    assert problem.location.line == 1
