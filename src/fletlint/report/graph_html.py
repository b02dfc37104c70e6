"""`fletlint graph --format html`: one self-contained page with the graph as an inline SVG.

No script and no external file: the page opens from disk, from a CI artifact or an e-mail.
Boxes are sized from their text with an estimate of the font's advance (a monospace face keeps
the estimate honest); columns are as wide as their widest box.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from fletlint import __version__
from fletlint.report.graph import COLOURS, EDGE_COLOURS, KIND_LABEL, Graph, GraphNode, Kind

FONT = "ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', monospace"
CHAR = 7.8  # advance of one character at 13px in the faces above
NODE_H = 34
NOTE_H = 14  # an extra line for a note ("the desktop gets 2.41.5")
V_GAP = 16
H_GAP = 110
PAD_X = 14
MARGIN = 24


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    @property
    def mid_y(self) -> float:
        return self.y + self.h / 2


def _width(node: GraphNode) -> float:
    longest = max(len(node.label), len(node.note) * 11 / 13)
    return round(longest * CHAR + 2 * PAD_X)


def _height(node: GraphNode) -> float:
    return NODE_H + (NOTE_H if node.note else 0)


def place(graph: Graph) -> tuple[dict[str, Box], float, float]:
    """Boxes for every node, and the drawing's width and height."""
    columns = []
    for layer in graph.layers:
        width = max((_width(graph.nodes[n]) for n in layer), default=0)
        height = sum(_height(graph.nodes[n]) for n in layer) + V_GAP * max(0, len(layer) - 1)
        columns.append((width, height))
    tallest = max((h for _, h in columns), default=0)
    boxes: dict[str, Box] = {}
    x = float(MARGIN)
    for layer, (width, height) in zip(graph.layers, columns, strict=True):
        # Each column is centred vertically: a short layer sits in the middle, not at the top.
        y = MARGIN + (tallest - height) / 2
        for name in layer:
            node = graph.nodes[name]
            boxes[name] = Box(x, y, _width(node), _height(node))
            y += _height(node) + V_GAP
        x += width + H_GAP
    # Room on the right for the arcs of dependencies inside the last column.
    total_w = x - H_GAP + MARGIN + 60 if graph.layers else 2 * MARGIN
    return boxes, total_w, tallest + 2 * MARGIN + 30  # room below for arcs between neighbours


def _edge_path(a: Box, b: Box, same_column: bool, backwards: bool) -> str:
    if same_column:
        # A dependency within one column: an arc out to the right and back, clear of the boxes.
        x1, y1, x2, y2 = a.x + a.w, a.mid_y, b.x + b.w, b.mid_y
        bulge = max(a.w, b.w) - min(a.w, b.w) + 40 + abs(y2 - y1) * 0.15
        right = max(x1, x2) + bulge / 2
        return (
            f"M{x1:.1f},{y1:.1f} C{right:.1f},{y1:.1f} {right:.1f},{y2:.1f} {x2 + 2:.1f},{y2:.1f}"
        )
    if backwards:
        x1, y1, x2, y2 = a.x, a.mid_y, b.x + b.w, b.mid_y
        return f"M{x1:.1f},{y1:.1f} C{x1 - 60:.1f},{y1:.1f} {x2 + 60:.1f},{y2:.1f} {x2 + 2:.1f},{y2:.1f}"
    x1, y1, x2, y2 = a.x + a.w, a.mid_y, b.x, b.mid_y
    dx = max(40.0, (x2 - x1) * 0.5)
    return (
        f"M{x1:.1f},{y1:.1f} C{x1 + dx:.1f},{y1:.1f} {x2 - dx:.1f},{y2:.1f} {x2 - 2:.1f},{y2:.1f}"
    )


