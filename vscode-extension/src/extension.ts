// Entry point: wires the commands, the status item and the restart triggers to the server.
// Everything the user sees in the editor comes from the server (`fletlint lsp`).
import * as vscode from "vscode";
import { onDidChangeInterpreter } from "./python";
import { Server } from "./server";
import { RESTART_SETTINGS } from "./settings";
import { StatusItem } from "./status";

let server: Server | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const log = vscode.window.createOutputChannel("fletlint", { log: true });
  const status = new StatusItem();
  server = new Server(log, status);
  const current = server;
  context.subscriptions.push(
    log,
    status,
    vscode.commands.registerCommand("fletlint.restart", () => current.restart("requested")),
    vscode.commands.registerCommand("fletlint.showLogs", () => log.show()),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (RESTART_SETTINGS.some((setting) => event.affectsConfiguration(setting))) {
        await current.restart("a setting changed");
      }
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => current.restart("the workspace is trusted")),
    await onDidChangeInterpreter(() => void current.restart("the selected interpreter changed"), log),
  );
  await current.restart("activation");
}

export async function deactivate(): Promise<void> {
  await server?.dispose();
  server = undefined;
}
