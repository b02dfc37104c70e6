"""The one entry point every front end uses: `Linter.check(path) -> Report`.

A `Linter` owns its index clients (and so their in-memory caches), so a language server can keep
one and check again on every keystroke without reading the network twice. No global state.
"""

from __future__ import annotations

import dataclasses
import itertools
import os
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from packaging.specifiers import SpecifierSet
from packaging.utils import NormalizedName, canonicalize_name

from fletlint.linter.defaults import FLET_INDEX_URL as FLET_INDEX_URL  # Settings' default
from fletlint.linter.findings import Finding, InputError, Severity
from fletlint.linter.flet_model import FletChoice
from fletlint.linter.index.client import IndexClient
from fletlint.linter.index.model import ClientStats, DistFile, IndexProblem, IndexSource
from fletlint.linter.index.pipconfig import PipConfigError, PipIndexConfig, read_pip_index_config
from fletlint.linter.index.urls import make_source, redact_text
from fletlint.linter.modules import start_reading_host_distributions
from fletlint.linter.observed import IndexProbes, saw_file
from fletlint.linter.recent_resolutions import RecentResolutions
from fletlint.linter.report_store import ListingsRead, ReportStore, files_read, report_inputs
from fletlint.linter.resolution_store import ResolutionStore, resolution_key
from fletlint.linter.resolve import (
    MAX_ROUNDS,
    Environment,
    MarkerAnswers,
    PackageSource,
    Resolution,
    ResolverMemos,
    Wanted,
    reading_markers,
    release_file,
    resolve,
    roots_for,
    same_marker_answers,
)
from fletlint.linter.sources.app_files import app_python_files
from fletlint.linter.sources.imports import ImportScanner
from fletlint.linter.sources.model import DeclaredRequirement, ProjectSpec
from fletlint.linter.sources.project import load_project
from fletlint.linter.sources.requirements import read_requirements
from fletlint.linter.storage import default_cache_dir
from fletlint.linter.targets import (
    Target,
    choose_python,
    default_targets,
    flet_targets,
    select_targets,
)

if TYPE_CHECKING:
    from fletlint.linter.analysis import TargetResult

PYPI_URL = "https://pypi.org/simple/"
# Seconds an index may take to connect or between two reads of a response, unless
# $FLETLINT_TIMEOUT says otherwise (a CI on a slow link, or tests of a stalled index).
DEFAULT_TIMEOUT = 10.0

ProgressCallback = Callable[[str], None]
# `Report.fixes_later(findings, cancelled)`: those findings with their fixes (see check(fixes=)).
FixesLater = Callable[[Sequence[Finding], Callable[[], bool]], list[Finding]]


class FixingCancelled(Exception):
    """Raised by `Report.fixes_later` when its `cancelled()` turns true between resolutions."""


@dataclass(frozen=True)
class Settings:
    """How to check. Front ends build it from flags and `[tool.fletlint]`; the core only reads it."""

    python_version: str | None = None
    targets: tuple[str, ...] = ()  # names, platforms or ABIs; empty: Flet's defaults
    index_url: str | None = None
    extra_index_urls: tuple[str, ...] = ()
    find_links: tuple[str, ...] = ()
    no_index: bool = False
    flet_index_url: str | None = FLET_INDEX_URL  # None: leave Flet's index out
    use_pip_config: bool = True
    offline: bool = False
    cache_dir: Path | None = None
    # False (`--no-cache`): recompute the report even when nothing changed, and store nothing.
    reuse_report: bool = True
    extras: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    requirements_files: tuple[Path, ...] = ()
    select: tuple[str, ...] = ()  # rule codes; empty: all
    ignore: tuple[str, ...] = ()
    # (glob, codes): a glob relative to the project root (or absolute), as ruff's per-file-ignores.
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # (package, replacement, reason): `[tool.fletlint] extend-alternatives`, read by the fixes.
    alternatives: tuple[tuple[str, str, str], ...] = ()
    # `[tool.fletlint] extend-extract-packages`: packages FL107 adds to its curated list.
    extract_packages: tuple[str, ...] = ()


