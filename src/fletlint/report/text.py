"""The terminal rendering: findings with their chains as trees, a per-target summary, totals."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from fletlint.linter.engine import Report
from fletlint.linter.findings import AvailableVersion, Finding, Severity

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
# Enough to choose from; the JSON output has them all.
_MAX_VERSIONS = 8


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _available(versions: Sequence[AvailableVersion]) -> Text:
    if not versions:
        return Text("no release has a wheel for these targets on any configured index", "dim")
    shown = versions[-_MAX_VERSIONS:]
    by_index: dict[str, list[str]] = {}
    for v in shown:
        by_index.setdefault(v.index, []).append(v.version)
    more = f" and {len(versions) - len(shown)} older" if len(versions) > len(shown) else ""
    parts = "; ".join(f"{', '.join(vs)} ({ix})" for ix, vs in by_index.items())
    return Text.assemble(("available for phones: ", "green"), parts + more)


def render_finding(finding: Finding) -> RenderableType:
    head = Text.assemble(
        (finding.severity.value, _STYLE[finding.severity]),
        " ",
        (finding.code, "bold"),
        " ",
        finding.message,
    )
    if not finding.chain and finding.location is None:
        return head
    where = str(finding.location) if finding.location else ""
    tree = Tree(head, guide_style="dim")
    node = tree
    for i, link in enumerate(finding.chain):
        label = Text(str(link), "bold" if i == len(finding.chain) - 1 else "")
        if i == 0 and where:
            label = Text.assemble((where, "cyan"), "  ", label)
        node = node.add(label)
    if not finding.chain and where:
        tree.add(Text(where, "cyan"))
    if finding.code in ("FL001", "FL002", "FL003"):
        tree.add(_available(finding.available))
    for note in finding.notes:
        if finding.code != "FL005":
            tree.add(Text(note, "dim"))
    for fix in finding.fixes:
        tree.add(Text.assemble(("fix", "green"), f" ({fix.applicability.value}): {fix.title}"))
    return tree


def target_table(report: Report) -> Table:
    table = Table(box=None, show_header=True, header_style="bold", pad_edge=False)
    table.add_column("target")
    table.add_column("installs")
    table.add_column("packages", justify="right")
    for result in report.results:
        if not result.unconstrained.ok:
            status = Text("unresolvable", "red")
        elif not result.resolution.ok:
            status = Text("no", "red")
        elif {p.version for p in result.resolution.packages.values()} != {
            p.version for p in result.unconstrained.packages.values()
        }:
            status = Text("yes, with other releases", "yellow")
        else:
            status = Text("yes", "green")
        table.add_row(result.target.name, status, str(len(result.resolution.packages)))
    return table


def describe_all(report: Report) -> str:
    """`android 24 (arm64_v8a, x86_64), ios 13.0 (arm64_iphoneos)`: the checked targets."""
    by_platform: dict[str, list[str]] = {}
    for target in report.targets:
        by_platform.setdefault(f"{target.platform} {target.min_os}", []).append(target.abi)
    return ", ".join(f"{p} ({', '.join(abis)})" for p, abis in by_platform.items())


def render(report: Report, console: Console) -> None:
    python = report.python_full or report.python
    console.print(Text(f"{describe_all(report)} (Python {python})", "dim"))
    if report.flet_build is not None:
        console.print(Text(f"read as {report.flet_build.describe()}", "dim"))
    for finding in report.findings:
        console.print(render_finding(finding))
    console.print(target_table(report))
    counts = [
        _plural(report.count(Severity.ERROR), "error"),
        _plural(report.count(Severity.WARNING), "warning"),
    ]
    if report.count(Severity.INFO):
        counts.append(f"{report.count(Severity.INFO)} info")
    network = "cache" if report.stats.requests == report.stats.not_modified else "network"
    summary = (
        f"{', '.join(counts)} in {_plural(len(report.package_names), 'package')} × "
        f"{_plural(len(report.targets), 'target')} ({report.elapsed:.2f} s, {network})"
    )
    style = "bold red" if report.has_errors else "bold green"
    console.print(Group(Text(summary, style)))
