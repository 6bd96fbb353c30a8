// A real Byline for the check: a throwaway SQLite database in a temporary directory, the demo
// content, local logins and API tokens, served by gunicorn on a free loopback port, and stopped
// (and the directory removed) whatever happens.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isObject } from "./openapi";

// The settings closest to production that install devtools (seed_demo): DEBUG off, the
// production middleware and checks, PUBLIC_API_URL from the environment. (config.settings.test
// pins PUBLIC_API_URL to another host; local runs with DEBUG on.)
const SETTINGS = "config.settings.bench";

export interface Tokens {
  /** The editor with every content and moderation scope. */
  editor: string;
  /** The editor narrowed to content:read: refused (403) on writes and moderation. */
  reader: string;
  /** The editor with content:write and content:publish but not content:preview: writes answer
   * only what may be shown without reading unpublished work. */
  writer: string;
}

export interface Server {
  base: string;
  tokens: Tokens;
  stop(): Promise<void>;
}

export function run(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

async function runOrThrow(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<string> {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    throw new Error(`${args.join(" ")} failed (${result.code}):\n${result.stdout}${result.stderr}`);
  }
  return result.stdout;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

async function waitUntilReady(base: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}):\n${log()}`);
    try {
      const response = await fetch(`${base}/readyz/`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the server did not answer /readyz/ within 30 s:\n${log()}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    child.once("exit", () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

function readTokens(value: unknown): Tokens {
  const token = (name: string): string => {
    const found = isObject(value) ? value[name] : undefined;
    if (typeof found !== "string" || !found.startsWith("byl_")) throw new Error(`prepare_database.py printed no ${name} token`);
    return found;
  };
  return { editor: token("editor"), reader: token("reader"), writer: token("writer") };
}

/** Set up the database and start the server; `stop()` (also run on exit and on signals) stops
 * it and removes the temporary directory. */
export async function startServer(root: string, step: (what: string) => void): Promise<Server> {
  const dir = mkdtempSync(join(tmpdir(), "byline-clients-"));
  const python = join(root, ".venv", "bin", "python");
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DJANGO_SETTINGS_MODULE: SETTINGS,
    DATABASE_URL: `sqlite:///${join(dir, "db.sqlite3")}`,
    MEDIA_ROOT: join(dir, "media"),
    REDIS_URL: "", // one process, its local-memory cache: rate limits count in one place
    PUBLIC_API_URL: base,
    GRAPHQL_INTROSPECTION: "true", // the check compares the live schema with schema.graphql
    PYTHONDONTWRITEBYTECODE: "1",
  };
  let child: ChildProcess | undefined;
  let stopped = false;
  const cleanup = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (child) await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  };
  const onExit = (): void => {
    // Synchronous last resort (process.exit, an uncaught error): no waiting here.
    if (child && child.exitCode === null) child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    void cleanup().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  };
  process.once("exit", onExit);
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  try {
    step("database: migrate, seed_demo, create_local_logins, create_api_token (prepare_database.py)");
    const prepared: unknown = JSON.parse(
      await runOrThrow(python, [join(root, "clients", "prepare_database.py")], { cwd: root, env }),
    );
    const tokens = readTokens(prepared);

    step(`server: gunicorn on ${base} (${SETTINGS})`);
    let log = "";
    child = spawn(
      join(root, ".venv", "bin", "gunicorn"),
      ["config.wsgi", "--bind", `127.0.0.1:${port}`, "--workers", "1", "--log-level", "warning"],
      { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] },
    );
    child.stdout?.on("data", (chunk: Buffer) => (log += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (log += chunk.toString()));
    await waitUntilReady(base, child, () => log);
    return { base, tokens, stop: cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