@dataclass
class Report:
    project: ProjectSpec
    python: str
    targets: tuple[Target, ...]
    results: list[TargetResult]
    findings: list[Finding]
    indexes: tuple[str, ...]
    problems: tuple[IndexProblem, ...]
    stats: ClientStats
    elapsed: float
    package_names: frozenset[str] = field(default_factory=frozenset)
    # The flet-cli whose rules read the project (installed, resolved or newest known), and the
    # full version of the Python it bundles.
    flet_build: FletChoice | None = None
    python_full: str = ""
    # Only from check(fixes=False): computes the fixes the check left out. Calls must not overlap.
    fixes_later: FixesLater | None = field(default=None, repr=False, compare=False)
    # Set when the report is stored complete and every listing came from a cached page of a
    # plain index, or from none because its host is remembered unreachable: with what the
    # check looked at on disk (observed.py), all a later identical check must probe to stand
    # for this one.
    index_probes: IndexProbes | None = None

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def has_errors(self) -> bool:
        return self.count(Severity.ERROR) > 0


class Linter:
    """Checks projects with one set of settings; keeps what a next check can reuse (index
    clients, parsed imports, recent resolutions) until closed."""

    def __init__(
        self,
        settings: Settings,
        environ: Mapping[str, str] | None = None,
        *,
        checks_again: bool = True,
    ) -> None:
        """`checks_again=False`: this Linter runs one check (the command line's check, build,
        graph), so no resolution is kept in memory for a next one, and its clients drop the
        reads ahead not yet started when it closes."""
        self.settings = settings
        self._environ = dict(os.environ if environ is None else environ)
        self._clients: dict[tuple[IndexSource, ...], IndexClient] = {}
        # Parsed imports by file content: a language server re-parses only the edited file.
        # A one-shot check parses the app in a worker process while it resolves (imports.py).
        self._imports = ImportScanner(self.cache_dir(), worker=not checks_again)
        # Resolutions by environment, for the next check of this Linter (a language server's,
        # or --fix's next round).
        self._recent = RecentResolutions() if checks_again else RecentResolutions(0)
        self._checks_again = checks_again
        # Threads for a check's resolutions, kept: starting them costs more than a warm check.
        # Four: the index client reads ahead on threads of its own, so more resolutions at once
        # gained no time, and each holds its resolver's state (8 cost a 500-package check 5 MB).
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="fletlint-resolve")

    def close(self) -> None:
        self._pool.shutdown(wait=False)
        for client in self._clients.values():
            client.close(finish_reads_ahead=self._checks_again)
        self._clients.clear()

    def __enter__(self) -> Linter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- configuration -------------------------------------------------------------------------

    def cache_dir(self) -> Path:
        if self.settings.cache_dir is not None:
            return self.settings.cache_dir
        return default_cache_dir(self._environ)

    def timeout(self) -> float:
        raw = self._environ.get("FLETLINT_TIMEOUT", "").strip()
        if not raw:
            return DEFAULT_TIMEOUT
        try:
            value = float(raw)
        except ValueError:
            value = float("nan")
        # `not value > 0` also refuses nan; inf would be a wait without end.
        if not value > 0 or value == float("inf"):
            raise InputError(f"FLETLINT_TIMEOUT must be a number of seconds above 0, not {raw!r}")
        return value

    def max_rounds(self) -> int:
        """The resolver's budget: pip's, unless $FLETLINT_MAX_ROUNDS says otherwise (tests of
        FL007 give a small one; a user may give a larger one to settle a hard resolution)."""
        raw = self._environ.get("FLETLINT_MAX_ROUNDS", "").strip()
        if not raw:
            return MAX_ROUNDS
        if not raw.isdigit() or int(raw) < 1:
            raise InputError(f"FLETLINT_MAX_ROUNDS must be a whole number above 0, not {raw!r}")
        return int(raw)

    def pip_config(self) -> PipIndexConfig | None:
        """pip's own configuration, unless the settings say to ignore it (`--isolated`)."""
        if not self.settings.use_pip_config:
            return None
        try:
            return read_pip_index_config(self._environ)
        except PipConfigError as exc:
            raise InputError(f"pip configuration: {exc}") from exc

    def pip_constraints(self, pip: PipIndexConfig | None) -> tuple[DeclaredRequirement, ...]:
        """The constraint files pip's configuration applies to every install (pip does too)."""
        found: list[DeclaredRequirement] = []
        for name in pip.constraints if pip is not None else ():
            path = Path(name).expanduser()
            if not path.is_file():
                raise InputError(
                    f"pip configuration names constraint file {redact_text(name)!r}, "
                    "which does not exist"
                )
            found += read_requirements(path).requirements
        return tuple(found)

    def index_sources(
        self, project: ProjectSpec, pip: PipIndexConfig | None = None
    ) -> tuple[IndexSource, ...]:
        """pip's precedence: config files < environment < requirements file options < CLI flags.

        `pip`: pip's configuration when the caller has read it already (else it is read here).
        """
        s = self.settings
        index_url: str | None = PYPI_URL
        extras: list[str] = []
        find_links: list[str] = []
        no_index = s.no_index or project.index_options.no_index
        pip = pip or self.pip_config()
        if pip is not None:
            index_url = pip.index_url or index_url
            extras += pip.extra_index_urls
            find_links += pip.find_links
            no_index = no_index or pip.no_index
        index_url = s.index_url or project.index_options.index_url or index_url
        extras += [*project.index_options.extra_index_urls, *s.extra_index_urls]
        find_links += [*project.index_options.find_links, *s.find_links]
        if s.flet_index_url:
            extras.append(s.flet_index_url)
        candidates = [] if no_index else [make_source(u) for u in [index_url, *extras] if u]
        candidates += [make_source(link, "find-links") for link in find_links]
        sources: list[IndexSource] = []
        for source in candidates:
            if all((source.url, source.kind) != (x.url, x.kind) for x in sources):
                sources.append(source)
        return tuple(sources)

    def client_for(self, sources: tuple[IndexSource, ...]) -> IndexClient:
        client = self._clients.get(sources)
        if client is None:
            client = IndexClient(
                sources,
                cache_dir=self.cache_dir(),
                offline=self.settings.offline,
                snapshot_index=self.settings.flet_index_url,
                timeout=self.timeout(),
            )
            self._clients[sources] = client
        return client

    # -- the check ----------------------------------------------------------------------------

    def check(
        self,
        path: Path,
        *,
        texts: Mapping[Path, str] | None = None,
        on_progress: ProgressCallback | None = None,
        fixes: bool = True,
    ) -> Report:
        """Check a project (a folder, a pyproject.toml or a requirements file). Raises InputError.

        `fixes=False`: findings come without fixes (their trial resolutions are most of a warm
        check); `Report.fixes_later` attaches them afterwards, e.g. once diagnostics are shown.
        """
        started = time.perf_counter()
        s = self.settings
        project = load_project(
            path,
            texts=texts,
            requirements_files=s.requirements_files,
            extras=s.extras,
            groups=s.groups,
            environ=self._environ,
            extract_packages=s.extract_packages,
        )
        bundled = choose_python(
            s.python_version,
            project.requires_python,
            project.flet_build.rules.python,
            project.requires_python_at,
        )
        python = bundled.short
        every_target = default_targets(python, bundled.full, bundled.android_abis)
        unknown = [n for n in s.targets if not select_targets(every_target, names=(n,))]
        if unknown:
            choices = sorted({t.name for t in every_target} | {t.platform for t in every_target})
            raise InputError(
                f"unknown target {unknown[0]!r}: name a platform, an ABI or one of "
                f"{', '.join(choices)}"
            )
        targets = flet_targets(
            bundled,
            names=s.targets,
            target_arch=project.flet.target_arch,
            target_arch_at=project.flet.target_arch_at,
        )
        pip = self.pip_config()
        sources = self.index_sources(project, pip)
        client = self.client_for(sources)
        client.begin_check()  # the check deadline counts from here, not from the client's birth
        client.begin_check()  # problems, statistics and failed indexes are this check's own
        constraints = _constraints((*project.constraints, *self.pip_constraints(pip)))
        # The previous report, when nothing it read has changed (its resolutions still run,
        # from their own store: the targets' table and the packager read them).
        app = _app_sources(project, targets, texts)
        read = files_read(project, pip.constraints if pip else (), app[3])
        for name in read:  # read, or looked for: one that appears changes the answer
            saw_file(name)
        reports = ReportStore(self.cache_dir() / "reports-v1")
        inputs = report_inputs(
            path=path,
            root=project.root,
            settings=replace(s, cache_dir=None),  # the store is in it: a copy is as good
            environ=self._environ,
            pip=pip,
            project=project,
            python_full=bundled.full,
            targets=targets,
            sources=sources,
            constraints=constraints,
            files=read,
            texts=texts,
        )
        if not s.reuse_report:
            inputs = None  # neither read nor written
        previous = reports.load(inputs, client) if inputs is not None else None
        # Begun now: files not parsed before are parsed while the resolutions run.
        scanning = self._imports.start(*app) if previous is None else None
        if scanning is not None and app[3]:
            start_reading_host_distributions()  # FL101 explains the app's imports with them
        reads = ListingsRead(client.listing)  # what the stored report is valid for

        store = ResolutionStore(self.cache_dir() / "resolutions-v2")
        # One memo per environment for every resolution of this check (targets, fix trials).
        memos = ResolverMemos()
        max_rounds = self.max_rounds()
        source_urls = [x.url for x in sources]
        context = repr(
            (sorted((str(k), str(v)) for k, v in constraints.items()), source_urls, max_rounds)
        )

        def run(env: Environment, target: Target) -> Resolution:
            if on_progress:
                what = target.name if env.constrained else f"{target.name}, any distribution"
                on_progress(f"resolving for {what}")
            return reads.resolved(
                resolve_stored(env, roots_for(project.requirements, env, target.platform))
            )

        # Environments whose resolution ran in this check (not read from a store).
        resolved_here: set[str] = set()

        stop_fixing: Callable[[], bool] | None = None  # set while fixes_later runs

        def resolve_stored(env: Environment, roots: Sequence[Wanted]) -> Resolution:
            """Every resolution of this check, the fixes' trial ones too, goes through the store."""
            if stop_fixing is not None and stop_fixing():
                raise FixingCancelled
            recent = self._recent.find(env, context, roots, client.listing)
            if recent is not None:
                return recent
            key = resolution_key(env, roots, constraints, source_urls)
            stored = store.load(key, client, env, roots)
            if stored is not None:
                self._recent.remember(env, context, roots, stored, client.listing)
                return stored
            resolution = resolve(
                client, env, roots, constraints, max_rounds, memo=memos.for_env(env)
            )
            resolved_here.add(env.key)
            return keep(env, roots, resolution, key)

        def keep(
            env: Environment, roots: Sequence[Wanted], resolution: Resolution, key: str
        ) -> Resolution:
            # Listing fingerprints cover an index that was down (its files differ when it is
            # back); metadata that could not be read is the one gap they do not see.
            if not client.stats.extra.get("metadata_missing"):
                store.save(key, resolution, client, roots)
                self._recent.remember(env, context, roots, resolution, client.listing)
            return resolution

        def run_desktop_first(
            first: Environment, target: Target
        ) -> tuple[Resolution, MarkerAnswers]:
            """The first desktop's resolution, with the markers it read and their answers."""
            with reading_markers() as answers:
                resolution = run(first, target)
            return resolution, answers

        def desktop(
            env: Environment,
            target: Target,
            first: Environment,
            first_roots: Sequence[Wanted],
            lead: Resolution,
            markers: MarkerAnswers,
        ) -> Resolution | None:
            """Another desktop's resolution, when it is the first's (`lead`, from `first_roots`,
            which read `markers`): same roots, and every marker it read answers the same here
            (desktops differ in `platform_machine`, which few markers read). None: resolve it."""
            same_files = (env.python, env.tags, env.held_out, env.sdist_names) == (
                first.python,
                first.tags,
                first.held_out,
                first.sdist_names,
            )
            if not same_files or first.key not in resolved_here:
                return None
            if not same_marker_answers(markers, env):
                return None
            roots = roots_for(project.requirements, env, target.platform)
            if [id(r) for r in roots] != [id(r) for r in first_roots]:
                return None
            shared = dataclasses.replace(
                lead,
                env=env,
                packages=dict(lead.packages),
                edges=list(lead.edges),
                conflicts=list(lead.conflicts),
            )
            key = resolution_key(env, roots, constraints, source_urls)
            return reads.resolved(keep(env, roots, shared, key))

        phone_envs = [_environment(t, project, constrained=True) for t in targets]
        desktop_envs = [_environment(t, project, constrained=False) for t in targets]
        # Targets with the same markers share one desktop resolution (keyed by markers).
        jobs: dict[str, tuple[Environment, Target]] = {}
        for e, t in zip([*phone_envs, *desktop_envs], [*targets, *targets], strict=True):
            jobs.setdefault(e.key, (e, t))
        # Threads overlap the network waits of the resolutions; the client pools connections.
        # The desktops' first goes first: the others may be its resolution again (`desktop`).
        desktops = [(e, t) for e, t in jobs.values() if not e.constrained]
        futures: dict[str, Future[Resolution]] = {}
        lead = None
        if desktops:
            lead_env, lead_target = desktops[0]
            lead = self._pool.submit(run_desktop_first, lead_env, lead_target)
        for key, (e, t) in jobs.items():
            if e.constrained:
                futures[key] = self._pool.submit(run, e, t)
        # Loaded while the first pages are on their way, not before the first request: what
        # only the rules and fixes need (cold example: 0.02-0.03 s of start-up).
        from fletlint.linter.analysis import Analysis, TargetResult
        from fletlint.linter.fixes import attach_fixes
        from fletlint.linter.rules import RULES
        from fletlint.linter.suppression import apply_suppressions

        done: dict[str, Resolution] = {}
        if lead is not None:
            lead_resolution, markers = lead.result()
            done[lead_env.key] = lead_resolution
            lead_roots = roots_for(project.requirements, lead_env, lead_target.platform)
            for e, t in desktops[1:]:
                shared = desktop(e, t, lead_env, lead_roots, lead_resolution, markers)
                if shared is not None:
                    done[e.key] = shared
                else:
                    futures[e.key] = self._pool.submit(run, e, t)
        if fixes and previous is None:
            # Each target's reads for the fixes start once its two resolutions are done, not
            # when the last target's are (cold example: the iOS ones end 0.07 s after Android's).
            warming = list(zip(targets, phone_envs, desktop_envs, strict=True))
            pending = {future: key for key, future in futures.items()}
            # None first: the targets whose resolutions are all done already (shared desktops).
            for future in itertools.chain([None], as_completed(pending)):
                if future is not None and future.exception() is None:
                    done[pending[future]] = future.result()
                ready = [w for w in warming if w[1].key in done and w[2].key in done]
                warming = [w for w in warming if w not in ready]
                _warm_phone_releases(
                    client, [TargetResult(t, p, done[p.key], done[d.key]) for t, p, d in ready]
                )
        done.update((key, future.result()) for key, future in futures.items())
        results = [
            TargetResult(t, phone, done[phone.key], done[desktop.key])
            for t, phone, desktop in zip(targets, phone_envs, desktop_envs, strict=True)
        ]
        names = frozenset(
            n for r in results for n in (*r.unconstrained.packages, *r.resolution.packages)
        )

        def report(
            findings: list[Finding],
            problems: tuple[IndexProblem, ...],
            fixes_later: FixesLater | None = None,
            listings: Sequence[str] | None = None,
        ) -> Report:
            # A stand-in must get the same answer without asking an index: every problem is a
            # host the unreachable-hosts file keeps from being asked.
            probes = client.page_probes(listings) if listings is not None else None
            failed = {p.index for p in (*problems, *client.problems)}
            if probes is not None and not failed <= set(probes.down):
                probes = None
            return Report(
                project=project,
                python=python,
                targets=targets,
                results=results,
                findings=findings,
                indexes=tuple(x.name for x in sources),
                problems=problems,
                stats=client.stats,
                elapsed=time.perf_counter() - started,
                package_names=names,
                flet_build=project.flet_build,
                python_full=bundled.full,
                fixes_later=fixes_later,
                index_probes=probes,
            )

        if previous is not None:
            return report(list(previous.findings), previous.problems, listings=previous.listings)
        assert scanning is not None
        analysis = Analysis(
            project,
            targets,
            results,
            client.problems,
            reads.listing,
            source=client,
            constraints=constraints,
            resolver=reads.resolver(resolve_stored),
            imports=scanning.result(),
            archives=client,
            memos=memos,  # the fixes' verdicts ask the memos the targets' resolutions filled
        )
        findings = [
            finding
            for code, rule in RULES.items()
            if _selected(code, s.select, s.ignore)
            for finding in rule.check(analysis)
        ]
        findings = apply_suppressions(
            findings, project.root, per_file_ignores=s.per_file_ignores, texts=texts
        )

        # After suppression: verifying a fix costs resolutions, wasted on a hidden finding.
        def fixes_later(
            chosen: Sequence[Finding], cancelled: Callable[[], bool] = lambda: False
        ) -> list[Finding]:
            nonlocal stop_fixing
            stop_fixing = cancelled
            # Threads pay while the trials wait on an index. When every read of the check came
            # from the cache (a warm check), the trials are CPU work the GIL serialises: more
            # threads would only add switching (warm example: fixes 0.35 -> 0.55 s) and memory.
            stats = client.stats
            pool = self._pool if stats.requests > stats.not_modified else None
            try:
                return attach_fixes(
                    analysis, chosen, texts=texts, alternatives=s.alternatives, pool=pool
                )
            finally:
                stop_fixing = None

        if fixes:
            findings = fixes_later(findings)
        findings.sort(key=_finding_order)
        # Stored only complete (with its fixes), and only when every read answered: metadata
        # that could not be read is a gap the listings' fingerprints do not see.
        if fixes and inputs is not None and not client.stats.extra.get("metadata_missing"):
            fingerprints = reads.fingerprints()
            reports.save(inputs, findings, client.problems, fingerprints)
            return report(findings, client.problems, listings=list(fingerprints))
        return report(findings, client.problems, None if fixes else fixes_later)


