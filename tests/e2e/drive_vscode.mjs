// Drives code-server (VS Code in the browser) with Debian's Chromium through playwright-core, as a
// user would: open requirements.txt, read the diagnostic in the Problems panel, hover the
// requirement, apply the quick fix and save. Run by tests/e2e/test_vscode.py, which prepares the
// workspace, the local indexes and code-server, and checks the file on disk afterwards.
//
// Usage: node drive_vscode.mjs <tools dir> <code-server url> <workspace> <browser profile> <screenshot>
// Prints one line per step; exits 1 with the failing step's reason (a screenshot is kept either way).
import { createRequire } from "node:module";
import path from "node:path";

const [toolsDir, url, workspace, profileDir, screenshot] = process.argv.slice(2);
const { chromium } = createRequire(path.join(toolsDir, "package.json"))("playwright-core");

const STEP_TIMEOUT = 90_000; // a first check resolves six targets, and code-server starts cold
const log = (message) => console.log(`[e2e] ${message}`);

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

const context = await chromium.launchPersistentContext(profileDir, {
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
  await step("open the workspace", async () => {
    await page.goto(`${url}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator(".monaco-workbench").waitFor();
    await page.locator(".explorer-folders-view").waitFor();
  });

  await step("open requirements.txt", async () => {
    await page.locator(".explorer-folders-view .monaco-list-row", { hasText: "requirements.txt" }).click();
    await page.locator(".monaco-editor .view-lines", { hasText: "pydantic==2.12.5" }).waitFor();
  });

  const status = await step("the status bar shows the server running", async () => {
    const item = page.locator('.statusbar-item[aria-label^="fletlint running"]');
    await item.waitFor();
    return item.getAttribute("aria-label");
  });
  log(`status: ${status}`);

  const problem = await step("the Problems panel lists the FL001 diagnostic", async () => {
    await page.keyboard.press("Control+Shift+M");
    const row = page.locator(".markers-panel .monaco-list-row", { hasText: "FL001" }).first();
    await row.waitFor();
    return (await row.innerText()).replace(/\s+/g, " ");
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
    return (await widget.innerText()).replace(/\s+/g, " ");
  });
  log(`hover: ${hover.slice(0, 300)}`);
  const hoverShot = screenshot.replace(/\.png$/, "-hover.png");
  await page.screenshot({ path: hoverShot });
  log(`screenshot: ${hoverShot}`);
  await page.mouse.move(5, 5);
  await page.keyboard.press("Escape");

  const fix = await step("the quick fix pins a release with phone wheels", async () => {
    await page.locator(".monaco-editor .view-line span", { hasText: "pydantic" }).first().click();
    await page.keyboard.press("Control+.");
    await page.locator(".action-widget .monaco-list-row", { hasText: "pin pydantic" }).first().waitFor();
    // The widget is driven from the keyboard, as Ctrl+. users do (a pointer block covers it).
    const focused = page.locator(".action-widget .monaco-list-row.focused");
    let title = "";
    for (let moves = 0; moves < 20; moves++) {
      title = (await focused.innerText()).replace(/\s+/g, " ");
      if (title.includes("pin pydantic")) {
        break;
      }
      await page.keyboard.press("ArrowDown");
    }
    if (!title.includes("pin pydantic")) {
      throw new Error(`no "pin pydantic" action to select; last focused: ${title}`);
    }
    await page.keyboard.press("Enter");
    await page.locator(".monaco-editor .view-lines", { hasText: "pydantic==2.11.7" }).waitFor();
    return title;
  });
  log(`quick fix: ${fix}`);

  await step("save the file", async () => {
    await page.keyboard.press("Control+S");
    await page.locator(".tab.active.dirty").waitFor({ state: "detached" });
  });

  await step("the fixed file's FL001 diagnostic goes away", async () => {
    await page.locator(".markers-panel .monaco-list-row", { hasText: "FL001" }).first().waitFor({ state: "detached" });
  });
} catch (error) {
  failure = error;
} finally {
  await page.screenshot({ path: screenshot }).catch(() => {});
  log(`screenshot: ${screenshot}`);
  await context.close();
}
if (failure !== undefined) {
  console.error(`[e2e] FAILED ${failure.message}`);
  process.exit(1);
}
log("all steps passed");
