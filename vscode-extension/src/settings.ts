// How to start the server, from the user's settings: an explicit command, else an interpreter
// with fletlint installed (`python -m fletlint lsp`), else `fletlint` on PATH.
import * as vscode from "vscode";

export interface ServerCommand {
  command: string;
  args: string[];
}

export function serverCommand(scope?: vscode.ConfigurationScope): ServerCommand {
  const config = vscode.workspace.getConfiguration("fletlint", scope);
  const path = config.get<string[]>("path", []);
  if (path.length > 0) {
    return { command: path[0], args: [...path.slice(1), "lsp"] };
  }
  const interpreter = config.get<string>("interpreter", "").trim();
  if (interpreter) {
    return { command: interpreter, args: ["-m", "fletlint", "lsp"] };
  }
  return { command: "fletlint", args: ["lsp"] };
}
