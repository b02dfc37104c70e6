// Which command starts the server, in the order the settings document: `fletlint.path`, then
// `fletlint.interpreter`, then the Python extension's selected interpreter (when fletlint is
// installed in it), then `fletlint` on PATH. When none works, a Problem says why, naming the
// interpreter, so the notification can offer to install fletlint there.
import { execFile } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import { selectedInterpreter } from "./python";
import { readSettings } from "./settings";

export interface ServerCommand {
  kind: "command";
  command: string;
  args: string[];
  /** Where the command came from, for the logs and the status item. */
  source: string;
}

export interface Problem {
  kind: "problem";
  message: string;
  /** The interpreter fletlint could be installed into, when there is one. */
  interpreter?: string;
}

export type Resolution = ServerCommand | Problem;

const SUBCOMMAND = ["lsp"];

export async function resolveServer(
  scope: vscode.Uri | undefined,
  log: vscode.LogOutputChannel,
): Promise<Resolution> {
  const settings = readSettings(scope);
  if (settings.path.length > 0) {
    const [command, ...args] = settings.path;
    return { kind: "command", command, args: [...args, ...SUBCOMMAND], source: "fletlint.path" };
  }
  if (settings.interpreter) {
    return fromInterpreter(settings.interpreter, "fletlint.interpreter");
  }
  const selected = await selectedInterpreter(scope, log);
  if (selected !== undefined) {
    const found = await fromInterpreter(selected, "the Python extension's interpreter");
    if (found.kind === "command") {
      return found;
    }
    log.info(`${found.message}; looking for fletlint on PATH.`);
  }
  const onPath = findOnPath("fletlint");
  if (onPath !== undefined) {
    return { kind: "command", command: onPath, args: SUBCOMMAND, source: "PATH" };
  }
  if (selected !== undefined) {
    return {
      kind: "problem",
      message: `fletlint is not installed in ${selected} (the Python extension's interpreter) nor on PATH`,
      interpreter: selected,
    };
  }
  return {
    kind: "problem",
    message:
      "fletlint is not on PATH; install it, select an interpreter that has it, " +
      "or set fletlint.interpreter or fletlint.path",
  };
}

async function fromInterpreter(interpreter: string, source: string): Promise<Resolution> {
  if (!isExecutable(interpreter)) {
    return { kind: "problem", message: `${source}: ${interpreter} is not an executable file` };
  }
  const probe = await run(interpreter, [
    "-c",
    "import importlib.util, sys; sys.exit(importlib.util.find_spec('fletlint') is None)",
  ]);
  if (probe !== 0) {
    return {
      kind: "problem",
      message: `fletlint is not installed in ${interpreter} (${source})`,
      interpreter,
    };
  }
  return {
    kind: "command",
    command: interpreter,
    args: ["-m", "fletlint", ...SUBCOMMAND],
    source: `${source} (${interpreter})`,
  };
}

/** The exit code, or -1 when the program could not be run. */
function run(command: string, args: string[]): Promise<number> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: 30_000 }, (error) => {
      if (error === null) {
        resolve(0);
      } else {
        resolve(typeof error.code === "number" ? error.code : -1);
      }
    });
  });
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function findOnPath(name: string): string | undefined {
  const extensions = process.platform === "win32" ? [".exe", ".cmd", ""] : [""];
  for (const folder of (process.env.PATH ?? "").split(path.delimiter)) {
    for (const extension of extensions) {
      const candidate = path.join(folder, name + extension);
      if (folder && isExecutable(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}
