// Drives code-server (VS Code in the browser) with Debian's Chromium through playwright-core, as a
// user would. Run by tests/e2e/test_vscode.py, which prepares the workspace, the local indexes and
// code-server, and checks the files on disk afterwards. Two scenarios:
// - "fix": open requirements.txt, read the diagnostic in the Problems panel, hover the
//   requirement, apply the quick fix from Ctrl+., save, see the diagnostic go;
// - "recover": a server command that fails, then works after the Restart command; an interpreter
//   without fletlint named in a notification; clearing the settings starts the server from PATH.
//
// Usage: node drive_vscode.mjs '<JSON: tools, url, workspace, profile, screenshot, scenario, …>'
// Prints one line per step; exits 1 with the failing step's reason (a screenshot is kept either way).
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const options = JSON.parse(process.argv[2]);
const { chromium } = createRequire(path.join(options.tools, "package.json"))("playwright-core");

const STEP_TIMEOUT = 90_000; // a first check resolves six targets, and code-server starts cold
const t0 = Date.now();
const log = (message) => console.log(`[e2e +${((Date.now() - t0) / 1000).toFixed(1)}s] ${message}`);
const oneLine = (text) => text.replace(/\s+/g, " ");

async function step(name, action) {
  log(`${name} …`);
  try {
    const result = await action();
    log(`${name}: ok`);
    return result;
  } catch (error) {
    throw new Error(`${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function openWorkspace(page) {
  await step("open the workspace and requirements.txt", async () => {
    await page.goto(`${options.url}/?folder=${encodeURIComponent(options.workspace)}`);
    await page.locator(".explorer-folders-view").waitFor();
    await page.locator(".explorer-folders-view .monaco-list-row", { hasText: "requirements.txt" }).click();
    await page.locator(".monaco-editor .view-lines", { hasText: "pydantic==" }).waitFor();
  });
}

function status(page, state) {
  return page.locator(`.statusbar-item[aria-label^="fletlint ${state}"]`);
}

async function toast(page, text) {
  const found = page.locator(".notification-toast", { hasText: text }).first();
  await found.waitFor();
  return found;
}

async function runCommand(page, title) {
  await page.keyboard.press("F1");
  await page.locator(".quick-input-widget").waitFor();
  await page.keyboard.type(title);
  await page.locator(".quick-input-list .monaco-list-row", { hasText: title }).first().waitFor();
  await page.keyboard.press("Enter");
}

async function fix(page) {
  await openWorkspace(page);
  const running = await step("the status bar shows the server running", async () => {
    await status(page, "running").waitFor();
    return status(page, "running").getAttribute("aria-label");
  });
  log(`status: ${running}`);

  const problem = await step("the Problems panel lists the FL001 diagnostic", async () => {
    await page.keyboard.press("Control+Shift+M");
    const row = page.locator(".markers-panel .monaco-list-row", { hasText: "FL001" }).first();
    await row.waitFor();
    return oneLine(await row.innerText());
  });
  log(`problem: ${problem}`);
  if (!problem.includes("pydantic")) {
    throw new Error(`the Problems panel's FL001 row does not name pydantic: ${problem}`);
  }

  const hover = await step("hovering the requirement shows fletlint's hover", async () => {
    const text = page.locator(".monaco-editor .view-line span", { hasText: "pydantic" }).first();
    await text.hover({ position: { x: 12, y: 5 } });
    const widget = page.locator(".monaco-hover", { hasText: "android_24_arm64_v8a" }).first();
    await widget.waitFor({ state: "visible" });
    return oneLine(await widget.innerText());
  });
  log(`hover: ${hover.slice(0, 300)}`);
  const hoverShot = options.screenshot.replace(/\.png$/, "-hover.png");
  await page.screenshot({ path: hoverShot });
  log(`screenshot: ${hoverShot}`);
  await page.mouse.move(5, 5);
  await page.keyboard.press("Escape");

  const title = await step("the quick fix pins a release with phone wheels", async () => {
    await page.locator(".monaco-editor .view-line span", { hasText: "pydantic" }).first().click();
    await page.keyboard.press("Control+.");
    await page.locator(".action-widget .monaco-list-row", { hasText: "pin pydantic" }).first().waitFor();
    // The widget is driven from the keyboard, as Ctrl+. users do (a pointer block covers it).
    const focused = page.locator(".action-widget .monaco-list-row.focused");
    let current = "";
    for (let moves = 0; moves < 20; moves++) {
      current = oneLine(await focused.innerText());
      if (current.includes("pin pydantic")) {
        break;
      }
      await page.keyboard.press("ArrowDown");
    }
    if (!current.includes("pin pydantic")) {
      throw new Error(`no "pin pydantic" action to select; last focused: ${current}`);
    }
    await page.keyboard.press("Enter");
    await page.locator(".monaco-editor .view-lines", { hasText: "pydantic==2.11.7" }).waitFor();
    return current;
  });
  log(`quick fix: ${title}`);

  await step("save the file", async () => {
    await page.keyboard.press("Control+S");
    await page.locator(".tab.active.dirty").waitFor({ state: "detached" });
  });

  await step("the fixed file's FL001 diagnostic goes away", async () => {
    await page.locator(".markers-panel .monaco-list-row", { hasText: "FL001" }).first().waitFor({ state: "detached" });
  });
}

async function recover(page) {
  await openWorkspace(page);
  const failed = await step("a server command that exits at once: failed status, a notification with its words", async () => {
    await status(page, "failed").waitFor();
    return oneLine(await (await toast(page, "not installed yet")).innerText());
  });
  log(`notification: ${failed}`);
  const noise = await page.locator(".notification-toast", { hasText: "couldn't create connection" }).count();
  if (noise > 0) {
    throw new Error("the language client's own \"couldn't create connection\" pop-up came too");
  }

  await step("fletlint installed, then the Restart command: the server runs", async () => {
    writeFileSync(options.shim, `#!/bin/sh\nexec "${options.fletlint}" "$@"\n`, { mode: 0o755 });
    await runCommand(page, "fletlint: Restart Server");
    await status(page, "running").waitFor();
  });

  const missing = await step("an interpreter without fletlint: a notification names it", async () => {
    writeFileSync(options.settings, JSON.stringify({ "fletlint.interpreter": options.bareInterpreter }));
    await status(page, "failed").waitFor();
    const found = await toast(page, `fletlint is not installed in ${options.bareInterpreter}`);
    await found.locator(".monaco-button", { hasText: "Install fletlint" }).waitFor();
    await found.locator(".monaco-button", { hasText: "Open Docs" }).waitFor();
    return oneLine(await found.innerText());
  });
  log(`notification: ${missing}`);

  await step("the setting cleared: the server starts from PATH and checks the file", async () => {
    writeFileSync(options.settings, "{}");
    await status(page, "running").waitFor();
    await page.keyboard.press("Control+Shift+M");
    await page.locator(".markers-panel .monaco-list-row", { hasText: "FL001" }).first().waitFor();
  });
}

const scenarios = { fix, recover };
const context = await chromium.launchPersistentContext(options.profile, {
  executablePath: "/usr/bin/chromium",
  headless: true,
  viewport: { width: 1440, height: 900 },
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
const page = context.pages()[0] ?? (await context.newPage());
page.setDefaultTimeout(STEP_TIMEOUT);
let failure;
try {
  await scenarios[options.scenario](page);
} catch (error) {
  failure = error;
} finally {
  await page.screenshot({ path: options.screenshot }).catch(() => {});
  log(`screenshot: ${options.screenshot}`);
  await context.close();
}
if (failure !== undefined) {
  console.error(`[e2e] FAILED ${failure.message}`);
  process.exit(1);
}
log("all steps passed");
