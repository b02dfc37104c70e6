"""Benchmark: `fletlint lsp` while typing: didChange → publishDiagnostics, and the server's memory.

Not a test: it prints figures. Offline: the indexes are the tests' local PEP 691 servers
(tests/support), serving the test universe plus 70 generated pure packages, so that a
100-line requirements file has 100 real lines. Run from the repository root:

    .venv/bin/python bench/bench_lsp.py [--edits 30] [--pause 0.5]

One server, one open requirements.txt of 100 lines, checked once (cold) and warmed up; then each
edit sends new text for one line (a different specifier each time, so no stored resolution
matches: the resolutions of the edited environment run again) and waits for that file's next
diagnostics. A second series edits a comment only. Figures: p50/p95 of the time from sending
didChange to receiving diagnostics, with and without the server's debounce, and the server's
peak RSS (VmHWM) at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.index_server import LocalIndex  # noqa: E402
from tests.support.universe import build_universe  # noqa: E402
from tests.support.wheels import build_wheel  # noqa: E402

GENERATED = 70  # pure packages `benchpkg-NN` added to the universe's PyPI mirror
LINES = 100
EDITED_LINE = 50  # 0-based; a `benchpkg-NN` requirement


def build_indexes(work: Path) -> tuple[Path, Path]:
    universe = build_universe(work / "universe")
    for n in range(GENERATED):
        # A little graph: each package needs the next one and typing-extensions.
        requires = [f"benchpkg-{n + 1:02d}>=1.0"] if n + 1 < GENERATED and n % 5 else []
        for version in ("1.0.0", "1.1.0", "2.0.0"):
            build_wheel(
                universe.pypi_dir,
                f"benchpkg-{n:02d}",
                version,
                requires_dist=[*requires, "typing-extensions>=4.0"],
            )
    return universe.pypi_dir, universe.flet_dir


def requirements_lines(edit: str | None = None, comment: str | None = None) -> list[str]:
    """100 lines: a header, the universe's packages (supabase pulls in pydantic-core, which has
    no phone wheel: findings with fixes), the generated ones, a few comments and blanks."""
    lines = [
        f"# requirements of the benchmark app{comment or ''}",
        "supabase==2.20.0",
        "flet==0.86.6",
        "sqlalchemy",
        "click",
        "anyio",
        "httpx",
        "",
        "# generated pure packages",
    ]
    lines += [f"benchpkg-{n:02d}>=1.0" for n in range(GENERATED)]
    while len(lines) < LINES - 1:
        lines.append(f"# padding comment {len(lines)}")
    lines.append("typing-extensions")
    if edit is not None:
        lines[EDITED_LINE] = edit
    assert len(lines) == LINES
    return lines


def text(lines: list[str]) -> str:
    return "\n".join(lines) + "\n"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of the process so far: unlike the wall clock, not inflated when
    other work shares the machine."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_debounce() -> float:
    from fletlint.lsp import server

    return float(getattr(server, "DEBOUNCE", 0.0))


async def run(options: argparse.Namespace) -> None:
    work = Path(tempfile.mkdtemp(prefix="fletlint-bench-lsp-"))
    pypi_dir, flet_dir = build_indexes(work)
    with LocalIndex(pypi_dir) as pypi, LocalIndex(flet_dir) as flet:
        app = work / "app"
        app.mkdir()
        (app / "pyproject.toml").write_text(
            "[tool.fletlint]\n"
            f'index-url = "{pypi.url}"\n'
            f'flet-index-url = "{flet.url}"\n'
            'python-version = "3.12"\n'
        )
        requirements = app / "requirements.txt"
        requirements.write_text(text(requirements_lines()))
        uri = requirements.as_uri()

        env = {
            **os.environ,
            "FLETLINT_CACHE_DIR": str(work / "cache"),
            "PIP_CONFIG_FILE": os.devnull,
            "HOME": str(work),
            "XDG_CACHE_HOME": str(work / "xdg-cache"),
        }
        env = {
            k: v for k, v in env.items() if not (k.startswith("PIP_") and k != "PIP_CONFIG_FILE")
        }
        client = LanguageClient("fletlint-bench", "1")
        arrivals: asyncio.Queue[tuple[float, list[types.Diagnostic]]] = asyncio.Queue()

        @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)  # type: ignore[untyped-decorator]
        def diagnostics(params: types.PublishDiagnosticsParams) -> None:
            if params.uri == uri:
                arrivals.put_nowait((time.perf_counter(), list(params.diagnostics)))

        await client.start_io(sys.executable, "-m", "fletlint", "lsp", env=env, cwd=str(app))
        assert client._server is not None
        pid = client._server.pid
        await client.initialize_async(
            types.InitializeParams(
                capabilities=types.ClientCapabilities(),
                root_uri=work.as_uri(),
                workspace_folders=[types.WorkspaceFolder(uri=work.as_uri(), name="bench")],
            )
        )
        client.initialized(types.InitializedParams())

        version = 1
        started = time.perf_counter()
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri,
                    language_id="pip-requirements",
                    version=version,
                    text=requirements.read_text(),
                )
            )
        )
        _, first = await asyncio.wait_for(arrivals.get(), options.timeout)
        cold = time.perf_counter() - started
        codes = sorted({str(d.code) for d in first})
        print(f"first check (cold cache): {cold:.2f} s, {len(first)} diagnostics {codes}")

        cpu: list[float] = []

        async def edit(new_text: str) -> float:
            nonlocal version
            version += 1
            while not arrivals.empty():
                arrivals.get_nowait()
            cpu_before = cpu_seconds(pid)
            sent = time.perf_counter()
            client.text_document_did_change(
                types.DidChangeTextDocumentParams(
                    text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                    content_changes=[types.TextDocumentContentChangeWholeDocument(text=new_text)],
                )
            )
            arrived, _ = await asyncio.wait_for(arrivals.get(), options.timeout)
            cpu.append(cpu_seconds(pid) - cpu_before)
            await asyncio.sleep(options.pause)
            return arrived - sent

        debounce = server_debounce()
        counter = 0

        def specifier_edit() -> str:
            nonlocal counter
            counter += 1
            # A different specifier every time, the same choice of release.
            return text(requirements_lines(edit=f"benchpkg-41>=1.0,!=0.{counter}"))

        def comment_edit() -> str:
            nonlocal counter
            counter += 1
            return text(requirements_lines(comment=f" (edit {counter})"))

        for _ in range(options.warmup):
            await edit(specifier_edit())
            await edit(comment_edit())
        print(f"server debounce: {debounce * 1000:.0f} ms; pause between edits {options.pause} s")
        for label, make in (("specifier edit", specifier_edit), ("comment edit", comment_edit)):
            cpu.clear()
            figures = [await edit(make()) for _ in range(options.edits)]
            p50, p95 = percentile(figures, 0.5), percentile(figures, 0.95)
            print(
                f"{label:<15} didChange → diagnostics over {len(figures)} edits: "
                f"p50 {p50 * 1000:7.1f} ms  p95 {p95 * 1000:7.1f} ms  "
                f"(after the debounce: p50 {(p50 - debounce) * 1000:7.1f} ms  "
                f"p95 {(p95 - debounce) * 1000:7.1f} ms; mean {statistics.mean(figures) * 1000:.1f} ms)"
            )
            print(
                f"{'':<15} server CPU time per edit (clock-tick resolution): "
                f"p50 {percentile(cpu, 0.5) * 1000:7.1f} ms  p95 {percentile(cpu, 0.95) * 1000:7.1f} ms"
            )
        print(f"server peak RSS (VmHWM): {peak_rss_mb(pid):.1f} MB")
        print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        await client.shutdown_async(None)
        client.exit(None)
        await client.stop()  # type: ignore[no-untyped-call]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--edits", type=int, default=30, help="timed edits per series")
    parser.add_argument("--warmup", type=int, default=3, help="untimed edits of each kind first")
    parser.add_argument("--pause", type=float, default=0.5, help="seconds after each result")
    parser.add_argument("--timeout", type=float, default=300.0)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
