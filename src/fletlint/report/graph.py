"""`fletlint graph`: one target's dependency graph as plain data, its layout, and Mermaid text.

What a person wants from the picture: which packages are pure Python, which have wheels for the
phone, which block the build, and through which chains the blockers come in. So every node gets
one of three kinds, and the chains of the blocking findings (FL001, FL003) are marked on the
edges; FL002's chains (the build passes only with older releases) are marked too, apart.

The layout is a layered one, left to right: a node's layer is its shortest distance from the
roots (declared packages nothing else requires), and each layer is ordered by a few barycenter
sweeps to cut edge crossings. Coordinates are the HTML renderer's business (graph_html.py).
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from packaging.utils import canonicalize_name

from fletlint.linter.analysis import TargetResult
from fletlint.linter.engine import Report
from fletlint.linter.resolve import Resolution, file_fits
from fletlint.linter.storage import write_user_file

__all__ = ["Graph", "GraphEdge", "GraphNode", "Kind", "build", "render_mermaid", "write_atomic"]


class Kind(str, Enum):
    PURE = "pure"  # a pure-Python wheel (or an allowed source package): installs anywhere
    PHONE = "phone"  # a native package with a wheel for this target
    BLOCKS = "blocks"  # nothing on any index installs on this target: the build stops here


KIND_LABEL = {
    Kind.PURE: "pure Python",
    Kind.PHONE: "with phone wheels",
    Kind.BLOCKS: "blocking the build",
}

# Shared by the SVG and the Mermaid output, so both pictures read the same.
COLOURS = {
    Kind.PURE: ("#eef2f7", "#8294ab", "#1f2933"),  # fill, stroke, text
    Kind.PHONE: ("#e4f5e9", "#2f9e55", "#143d22"),
    Kind.BLOCKS: ("#fde9e9", "#d33a3a", "#5c1111"),
}
EDGE_COLOURS = {"block": "#d33a3a", "downgrade": "#d98e04", None: "#9aa5b1"}


class Highlight(str, Enum):
    BLOCK = "block"  # on the chain of an FL001/FL003 finding
    DOWNGRADE = "downgrade"  # on the chain of an FL002 finding


@dataclass(frozen=True)
class GraphNode:
    name: str
    version: str
    kind: Kind
    declared: bool = False
    on_chain: bool = False
    note: str = ""  # e.g. "desktop gets 2.41.5" for a downgraded package

    @property
    def label(self) -> str:
        return f"{self.name} {self.version}"


@dataclass(frozen=True)
class GraphEdge:
    parent: str
    child: str
    requirement: str  # as the parent states it: the edge's tooltip
    highlight: Highlight | None = None


@dataclass
class Graph:
    project: str
    target: str
    python: str
    view: str  # "phone": what installs on the target; "desktop": what the project asks for
    nodes: dict[str, GraphNode]
    edges: list[GraphEdge]
    layers: list[list[str]] = field(default_factory=list)  # node names, in drawing order
    banner: str = ""  # why this view was drawn instead of the one asked for
    chains: list[tuple[str, list[str]]] = field(default_factory=list)  # (code message, names)

    def count(self, kind: Kind) -> int:
        return sum(1 for n in self.nodes.values() if n.kind == kind)

    def summary(self) -> str:
        kinds = [f"{self.count(k)} {KIND_LABEL[k]}" for k in Kind if self.count(k)]
        return f"{len(self.nodes)} packages: {', '.join(kinds)}" if kinds else "no packages"

    def layer_of(self) -> dict[str, int]:
        return {name: i for i, layer in enumerate(self.layers) for name in layer}


# --- from a report to a graph -----------------------------------------------------------------


def _classify(resolution: Resolution, result: TargetResult) -> dict[str, Kind]:
    kinds: dict[str, Kind] = {}
    for name, package in resolution.packages.items():
        fitting = [f for f in package.files if file_fits(f, result.env, allow_yanked=True)]
        if not fitting:
            kinds[name] = Kind.BLOCKS
        elif any(f.is_pure or not f.is_wheel for f in fitting):
            # An sdist that fits is one the app lists in `source_packages`: built as pure Python.
            kinds[name] = Kind.PURE
        else:
            kinds[name] = Kind.PHONE
    return kinds


def build(report: Report, *, target: str | None = None, unconstrained: bool = False) -> Graph:
    """The graph of one target of a report (the first one when `target` is None).

    The phone's own resolution is drawn when it exists; when it does not (the build fails), the
    desktop one is drawn instead, since that is where the blockers and their chains are.
    """
    results = [r for r in report.results if target is None or r.target.name == target]
    if not results:
        raise ValueError(f"no result for target {target!r}")
    result = results[0]
    banner = ""
    if unconstrained:
        resolution, view = result.unconstrained, "desktop"
    elif result.resolution.ok:
        resolution, view = result.resolution, "phone"
    else:
        resolution, view = result.unconstrained, "desktop"
        banner = (
            f"No set of releases installs on {result.target.name}: this is what the project "
            "asks for, with the packages that stop the build in red."
        )
    if not resolution.ok:
        banner = f"The project does not resolve even without the phone's limits: {resolution.error}"

    kinds = _classify(resolution, result)
    desktop = result.unconstrained.packages
    notes = {}
    for name, package in resolution.packages.items():
        wanted = desktop.get(name)
        if view == "phone" and wanted is not None and wanted.version != package.version:
            notes[name] = f"the desktop gets {wanted.version}"

    highlights: dict[tuple[str, str], Highlight] = {}
    on_chain: set[str] = set()
    chains: list[tuple[str, list[str]]] = []
    for finding in report.findings:
        if finding.code not in ("FL001", "FL002", "FL003"):
            continue
        if finding.targets and result.target.name not in finding.targets:
            continue
        names = [str(canonicalize_name(link.name)) for link in finding.chain]
        if not names or any(n not in resolution.packages for n in names):
            continue  # a chain of the other view (e.g. FL002's desktop chain on the phone graph)
        mark = Highlight.DOWNGRADE if finding.code == "FL002" else Highlight.BLOCK
        chains.append((f"{finding.code} {finding.message}", names))
        on_chain.update(names)
        for pair in itertools.pairwise(names):
            # A block outranks a downgrade on an edge both pass through.
            if highlights.get(pair) != Highlight.BLOCK:
                highlights[pair] = mark

    declared = {str(e.child) for e in resolution.edges if e.parent is None}
    nodes = {
        str(name): GraphNode(
            str(name),
            str(package.version),
            kinds[name],
            declared=str(name) in declared,
            on_chain=str(name) in on_chain,
            note=notes.get(name, ""),
        )
        for name, package in resolution.packages.items()
    }
    seen: set[tuple[str, str]] = set()
    edges = []
    for edge in resolution.edges:
        if edge.parent is None or (edge.parent, edge.child) in seen:
            continue
        if edge.parent not in nodes or edge.child not in nodes:
            continue
        seen.add((edge.parent, edge.child))
        edges.append(
            GraphEdge(edge.parent, edge.child, edge.text, highlights.get((edge.parent, edge.child)))
        )
    graph = Graph(
        project=str(report.project.root),
        target=result.target.name,
        python=report.python,
        view=view,
        nodes=nodes,
        edges=edges,
        banner=banner,
        chains=chains,
    )
    graph.layers = layout(
        nodes, edges, [str(e.child) for e in resolution.edges if e.parent is None]
    )
    return graph


# --- layout ----------------------------------------------------------------------------------


def layout(
    nodes: Iterable[str], edges: Sequence[GraphEdge], declared: Sequence[str], sweeps: int = 4
) -> list[list[str]]:
    """Layers by shortest distance from the roots, each ordered to reduce crossings."""
    names = list(dict.fromkeys(nodes))
    children: dict[str, list[str]] = defaultdict(list)
    parents: dict[str, list[str]] = defaultdict(list)
    for e in edges:
        children[e.parent].append(e.child)
        parents[e.child].append(e.parent)
    declared = [d for d in dict.fromkeys(declared) if d in names]
    # Roots: declared packages no other package requires (`httpx` next to `flet` is drawn
    # after flet); if that leaves none (a cycle), every declared package; else every node.
    roots = [d for d in declared if not parents[d]] or declared or names[:1]
    depth: dict[str, int] = {r: 0 for r in roots}
    frontier = list(roots)
    while frontier:
        following = []
        for name in frontier:
            for child in children[name]:
                if child not in depth:
                    depth[child] = depth[name] + 1
                    following.append(child)
        frontier = following
    for name in names:  # not reachable (should not happen): start a column of its own
        depth.setdefault(name, 0)
    layers: list[list[str]] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
    first_seen = {n: i for i, n in enumerate([*roots, *names])}
    for name in sorted(names, key=lambda n: first_seen[n]):
        layers[depth[name]].append(name)

    best = [list(layer) for layer in layers]
    best_crossings = crossings(best, edges)
    for sweep in range(sweeps):
        downward = sweep % 2 == 0
        order = range(1, len(layers)) if downward else range(len(layers) - 2, -1, -1)
        for i in order:
            neighbour = layers[i - 1] if downward else layers[i + 1]
            links = parents if downward else children
            layers[i] = _by_barycenter(layers[i], neighbour, links)
        count = crossings(layers, edges)
        if count < best_crossings:
            best, best_crossings = [list(layer) for layer in layers], count
    return best


def _by_barycenter(
    layer: list[str], neighbour: Sequence[str], links: dict[str, list[str]]
) -> list[str]:
    """`layer` sorted by the mean position of each node's links in the neighbouring layer."""
    position = {n: p for p, n in enumerate(neighbour)}
    current = {n: p for p, n in enumerate(layer)}

    def barycenter(name: str) -> tuple[float, int]:
        around = [position[x] for x in links[name] if x in position]
        # A node with no neighbour there keeps its place.
        return (sum(around) / len(around) if around else float(current[name])), current[name]

    return sorted(layer, key=barycenter)


