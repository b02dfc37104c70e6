"""`fletlint graph`: the SVG/HTML and Mermaid pictures, from the real CLI against the local index."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from fletlint.cli import main
from fletlint.report.graph import GraphEdge, crossings, layout, render_mermaid, write_atomic
from tests.cli.helpers import index_args, project
from tests.support.index_server import LocalIndex

PY312 = ("--python-version", "3.12")


def _graph(
    app: Path, pypi: LocalIndex, flet: LocalIndex, *args: str, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    code = main(["graph", str(app), *index_args(pypi, flet), *PY312, *args])
    return code, capsys.readouterr().err


def _node_class(html: str, name: str) -> str:
    match = re.search(rf'<g class="node (\w+)" data-name="{re.escape(name)}">', html)
    assert match, f"no node {name}"
    return match.group(1)


def test_html_colours_the_three_kinds_and_highlights_the_blocking_chain(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    app = project(tmp_path, "supabase==2.20.0\npydantic==2.12.5\nflet==0.86.6\n")
    out = tmp_path / "graph.html"
    code, err = _graph(app, pypi_index, flet_index, "-o", str(out), capsys=capsys)
    assert code == 0, err
    assert f"wrote {out}" in err
    html = out.read_text()
    assert html.startswith("<!DOCTYPE html>")
    assert "<script" not in html and "http://" not in html.replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )  # self-contained
    assert _node_class(html, "pydantic-core") == "blocks"
    assert _node_class(html, "msgpack") == "phone"
    assert _node_class(html, "supabase") == "pure"
    # The chain's edge is red and thick; an ordinary edge is not.
    chain = re.search(
        r'<path class="edge block" data-from="pydantic" data-to="pydantic-core"[^>]*>', html
    )
    assert chain and 'stroke-width="3"' in chain.group(0) and "#d33a3a" in chain.group(0)
    plain = re.search(r'<path class="edge" data-from="flet" data-to="msgpack"[^>]*>', html)
    assert plain and 'stroke-width="1.3"' in plain.group(0)
    # Requirement text is the edge's tooltip, escaped.
    assert "<title>postgrest requires pydantic&lt;3,&gt;=1.9</title>" in html
    assert "blocking the build (1)" in html  # the legend counts
    assert "No set of releases installs on android_24_arm64_v8a" in html


def test_phone_view_marks_downgrades(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    app = project(tmp_path, "supabase==2.20.0\n")
    out = tmp_path / "g.html"
    assert _graph(app, pypi_index, flet_index, "-o", str(out), capsys=capsys)[0] == 0
    html = out.read_text()
    assert "what installs on the phone" in html
    assert 'data-name="pydantic-core"' in html and "pydantic-core</tspan> 2.33.2" in html
    assert "the desktop gets 2.41.5" in html
    assert '<path class="edge downgrade" data-from="pydantic" data-to="pydantic-core"' in html
    # --unconstrained draws the desktop graph: the release the phone cannot have, in red.
    assert (
        _graph(app, pypi_index, flet_index, "-o", str(out), "--unconstrained", capsys=capsys)[0]
        == 0
    )
    html = out.read_text()
    assert "pydantic-core</tspan> 2.41.5" in html
    assert _node_class(html, "pydantic-core") == "blocks"


def test_mermaid_has_class_defs_and_styled_chain_links(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    app = project(tmp_path, "pydantic==2.12.5\nflet==0.86.6\n")
    out = tmp_path / "g.mmd"
    code, _ = _graph(
        app, pypi_index, flet_index, "--format", "mermaid", "-o", str(out), capsys=capsys
    )
    assert code == 0
    text = out.read_text()
    lines = text.splitlines()
    assert lines[1] == "flowchart LR"
    for kind in ("pure", "phone", "blocks"):
        assert any(line.startswith(f"  classDef {kind} fill:") for line in lines)
    ids = {
        m.group(2): m.group(1)
        for m in re.finditer(r'  (n\d+)\(\[?"([\w-]+) [\d.]+"\]?\):::\w+', text)
    }
    assert f'{ids["pydantic-core"]}("pydantic-core 2.41.5"):::blocks' in text
    assert f'{ids["msgpack"]}("msgpack 1.1.2"):::phone' in text
    assert f'{ids["flet"]}(["flet 0.86.6"]):::pure' in text
    edges = [line.strip() for line in lines if "-->" in line or "==>" in line]
    chain = f"{ids['pydantic']} ==> {ids['pydantic-core']}"
    index = edges.index(chain)
    assert f"  linkStyle {index} stroke:#d33a3a,stroke-width:3px" in lines


def test_mermaid_escapes_labels() -> None:
    from fletlint.report.graph import Graph, GraphNode, Kind

    node = GraphNode('we"ird', "1.0", Kind.PURE, note="a<b #1")
    graph = Graph("p", "t", "3.12", "phone", {node.name: node}, [], layers=[[node.name]])
    text = render_mermaid(graph)
    assert 'n0("we#quot;ird 1.0 (a#lt;b #35;1)"):::pure' in text


def test_layout_layers_by_distance_and_reduces_crossings() -> None:
    edges = [
        GraphEdge("a", "y", ""),
        GraphEdge("b", "x", ""),
        GraphEdge("a", "b", ""),  # b is declared but required by a: drawn after it
        GraphEdge("y", "z", ""),
    ]
    layers = layout(["a", "b", "x", "y", "z"], edges, ["a", "b"])
    assert layers[0] == ["a"]
    assert set(layers[1]) == {"b", "y"}
    assert set(layers[2]) == {"x", "z"}
    # Crossing-free order: x sits on b's side, z on y's.
    assert layers[1].index("b") == layers[2].index("x")
    assert crossings(layers, edges) == 0


def test_write_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "fletlint-graph.html"
    target.write_text("old")
    write_atomic(target, "new")
    assert target.read_text() == "new"
    assert oct(target.stat().st_mode & 0o777) != oct(0o600)

    def broken(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, "half")
    assert target.read_text() == "new"  # untouched
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no temp file left behind


def test_default_output_name(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (tmp_path / "app").mkdir()
    app = project(tmp_path / "app", "anyio\n")
    monkeypatch.chdir(tmp_path)
    assert _graph(app, pypi_index, flet_index, capsys=capsys)[0] == 0
    assert (tmp_path / "fletlint-graph.html").is_file()
    code, err = _graph(
        app, pypi_index, flet_index, "--target", "ios", "--target", "android", capsys=capsys
    )
    assert code == 2 and "one target" in err
