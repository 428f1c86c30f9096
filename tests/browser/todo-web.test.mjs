// The Todo.Web sample as a person uses it: a real Chromium (Debian's, driven by playwright-core) against
// the real Todo server (published, on 127.0.0.1 with a SQLite file). The server is killed and restarted
// mid-test; the page must keep working offline, survive a reload, converge, and update live.
//
//   TODO_SERVER_DIR=artifacts/todo-server node --test tests/browser/   (tests/browser/run does it all)
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";

const serverDir = path.resolve(process.env.TODO_SERVER_DIR ?? "artifacts/todo-server");
const screenshotDir = path.resolve(process.env.SCREENSHOT_DIR ?? "artifacts/browser");
const chromiumPath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const timeout = 30_000;

let work, port, url, server, browser;

before(async () => {
  work = mkdtempSync(path.join(tmpdir(), "viewsync-browser-"));
  port = await freePort();
  url = `http://127.0.0.1:${port}/`;
  server = await startServer();
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    // Closed network here: nothing of Chromium's own may try to reach out.
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
});

after(async () => {
  await browser?.close();
  await stopServer(server);
  rmSync(work, { recursive: true, force: true });
});

test("add, toggle, rename, delete and filter; a second tab; offline with a reload; converge; live to a second browser", async () => {
  const first = await open("first");
  await first.goto(url);
  await until(first, "the first page is online", () => text("connection") === "online");
  // It signed in as the demo user (a bearer token for HTTP, an HttpOnly cookie for the live WebSocket).
  assert.equal(await first.evaluate(() => text("user")), "alice");
  // The service worker has cached the app once it is ready: from then on the page starts offline too.
  await first.evaluate(async () => { await navigator.serviceWorker.ready; });

  // A second tab of the same browser shares localStorage: it says the app is open elsewhere, and the
  // first tab keeps working.
  const tab = await first.context().newPage();
  await tab.goto(url);
  await tab.locator("[data-testid=open-elsewhere]").waitFor();
  await tab.close();

  for (const title of ["Buy milk", "Walk the dog", "Call mum"]) {
    await add(first, title);
  }
  await row(first, "Call mum").locator("[data-testid=delete]").click();
  await row(first, "Buy milk").locator("[data-testid=toggle]").click();
  await until(first, "three edits reach the server", () => text("pending") === "0 pending" && titles().length === 2);
  await first.locator("[data-testid=filter-completed]").click();
  assert.deepEqual(await list(first), [{ title: "Buy milk", done: true }]);
  await first.locator("[data-testid=filter-active]").click();
  assert.deepEqual(await list(first), [{ title: "Walk the dog", done: false }]);
  await first.locator("[data-testid=filter-all]").click();

  // The server goes away; the page keeps working and says so.
  await stopServer(server);
  await add(first, "Bake bread");
  await row(first, "Buy milk").locator("[data-testid=toggle]").click();
  await until(first, "the page shows it is offline with 2 pending", () => text("connection") === "offline" && text("pending") === "2 pending");
  const offline = [
    { title: "Buy milk", done: false },
    { title: "Walk the dog", done: false },
    { title: "Bake bread", done: false },
  ];
  assert.deepEqual(await list(first), offline);

  // A reload with the server still down: the app comes from the service worker, the data from localStorage.
  await first.reload();
  await until(first, "the reloaded page shows its local state", () => titles().length === 3 && text("pending") === "2 pending");
  assert.deepEqual(await list(first), offline);
  await until(first, "the reloaded page finds the server still down", () => text("connection") === "offline");

  // The server comes back on the same port and database, with a new development key: the page's token
  // is refused once, it signs in again, the queue drains and the page converges.
  server = await startServer();
  await until(first, "the page is back online with nothing pending", () => text("connection") === "online" && text("pending") === "0 pending");
  assert.deepEqual(await list(first), offline);

  // A second page, with storage of its own (another device), sees the same list.
  const second = await open("second");
  await second.goto(url);
  await until(second, "the second page has the list", () => titles().length === 3 && text("pending") === "0 pending");
  assert.deepEqual(await list(second), offline);

  // An edit on the second page reaches the first through the live connection, with no reload. The
  // first page polls only every 50 s while live is up, so a few seconds is proof enough.
  await row(second, "Walk the dog").locator("[data-testid=title]").dblclick();
  await second.locator("[data-testid=edit]").fill("Walk the dog twice");
  await second.locator("[data-testid=edit]").press("Enter");
  await row(second, "Bake bread").locator("[data-testid=toggle]").click();
  await until(first, "the first page shows the second page's edits", () =>
    titles().includes("Walk the dog twice") && document.querySelector("[data-testid=todo].completed")?.textContent.includes("Bake bread"),
    5_000);
  assert.deepEqual(await list(first), [
    { title: "Buy milk", done: false },
    { title: "Walk the dog twice", done: false },
    { title: "Bake bread", done: true },
  ]);

  // Another user (?user=bob) has a scope of his own: none of alice's todos.
  const bob = await open("bob");
  await bob.goto(url + "?user=bob");
  await until(bob, "bob's page is online", () => text("connection") === "online" && text("user") === "bob");
  assert.deepEqual(await list(bob), []);

  mkdirSync(screenshotDir, { recursive: true });
  await first.screenshot({ path: path.join(screenshotDir, "todo-web.png"), fullPage: true });
});

