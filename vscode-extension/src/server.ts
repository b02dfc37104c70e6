// The language client's life: start `fletlint lsp` over stdio, stop it, start it again.
// Restarts are serialised and always begin from a clean slate, so a start that failed (a missing
// fletlint, a crash at start-up) is recovered by the Restart command or by fixing a setting.
import { ChildProcess, spawn } from "node:child_process";
import * as vscode from "vscode";
import {
  CloseAction,
  ErrorAction,
  ErrorHandler,
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
  State,
} from "vscode-languageclient/node";
import { Problem, resolveServer, ServerCommand } from "./resolve";
import { settingsScope } from "./settings";
import { StatusItem } from "./status";

export const DOCS_URL = "https://github.com/fletlint/fletlint/tree/main/vscode-extension#readme";

const documentSelector = [
  { scheme: "file", pattern: "**/requirements*.txt" },
  { scheme: "file", pattern: "**/pyproject.toml" },
  { scheme: "file", language: "python" },
];

/** The language client, minus its own pop-up on a failed start: Server reports that once,
 * with the process's exit code and last stderr lines, instead of "couldn't create connection". */
class FletlintClient extends LanguageClient {
  override error(message: string, data?: unknown, showNotification?: boolean | "force"): void {
    const startFailure = message.includes("couldn't create connection to server");
    super.error(message, data, startFailure ? false : showNotification);
  }
}

