// The extension's settings, read for one resource (a workspace folder): each is declared once,
// in package.json, and read only here.
import * as vscode from "vscode";

export const SECTION = "fletlint";

/** The settings that choose how the server starts; changing one restarts it. */
export const RESTART_SETTINGS = ["path", "interpreter"].map((name) => `${SECTION}.${name}`);

export interface Settings {
  /** An explicit command that runs fletlint (`lsp` is appended), or empty. */
  path: string[];
  /** A Python interpreter with fletlint installed, or "". */
  interpreter: string;
}

export function readSettings(scope: vscode.ConfigurationScope | undefined): Settings {
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  const folder = scope instanceof vscode.Uri ? vscode.workspace.getWorkspaceFolder(scope) : undefined;
  return {
    path: config.get<string[]>("path", []).map((part) => expandVariables(part, folder)),
    interpreter: expandVariables(config.get<string>("interpreter", "").trim(), folder),
  };
}

/** `${workspaceFolder}` and `~` in a path setting, as users write them in other extensions. */
function expandVariables(value: string, folder: vscode.WorkspaceFolder | undefined): string {
  let expanded = value;
  if (folder !== undefined) {
    expanded = expanded.replaceAll("${workspaceFolder}", folder.uri.fsPath);
  }
  if (expanded === "~" || expanded.startsWith("~/")) {
    expanded = (process.env.HOME ?? "~") + expanded.slice(1);
  }
  return expanded;
}

/** The folder whose settings apply: the active editor's, else the first workspace folder. */
export function settingsScope(): vscode.Uri | undefined {
  const active = vscode.window.activeTextEditor?.document.uri;
  const folder = active !== undefined ? vscode.workspace.getWorkspaceFolder(active) : undefined;
  return (folder ?? vscode.workspace.workspaceFolders?.[0])?.uri;
}
