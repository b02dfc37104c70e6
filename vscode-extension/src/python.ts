// The interpreter selected in the Python extension (ms-python.python), when it is installed.
// Optional: no extensionDependencies, so without it the extension falls back to PATH.
import * as vscode from "vscode";
import { PVSC_EXTENSION_ID, PythonExtension } from "@vscode/python-extension";

let api: Promise<PythonExtension | undefined> | undefined;

function pythonExtension(log: vscode.LogOutputChannel): Promise<PythonExtension | undefined> {
  if (api === undefined) {
    api = (async () => {
      if (vscode.extensions.getExtension(PVSC_EXTENSION_ID) === undefined) {
        log.info("The Python extension is not installed: its selected interpreter is not used.");
        return undefined;
      }
      try {
        return await PythonExtension.api();
      } catch (error) {
        log.warn(`The Python extension's API is unavailable: ${String(error)}`);
        return undefined;
      }
    })();
  }
  return api;
}

/** The selected interpreter's executable for `resource`, if the Python extension knows one. */
export async function selectedInterpreter(
  resource: vscode.Uri | undefined,
  log: vscode.LogOutputChannel,
): Promise<string | undefined> {
  const python = await pythonExtension(log);
  if (python === undefined) {
    return undefined;
  }
  try {
    const path = python.environments.getActiveEnvironmentPath(resource);
    const environment = await python.environments.resolveEnvironment(path);
    // An environment the extension cannot resolve has no executable: none is selected then.
    return environment?.executable.uri?.fsPath || undefined;
  } catch (error) {
    log.warn(`Could not resolve the Python extension's interpreter: ${String(error)}`);
    return undefined;
  }
}

/** Calls `listener` when the user selects another interpreter; a no-op without the extension. */
export async function onDidChangeInterpreter(
  listener: () => void,
  log: vscode.LogOutputChannel,
): Promise<vscode.Disposable> {
  const python = await pythonExtension(log);
  return python?.environments.onDidChangeActiveEnvironmentPath(listener) ?? new vscode.Disposable(() => {});
}
