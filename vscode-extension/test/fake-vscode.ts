// The slice of the `vscode` API that src/resolve.ts, settings.ts and python.ts touch, backed by
// plain objects a test sets: the settings and the Python extension's selected interpreter.
export const state: {
  settings: Record<string, unknown>;
  pythonExtension: { interpreter: string } | undefined;
} = { settings: {}, pythonExtension: undefined };

export class Uri {
  constructor(readonly fsPath: string) {}
  static file(path: string): Uri {
    return new Uri(path);
  }
}

export class Disposable {
  constructor(private readonly onDispose: () => void) {}
  dispose(): void {
    this.onDispose();
  }
}

export const workspace = {
  getConfiguration: () => ({
    get: <T>(key: string, fallback: T): T => (state.settings[key] as T | undefined) ?? fallback,
  }),
  getWorkspaceFolder: () => undefined,
  workspaceFolders: undefined,
};

export const window = { activeTextEditor: undefined };

export const extensions = {
  getExtension: (id: string) =>
    id === "ms-python.python" && state.pythonExtension !== undefined
      ? {
          isActive: true,
          activate: () => Promise.resolve(),
          exports: {
            environments: {
              getActiveEnvironmentPath: () => ({ id: "selected", path: state.pythonExtension?.interpreter }),
              resolveEnvironment: () =>
                Promise.resolve(
                  state.pythonExtension === undefined
                    ? undefined
                    : { executable: { uri: Uri.file(state.pythonExtension.interpreter) } },
                ),
              onDidChangeActiveEnvironmentPath: () => new Disposable(() => {}),
            },
          },
        }
      : undefined,
};