def _app_sources(
    project: ProjectSpec, targets: Sequence[Target], texts: Mapping[Path, str] | None
) -> tuple[Path, Sequence[str], Mapping[Path, str] | None, tuple[Path, ...]]:
    """The scanner's arguments: the app folder and its `.py` files as flet build bundles them."""
    root, files = app_python_files(
        project, [t.platform for t in targets] or ["android"], extra=list(texts or {})
    )
    return root, (), texts, files


def _warm_phone_releases(client: PackageSource, results: Sequence[TargetResult]) -> None:
    """Start reading the desktop metadata of the releases a phone gets instead of the
    desktop's (pydantic 2.11.10 for 2.14.4): the fixes' trials put those on the desktop ("pin
    ... so the desktop runs the same releases"), and read now, they are read while the rules
    run, not while a trial waits for them (cold example: a trial's 0.14 s). A resolution run
    here started the native ones already (`Provider._warm_for_desktop`: asked again, each is a
    lookup); one read from the store ran no resolver, and this is its only read ahead."""
    files: dict[str, DistFile] = {}
    for result in results:
        env = result.unconstrained.env
        for name, package in result.resolution.packages.items():
            on_desktop = result.unconstrained.packages.get(name)
            if on_desktop is None or on_desktop.version == package.version:
                continue
            file = release_file(
                client.listing(name).by_version.get(package.version, ()), package.version, env
            )
            if file is not None:
                files.setdefault(file.url, file)
    client.warm_metadata(files.values())