def render_svg(graph: Graph) -> str:
    boxes, width, height = place(graph)
    layer = graph.layer_of()
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="{escape(FONT)}" font-size="13" '
        'role="img" aria-label="dependency graph">',
        "<defs>",
    ]
    for key, colour in EDGE_COLOURS.items():
        marker = f"arrow-{key or 'plain'}"
        out.append(
            # userSpaceOnUse: the same head on a thick chain edge as on a thin one.
            f'<marker id="{marker}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" '
            f'markerHeight="9" markerUnits="userSpaceOnUse" orient="auto-start-reverse">'
            f'<path d="M0,0 L10,5 L0,10 z" '
            f'fill="{colour}"/></marker>'
        )
    out.append("</defs>")
    # Plain edges first, highlighted ones last, so a chain is never hidden under grey lines.
    ordered = sorted(graph.edges, key=lambda e: e.highlight is not None)
    out.append('<g class="edges" fill="none">')
    for edge in ordered:
        a, b = boxes[edge.parent], boxes[edge.child]
        same = layer[edge.parent] == layer[edge.child]
        back = layer[edge.child] < layer[edge.parent]
        key = edge.highlight.value if edge.highlight else None
        colour = EDGE_COLOURS[key]
        stroke = "3" if edge.highlight else "1.3"
        dash = ' stroke-dasharray="6 4"' if key == "downgrade" else ""
        css = f"edge {key}" if key else "edge"
        out.append(
            f'<path class="{css}" data-from="{escape(edge.parent)}" data-to="{escape(edge.child)}" '
            f'd="{_edge_path(a, b, same, back)}" stroke="{colour}" stroke-width="{stroke}"{dash} '
            f'marker-end="url(#arrow-{key or "plain"})"><title>{escape(edge.parent)} requires '
            f"{escape(edge.requirement)}</title></path>"
        )
    out.append("</g>")
    out.append('<g class="nodes">')
    for name, box in boxes.items():
        node = graph.nodes[name]
        fill, stroke, ink = COLOURS[node.kind]
        width_px = "2.5" if node.declared or node.on_chain else "1.2"
        tip = f"{node.label}: {KIND_LABEL[node.kind]}"
        if node.declared:
            tip += " (declared by the project)"
        if node.note:
            tip += f"; {node.note}"
        out.append(
            f'<g class="node {node.kind.value}" data-name="{escape(name)}">'
            f"<title>{escape(tip)}</title>"
            f'<rect x="{box.x:.1f}" y="{box.y:.1f}" width="{box.w:.1f}" height="{box.h:.1f}" '
            f'rx="9" fill="{fill}" stroke="{stroke}" stroke-width="{width_px}"/>'
            f'<text x="{box.x + PAD_X:.1f}" y="{box.y + 21.5:.1f}" fill="{ink}">'
            f'<tspan font-weight="600">{escape(node.name)}</tspan> {escape(node.version)}</text>'
        )
        if node.note:
            out.append(
                f'<text x="{box.x + PAD_X:.1f}" y="{box.y + 37:.1f}" fill="{ink}" '
                f'font-size="11" opacity="0.8">{escape(node.note)}</text>'
            )
        out.append("</g>")
    out.append("</g></svg>")
    return "\n".join(out)


_CSS = """
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       color: #1f2933; background: #fafbfc; }
header { padding: 18px 24px 8px; }
h1 { font-size: 18px; margin: 0 0 2px; font-weight: 600; }
.sub { color: #52606d; }
.banner { margin: 10px 24px 0; padding: 8px 12px; border-left: 4px solid #d33a3a;
          background: #fde9e9; border-radius: 4px; }
.legend { display: flex; flex-wrap: wrap; gap: 18px; padding: 10px 24px; color: #3e4c59; }
.legend span { display: inline-flex; align-items: center; gap: 6px; }
.swatch { width: 18px; height: 12px; border-radius: 4px; border: 1.5px solid; display: inline-block; }
.line { width: 26px; height: 0; border-top: 3px solid; display: inline-block; }
.canvas { overflow: auto; margin: 6px 24px 12px; background: #fff; border: 1px solid #e4e7eb;
          border-radius: 8px; }
.canvas svg { display: block; }
.node:hover rect { filter: brightness(0.96); }
.chains { padding: 0 24px 24px; }
.chains li { margin: 4px 0; }
.chains code { font-family: MONOSPACE; font-size: 12.5px; }
footer { padding: 0 24px 18px; color: #7b8794; font-size: 12px; }
""".replace("MONOSPACE", FONT)


def _legend(graph: Graph) -> str:
    items = []
    for kind in Kind:
        fill, stroke, _ = COLOURS[kind]
        items.append(
            f'<span><i class="swatch" style="background:{fill};border-color:{stroke}"></i>'
            f"{KIND_LABEL[kind]} ({graph.count(kind)})</span>"
        )
    items.append(
        f'<span><i class="line" style="border-color:{EDGE_COLOURS["block"]}"></i>'
        "chain to a blocking package</span>"
    )
    if any(e.highlight and e.highlight.value == "downgrade" for e in graph.edges):
        items.append(
            f'<span><i class="line" style="border-top-style:dashed;'
            f'border-color:{EDGE_COLOURS["downgrade"]}"></i>chain to a downgraded package</span>'
        )
    items.append("<span>thick border: declared by the project</span>")
    return '<div class="legend">' + "".join(items) + "</div>"


def render(graph: Graph) -> str:
    view = "what installs on the phone" if graph.view == "phone" else "what the project asks for"
    title = f"{graph.target} — dependency graph"
    chains = ""
    if graph.chains:
        items = "".join(
            f"<li>{escape(message)}<br><code>{escape(' → '.join(names))}</code></li>"
            for message, names in graph.chains
        )
        chains = f'<section class="chains"><h2 style="font-size:15px">Chains</h2><ul>{items}</ul></section>'
    banner = f'<div class="banner">{escape(graph.banner)}</div>' if graph.banner else ""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<style>{_CSS}</style>
</head>
<body>
<header>
<h1>{escape(graph.target)} <span class="sub">· Python {escape(graph.python)} · {view}</span></h1>
<div class="sub">{escape(graph.project)} — {escape(graph.summary())}</div>
</header>
{banner}
{_legend(graph)}
<div class="canvas">
{render_svg(graph)}
</div>
{chains}
<footer>fletlint {__version__} · hover a box or an arrow for details</footer>
</body>
</html>
"""
