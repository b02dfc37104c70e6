// The language client's life: start `fletlint lsp` over stdio, stop it, start it again.
// Restarts are serialised and always begin from a clean slate, so a start that failed (a missing
// fletlint, a crash at start-up) is recovered by the Restart command or by fixing a setting.
import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
  State,
  TransportKind,
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

export class Server implements vscode.Disposable {
  private client: LanguageClient | undefined;
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
    const line = [server.command, ...server.args].join(" ");
    this.log.info(`Running \`${line} --stdio\` from ${server.source}.`);
    const executable = {
      command: server.command,
      args: server.args,
      transport: TransportKind.stdio,
      options: { cwd: scope?.fsPath },
    };
    const serverOptions: ServerOptions = { run: executable, debug: executable };
    const clientOptions: LanguageClientOptions = {
      documentSelector,
      synchronize: { fileEvents: this.watcher },
      outputChannel: this.log,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      // A server that cannot initialise will not do better by being asked again.
      initializationFailedHandler: () => false,
    };
    const client = new LanguageClient("fletlint", "fletlint", serverOptions, clientOptions);
    this.client = client;
    client.onDidChangeState((event) => {
      if (this.client !== client) {
        return;
      }
      if (event.newState === State.Running) {
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
      const message = `the server did not start (\`${line}\` from ${server.source}): ${String(error)}`;
      this.log.error(message);
      this.status.show("failed", message);
      void vscode.window
        .showErrorMessage(`fletlint: ${message}`, "Show Logs", "Restart")
        .then((choice) => this.follow(choice));
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