def _environment(target: Target, project: ProjectSpec, *, constrained: bool) -> Environment:
    if not constrained:
        # Same markers as the phone, any distribution: keyed by markers so equal ones run once.
        markers = target.marker_environment
        key = "desktop:" + ",".join(f"{k}={v}" for k, v in sorted(markers.items()))
        return Environment(key, target.python, markers)
    sdists = project.flet.source_packages
    allowed = sdists.get("*", frozenset()) | sdists.get(target.platform, frozenset())
    return Environment(
        target.name,
        target.python,
        target.marker_environment,
        target.tags,
        frozenset(canonicalize_name(n) for n in allowed),
    )


def _constraints(
    declared_constraints: Sequence[DeclaredRequirement],
) -> dict[NormalizedName, SpecifierSet]:
    merged: dict[NormalizedName, SpecifierSet] = {}
    for declared in declared_constraints:
        if declared.requirement is None:
            continue
        name = canonicalize_name(declared.requirement.name)
        merged[name] = merged.get(name, SpecifierSet()) & declared.requirement.specifier
    return merged


def _selected(code: str, select: Sequence[str], ignore: Sequence[str]) -> bool:
    # Codes are case-insensitive wherever they come from (a front end may pass them raw).
    chosen = not select or any(code.startswith(p.strip().upper()) for p in select)
    return chosen and not any(code.startswith(p.strip().upper()) for p in ignore)


_SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def _finding_order(f: Finding) -> tuple[int, str, int, str, str]:
    loc = f.location
    return (
        _SEVERITY_ORDER[f.severity],
        loc.path if loc else "",
        loc.line if loc else 0,
        f.code,
        f.package or "",
    )
