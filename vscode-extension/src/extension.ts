// Starts `fletlint lsp` (stdio) for requirements files, pyproject.toml and Python files.
// Everything the user sees comes from the server; this file only wires VS Code to it.
import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";
import { serverCommand } from "./settings";

let client: LanguageClient | undefined;

const documentSelector = [
  { scheme: "file", pattern: "**/requirements*.txt" },
  { scheme: "file", pattern: "**/pyproject.toml" },
  { scheme: "file", language: "python" },
];

async function start(context: vscode.ExtensionContext): Promise<void> {
  const { command, args } = serverCommand();
  const serverOptions: ServerOptions = {
    run: { command, args, transport: TransportKind.stdio },
    debug: { command, args, transport: TransportKind.stdio },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector,
    synchronize: {
      // Another file of the project changing (a -r include, a wheel folder) changes findings.
      fileEvents: vscode.workspace.createFileSystemWatcher("**/{requirements*.txt,pyproject.toml}"),
    },
    outputChannelName: "fletlint",
  };
  client = new LanguageClient("fletlint", "fletlint", serverOptions, clientOptions);
  try {
    await client.start();
  } catch (error) {
    void vscode.window.showErrorMessage(
      `fletlint: could not start \`${[command, ...args].join(" ")}\`: ${String(error)}. ` +
        "Install fletlint or set fletlint.path / fletlint.interpreter.",
    );
  }
  context.subscriptions.push({ dispose: () => void client?.stop() });
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    vscode.commands.registerCommand("fletlint.restart", async () => {
      await client?.stop();
      await start(context);
    }),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration("fletlint.path") || event.affectsConfiguration("fletlint.interpreter")) {
        await vscode.commands.executeCommand("fletlint.restart");
      }
    }),
  );
  await start(context);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