def crossings(layers: Sequence[Sequence[str]], edges: Sequence[GraphEdge]) -> int:
    """Crossings between edges joining adjacent layers (the ones the ordering can change)."""
    where = {n: (i, p) for i, layer in enumerate(layers) for p, n in enumerate(layer)}
    spans: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for e in edges:
        (li, pi), (lj, pj) = where[e.parent], where[e.child]
        if lj == li + 1:
            spans[li].append((pi, pj))
    total = 0
    for pairs in spans.values():
        for k, (a1, b1) in enumerate(pairs):
            for a2, b2 in pairs[k + 1 :]:
                if (a1 - a2) * (b1 - b2) < 0:
                    total += 1
    return total


# --- Mermaid -----------------------------------------------------------------------------------


def _mermaid_text(text: str) -> str:
    # Inside a quoted Mermaid label, `"` ends the label and `#...;` starts an entity.
    return (
        text.replace("#", "#35;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
    )


def render_mermaid(graph: Graph) -> str:
    lines = [
        f"%% fletlint graph: {graph.project}, {graph.target} (Python {graph.python}), "
        f"{graph.view} view",
        "flowchart LR",
    ]
    for kind, (fill, stroke, text) in COLOURS.items():
        lines.append(f"  classDef {kind.value} fill:{fill},stroke:{stroke},color:{text}")
    lines.append("  classDef declared stroke-width:3px")
    ids: dict[str, str] = {}
    for layer in graph.layers:
        for name in layer:
            node = graph.nodes[name]
            ids[name] = f"n{len(ids)}"
            label = node.label + (f" ({node.note})" if node.note else "")
            # A stadium shape and a thick border for what the project declares itself.
            shape = '(["{}"])' if node.declared else '("{}")'
            lines.append(f"  {ids[name]}{shape.format(_mermaid_text(label))}:::{node.kind.value}")
    declared = [ids[n] for n in ids if graph.nodes[n].declared]
    if declared:
        lines.append(f"  class {','.join(declared)} declared")
    styles = []
    for i, edge in enumerate(graph.edges):
        arrow = "==>" if edge.highlight else "-->"
        lines.append(f"  {ids[edge.parent]} {arrow} {ids[edge.child]}")
        if edge.highlight:
            colour = EDGE_COLOURS[edge.highlight.value]
            styles.append(f"  linkStyle {i} stroke:{colour},stroke-width:3px")
    return "\n".join(lines + styles) + "\n"


# --- writing -----------------------------------------------------------------------------------


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` so a reader sees the old file or the new one, never half of one;
    a picture to share gets the usual mode (storage.write_user_file)."""
    write_user_file(path, text.encode("utf-8"))
