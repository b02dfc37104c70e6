// Which command src/resolve.ts picks, in the documented order, with fake interpreters (shell
// scripts that answer the "is fletlint importable" probe) and a PATH the test controls.
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeEach, test } from "node:test";
import type { LogOutputChannel } from "vscode";
import { resolveServer } from "../src/resolve";
import { state } from "./fake-vscode";

const root = mkdtempSync(path.join(tmpdir(), "fletlint-resolve-"));
const log = { info: () => {}, warn: () => {}, error: () => {} } as unknown as LogOutputChannel;

function executable(relative: string, body: string): string {
  const file = path.join(root, relative);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

// The probe is `python -c "…find_spec('fletlint')…"`: exit 0 when installed, 1 when not.
const withFletlint = executable("with/bin/python", "exit 0");
const withoutFletlint = executable("without/bin/python", "exit 1");
const onPath = executable("path-bin/fletlint", "exit 0");
const emptyFolder = path.join(root, "empty");
mkdirSync(emptyFolder);

beforeEach(() => {
  state.settings = {};
  state.pythonExtension = undefined;
  process.env.PATH = emptyFolder;
});

test("fletlint.path comes first, used as given with lsp appended", async () => {
  state.settings = { path: ["/opt/fletlint", "--verbose"], interpreter: withFletlint };
  assert.deepEqual(await resolveServer(undefined, log), {
    kind: "command",
    command: "/opt/fletlint",
    args: ["--verbose", "lsp"],
    source: "fletlint.path",
  });
});

test("fletlint.interpreter runs python -m fletlint lsp", async () => {
  state.settings = { interpreter: withFletlint };
  state.pythonExtension = { interpreter: withoutFletlint };
  const found = await resolveServer(undefined, log);
  assert.equal(found.kind, "command");
  assert.deepEqual(found.kind === "command" && [found.command, ...found.args], [withFletlint, "-m", "fletlint", "lsp"]);
});

test("an interpreter setting without fletlint is a problem naming it, not a fallback", async () => {
  state.settings = { interpreter: withoutFletlint };
  process.env.PATH = path.dirname(onPath);
  assert.deepEqual(await resolveServer(undefined, log), {
    kind: "problem",
    message: `fletlint is not installed in ${withoutFletlint} (fletlint.interpreter)`,
    interpreter: withoutFletlint,
  });
});

test("the Python extension's interpreter is used when fletlint is installed in it", async () => {
  state.pythonExtension = { interpreter: withFletlint };
  process.env.PATH = path.dirname(onPath);
  const found = await resolveServer(undefined, log);
  assert.equal(found.kind === "command" && found.command, withFletlint);
  assert.match(found.kind === "command" ? found.source : "", /Python extension/);
});

test("the Python extension's interpreter without fletlint falls back to PATH", async () => {
  state.pythonExtension = { interpreter: withoutFletlint };
  process.env.PATH = path.dirname(onPath);
  assert.deepEqual(await resolveServer(undefined, log), {
    kind: "command",
    command: onPath,
    args: ["lsp"],
    source: "PATH",
  });
});

test("nowhere: the problem names the selected interpreter, to install into", async () => {
  state.pythonExtension = { interpreter: withoutFletlint };
  const found = await resolveServer(undefined, log);
  assert.equal(found.kind, "problem");
  assert.equal(found.kind === "problem" && found.interpreter, withoutFletlint);
  assert.match(found.kind === "problem" ? found.message : "", /fletlint is not installed in .*without\/bin\/python/);
});

test("no Python extension and nothing on PATH: says so", async () => {
  const found = await resolveServer(undefined, log);
  assert.equal(found.kind, "problem");
  assert.match(found.kind === "problem" ? found.message : "", /fletlint is not on PATH/);
});

test("an interpreter setting that does not exist is named", async () => {
  state.settings = { interpreter: path.join(root, "missing", "python") };
  const found = await resolveServer(undefined, log);
  assert.match(found.kind === "problem" ? found.message : "", /is not an executable file/);
});