export class Server implements vscode.Disposable {
  private client: LanguageClient | undefined;
  /** The server process of the current client (the client only knows its pipes). */
  private serverProcess: ChildProcess | undefined;
  private queue: Promise<void> = Promise.resolve();
  private readonly watcher: vscode.FileSystemWatcher;

  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly status: StatusItem,
  ) {
    // Another file of the project changing (a -r include, a wheel folder) changes findings.
    this.watcher = vscode.workspace.createFileSystemWatcher("**/{requirements*.txt,pyproject.toml}");
  }

  /** Stops the running server, if any, and starts one again; calls queue up, one at a time. */
  restart(reason: string): Promise<void> {
    this.queue = this.queue.then(() => this.replace(reason)).catch((error: unknown) => {
      this.log.error(`Restart failed: ${String(error)}`);
    });
    return this.queue;
  }

  async dispose(): Promise<void> {
    this.watcher.dispose();
    await this.stop();
  }

  private async replace(reason: string): Promise<void> {
    this.log.info(`Starting the server (${reason}).`);
    this.status.show("starting", "looking for fletlint");
    await this.stop();
    const scope = settingsScope();
    const resolution = await resolveServer(scope, this.log);
    if (resolution.kind === "problem") {
      this.log.error(resolution.message);
      this.status.show("failed", resolution.message);
      void this.notify(resolution);
      return;
    }
    await this.start(resolution, scope);
  }

  private async start(server: ServerCommand, scope: vscode.Uri | undefined): Promise<void> {
    // vscode-languageclient's TransportKind.stdio appends --stdio; spawning it here does the same
    // and keeps the end of stderr, so a server that dies at start-up is reported with its words.
    const args = [...server.args, "--stdio"];
    const line = [server.command, ...args].join(" ");
    this.log.info(`Running \`${line}\` from ${server.source}.`);
    let stderrTail = "";
    let started = false;
    let reported = false;
    const crashes: number[] = [];
    const exit: { code: number | null } = { code: null };
    let markExited: () => void = () => {};
    const exited = new Promise<void>((resolve) => (markExited = resolve));
    const fail = async (message: string): Promise<void> => {
      if (reported) {
        return;
      }
      reported = true;
      this.status.show("failed", message);
      // The client gives up on the first broken pipe; the process's last words come a moment later.
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
      // A broken pipe says nothing to a user; the process having exited says what happened.
      const reason = exit.code !== null && !started ? "the server exited while starting" : message;
      const code = exit.code !== null ? `, exit code ${exit.code}` : "";
      const detail = stderrTail.trim().split("\n").slice(-3).join(" ").trim();
      const full = `${reason} (\`${line}\` from ${server.source}${code})${detail ? `: ${detail}` : ""}`;
      this.log.error(full);
      this.status.show("failed", full);
      const choice = await vscode.window.showErrorMessage(`fletlint: ${full}`, "Show Logs", "Restart");
      await this.follow(choice);
    };
    const serverOptions: ServerOptions = () => {
      const child = spawn(server.command, args, { cwd: scope?.fsPath, env: process.env });
      this.serverProcess = child;
      // "close": the process ended and its stderr has been read to the end.
      child.on("close", (code) => {
        exit.code = code;
        markExited();
      });
      child.on("error", (error) => {
        stderrTail += `${error.message}\n`;
      });
      child.stderr.on("data", (chunk: Buffer) => {
        stderrTail = (stderrTail + chunk.toString()).slice(-2000);
      });
      return Promise.resolve(child);
    };
    const errorHandler: ErrorHandler = {
      error: (_error, _message, count) => ({
        action: (count ?? 0) <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown,
        handled: true,
      }),
      closed: () => {
        if (!started) {
          // Restarting a server that never came up only repeats the failure five times over.
          void fail("the server exited while starting");
          return { action: CloseAction.DoNotRestart, handled: true };
        }
        const now = Date.now();
        crashes.push(now);
        while (crashes.length > 0 && crashes[0] < now - 180_000) {
          crashes.shift();
        }
        if (crashes.length >= 5) {
          void fail("the server crashed 5 times in 3 minutes and is not restarted");
          return { action: CloseAction.DoNotRestart, handled: true };
        }
        this.log.warn("The server stopped unexpectedly; restarting it.");
        return { action: CloseAction.Restart, handled: true };
      },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector,
      synchronize: { fileEvents: this.watcher },
      outputChannel: this.log,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      errorHandler,
      // A server that cannot initialise will not do better by being asked again.
      initializationFailedHandler: () => false,
    };
    const client = new FletlintClient("fletlint", "fletlint", serverOptions, clientOptions);
    this.client = client;
    client.onDidChangeState((event) => {
      if (this.client !== client || reported) {
        return;
      }
      if (event.newState === State.Running) {
        started = true;
        this.status.show("running", `\`${line}\` from ${server.source}`);
      } else if (event.newState === State.Starting) {
        this.status.show("starting", line);
      } else {
        this.status.show("stopped", "the server stopped; run “fletlint: Restart Server”");
      }
    });
    try {
      await client.start();
    } catch (error) {
      void fail(`the server did not start: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client === undefined) {
      return;
    }
    try {
      // A client whose start failed refuses stop() ("startFailed"); it is dropped all the same.
      await client.dispose(2000);
    } catch (error) {
      this.log.info(`Dropped the previous client: ${String(error)}`);
    }
    // A server that did not exit on the protocol's `exit` does on a signal.
    if (this.serverProcess !== undefined && this.serverProcess.exitCode === null && this.serverProcess.signalCode === null) {
      this.serverProcess.kill();
    }
    this.serverProcess = undefined;
  }

  private async notify(problem: Problem): Promise<void> {
    const actions = problem.interpreter !== undefined ? ["Install fletlint", "Open Docs"] : ["Open Docs"];
    const choice = await vscode.window.showErrorMessage(`fletlint: ${problem.message}.`, ...actions);
    if (choice === "Install fletlint" && problem.interpreter !== undefined) {
      this.install(problem.interpreter);
    } else {
      await this.follow(choice);
    }
  }

  private async follow(choice: string | undefined): Promise<void> {
    if (choice === "Open Docs") {
      await vscode.env.openExternal(vscode.Uri.parse(DOCS_URL));
    } else if (choice === "Show Logs") {
      this.log.show();
    } else if (choice === "Restart") {
      await this.restart("requested");
    }
  }

  /** `<interpreter> -m pip install fletlint` in a terminal the user sees, then a restart. */
  private install(interpreter: string): void {
    const terminal = vscode.window.createTerminal({ name: "fletlint: install" });
    terminal.show();
    terminal.sendText(`"${interpreter}" -m pip install fletlint; exit`);
    const closed = vscode.window.onDidCloseTerminal(async (closedTerminal) => {
      if (closedTerminal === terminal) {
        closed.dispose();
        await this.restart("fletlint installed");
      }
    });
  }
}
