// Bundles test/*.test.ts for node's test runner, with `vscode` replaced by test/fake-vscode.ts.
import * as esbuild from "esbuild";
import { readdirSync } from "node:fs";

await esbuild.build({
  entryPoints: readdirSync("test")
    .filter((name) => name.endsWith(".test.ts"))
    .map((name) => `test/${name}`),
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node18",
  outdir: "out/test",
  alias: { vscode: "./test/fake-vscode.ts" },
  logLevel: "warning",
});