// --- the page -------------------------------------------------------------------------------------

/** A page in a fresh context (storage of its own), whose errors and warnings show in the test output. */
async function open(name) {
  const page = await (await browser.newContext()).newPage();
  page.setDefaultTimeout(timeout);
  await page.addInitScript(() => {
    globalThis.text = (id) => document.querySelector(`[data-testid=${id}]`)?.textContent.trim();
    globalThis.titles = () => [...document.querySelectorAll("[data-testid=title]")].map((e) => e.textContent);
  });
  // Refused connections are the point while the server is down; anything else is worth seeing.
  const expected = /ERR_CONNECTION_REFUSED|WebSocket/;
  page.on("console", (m) => {
    if ((m.type() === "error" || m.type() === "warning") && !expected.test(m.text())) {
      console.error(`[${name} page ${m.type()}] ${m.text()}`);
    }
  });
  page.on("pageerror", (e) => console.error(`[${name} page error] ${e.message}`));
  return page;
}

async function add(page, title) {
  await page.locator("[data-testid=new-todo]").fill(title);
  await page.locator("[data-testid=new-todo]").press("Enter");
  await until(page, `'${title}' is listed`, (t) => titles().includes(t), timeout, title);
}

function row(page, title) {
  return page.locator("[data-testid=todo]", { has: page.locator("[data-testid=title]", { hasText: title }) });
}

function list(page) {
  return page.evaluate(() => [...document.querySelectorAll("[data-testid=todo]")].map((li) => ({
    title: li.querySelector("[data-testid=title]").textContent,
    done: li.classList.contains("completed"),
  })));
}

/** Waits until `condition` holds; it runs in the page, where `text(testId)` and `titles()` are defined. */
async function until(page, what, condition, ms = timeout, arg = null) {
  try {
    await page.waitForFunction(condition, arg, { timeout: ms, polling: 50 });
  } catch (e) {
    const status = await page.evaluate(() => text("status")).catch(() => "?");
    throw new Error(`Timed out after ${ms} ms waiting until ${what} (status: ${status}; list: ${JSON.stringify(await list(page).catch(() => "?"))})`, { cause: e });
  }
}

// --- the server -----------------------------------------------------------------------------------

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    }).on("error", reject);
  });
}

function startServer() {
  return new Promise((resolve, reject) => {
    const child = spawn("dotnet", ["Todo.Server.dll", "--urls", url, "--db", path.join(work, "todo.db")], {
      cwd: serverDir,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const timer = setTimeout(() => reject(new Error(`The server did not start within ${timeout} ms:\n${output}`)), timeout);
    const onData = (data) => {
      output += data;
      if (output.includes("listening on")) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`The server exited with ${code}:\n${output}`));
    });
  });
}

async function stopServer(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");   // as a crash would: nothing gets to shut down cleanly
  await exited;
}
