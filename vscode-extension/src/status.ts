// The status bar item: the server's state at a glance; a click shows the logs.
import * as vscode from "vscode";

export type ServerState = "starting" | "running" | "stopped" | "failed";

const ICONS: Record<ServerState, string> = {
  starting: "$(loading~spin)",
  running: "$(check)",
  stopped: "$(circle-slash)",
  failed: "$(error)",
};

export class StatusItem implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor() {
    this.item = vscode.window.createStatusBarItem("fletlint.status", vscode.StatusBarAlignment.Right, 100);
    this.item.name = "fletlint";
    this.item.command = "fletlint.showLogs";
    this.show("starting", "looking for fletlint");
    this.item.show();
  }

  show(state: ServerState, detail: string): void {
    this.item.text = `${ICONS[state]} fletlint`;
    this.item.tooltip = `fletlint: ${state} — ${detail}\nClick to show the logs.`;
    this.item.accessibilityInformation = { label: `fletlint ${state}: ${detail}` };
    this.item.backgroundColor =
      state === "failed" ? new vscode.ThemeColor("statusBarItem.errorBackground") : undefined;
  }

  dispose(): void {
    this.item.dispose();
  }
}
