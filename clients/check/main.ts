// `make clients`: the typed-client check. Generates TypeScript clients from the live
// /api/schema/ (openapi-typescript) and from schema.graphql (graphql-codegen), compiles them and
// the README-style clients under tsc --strict, runs them and a crawl of every REST operation
// against a real server, validating every response against the document, runs Apollo Client's
// persisted-query link against it and compiles the Relay post page. Prints every violation and
// exits 1 if there is any.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Crawl, crawl } from "./crawl";
import { Normalisation, checkEntities, checkTyping, compareWithLive } from "./graphql";
import { ResponseValidator, isObject } from "./openapi";
import type { Json } from "./openapi";
import { Report } from "./report";
import { run, startServer } from "./server";

const clients = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const root = resolve(clients, "..");
const generated = join(clients, "generated");
const bin = (name: string): string => join(clients, "node_modules", ".bin", name);
const report = new Report();

/** Run a tool from clients/; a failure is a violation showing its output. */
async function tool(area: string, name: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const result = await run(bin(name), args, { cwd: clients, env: { ...process.env, ...env } });
  if (result.code !== 0) {
    const output = `${result.stdout}${result.stderr}`.replace(/\x1b\[[0-9;]*m/g, "").trim();
    report.add(area, `${name} ${args.join(" ")} (exit ${result.code})`, output.split("\n").slice(-60).join("\n"));
  }
  return result.stdout;
}

const REDOCLY_ENV = { REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true", NO_COLOR: "1" };

/** Redocly's built-in recommended rules: errors are violations, warnings are shown. */
async function lint(file: string): Promise<void> {
  const result = await run(bin("redocly"), ["lint", "--extends", "recommended", "--format", "json", "--max-problems", "1000", file], {
    cwd: clients,
    env: { ...process.env, ...REDOCLY_ENV },
  });
  let parsed: unknown;
  try {
    parsed = JSON.parse(result.stdout);
  } catch {
    report.add("OpenAPI lint (Redocly recommended)", "redocly lint", `${result.stdout}${result.stderr}`.slice(-3000));
    return;
  }
  const problems = isObject(parsed) && Array.isArray(parsed.problems) ? parsed.problems.filter(isObject) : [];
  for (const problem of problems) {
    const location = Array.isArray(problem.location) && isObject(problem.location[0]) ? String(problem.location[0].pointer ?? "") : "";
    const line = `${String(problem.ruleId)}: ${String(problem.message)} at ${decodeURIComponent(location)}`;
    if (problem.severity === "error") report.add("OpenAPI lint (Redocly recommended)", line, "");
    else console.log(`  redocly ${String(problem.severity)}: ${line}`);
  }
  if (result.code !== 0 && !problems.some((p) => p.severity === "error")) {
    report.add("OpenAPI lint (Redocly recommended)", `redocly lint (exit ${result.code})`, result.stderr.slice(-3000));
  }
}

/** tsc --strict over the clients, the documents and this check: one violation per error. */
async function typecheck(): Promise<void> {
  const area = "TypeScript (tsc --strict)";
  const result = await run(bin("tsc"), ["-p", "tsconfig.json", "--strict", "--noEmit", "--pretty", "false"], { cwd: clients });
  if (result.code === 0) return;
  const errors = result.stdout.split(/\n(?=\S)/).filter((e) => e.trim());
  for (const error of errors) {
    const match = /^(.+?)\((\d+),\d+\): error (TS\d+): ([\s\S]*)$/.exec(error.trim());
    const detail = (text: string): string => text.split("\n").map((l) => (l.length > 240 ? `${l.slice(0, 240)}…` : l)).join("\n");
    if (match) {
      const [, file = "", line = "0", code = "", message = ""] = match;
      const source = readFileSync(join(clients, file), "utf8").split("\n")[Number(line) - 1]?.trim() ?? "";
      report.add(area, `${file}:${line} ${code}`, detail(`${message}\n> ${source}`));
    }
    else report.add(area, `tsc (exit ${result.code})`, detail(error));
  }
  if (errors.length === 0) report.add(area, `tsc (exit ${result.code})`, result.stderr);
}

/** The README's "Typed clients" examples, as files the generators and tsc read like the clients
 * (generated/readme/): what the README shows must compile against what the server serves. */
function readmeExamples(): void {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const section = /^## Typed clients\n([\s\S]*?)^## /m.exec(readme)?.[1] ?? "";
  const blocks = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");
  if (blocks.length !== 2) {
    report.add("README", "Typed clients", `expected two TypeScript examples (REST, GraphQL), found ${blocks.length}`);
  }
  const [rest = "", gql = ""] = blocks;
  const dir = join(generated, "readme");
  mkdirSync(dir, { recursive: true });
  const given = "// From README.md; what the example takes as given:\ndeclare const slug: string;\n";
  writeFileSync(
    join(dir, "rest.ts"),
    `${given}declare function render(...parts: string[]): void;\n${rest.replace('"./byline"', '"../openapi"')}export {};\n`,
  );
  writeFileSync(
    join(dir, "graphql.ts"),
    `${given}import type { TypedDocumentNode } from "@graphql-typed-document-node/core";\n` +
      "declare const client: {\n  query<R, V>(document: TypedDocumentNode<R, V>, variables: V): { toPromise(): Promise<{ data?: R }> };\n};\n" +
      `${gql.replace('"./gql"', '"../graphql"')}export {};\n`,
  );
}

/** What the issue asks of the document as a whole. */
function checkDocument(doc: Json, base: string): void {
  const version = String(doc.openapi ?? "");
  if (!version.startsWith("3.1.")) {
    report.add("OpenAPI document", `openapi: ${version}`, "expected 3.1.x (its schemas are JSON Schema 2020-12, as Ajv reads them)");
  }
  const described = new Map<string, string[]>();
  const paths = isObject(doc.paths) ? doc.paths : {};
  for (const [path, item] of Object.entries(paths)) {
    if (!isObject(item)) continue;
    for (const [method, op] of Object.entries(item)) {
      if (!isObject(op) || method === "parameters") continue;
      const name = `${method.toUpperCase()} ${path}`;
      if (typeof op.description === "string" && op.description) {
        described.set(op.description, [...(described.get(op.description) ?? []), name]);
      }
      // The server bounds these; a generator can only validate (or a form offer) what is declared.
      const parameters = Array.isArray(op.parameters) ? op.parameters.filter(isObject) : [];
      for (const parameter of parameters) {
        const bounded = ["page_size", "days", "limit"].includes(String(parameter.name));
        const schema = isObject(parameter.schema) ? parameter.schema : {};
        if (bounded && (typeof schema.minimum !== "number" || typeof schema.maximum !== "number")) {
          report.add("OpenAPI document", `${name} ?${String(parameter.name)}`, "no minimum and maximum, though the server enforces both");
        }
      }
    }
  }
  for (const [description, operations] of described) {
    if (operations.length > 1) {
      report.add("OpenAPI document", `one description on ${operations.join(", ")}`, description.slice(0, 200));
    }
  }
  const servers = Array.isArray(doc.servers) ? doc.servers.filter(isObject) : [];
  if (!servers.some((s) => s.url === base)) {
    report.add("OpenAPI document", "servers", `no entry for PUBLIC_API_URL (${base}); got ${JSON.stringify(doc.servers ?? null)}`);
  }
}

/** The checks must be able to fail: a wrong body and a conflicting id are caught. */
function selfCheck(validator: ResponseValidator, base: string): void {
  const scratch = new Report();
  const list = validator.operations.find((o) => o.method === "GET" && o.template.replace(/\/$/, "") === "/api/v1/articles");
  const headers = new Headers({ "Content-Type": "application/json" });
  const body = JSON.stringify({ count: "many", results: "none" });
  if (list) validator.check({ method: "GET", url: `${base}${list.template}`, status: 200, headers, body }, scratch);
  if (scratch.violations.length === 0) {
    report.add("self-check", "REST validator", `accepted ${body} as the article list`);
  }
  const cache = new Normalisation(scratch);
  const before = scratch.violations.length;
  cache.observe("A", 200, { data: { a: { __typename: "Article", id: "X" } } });
  cache.observe("B", 200, { data: { b: { __typename: "EditedArticle", id: "X" } } });
  if (scratch.violations.length === before) report.add("self-check", "GraphQL identity", "one id as two types went unnoticed");
}

async function main(): Promise<number> {
  report.step("generated/: cleared; graphql-codegen and relay-compiler from schema.graphql");
  rmSync(generated, { recursive: true, force: true });
  mkdirSync(join(generated, "relay"), { recursive: true });
  readmeExamples();
  // These read only the committed SDL: they run while the database is prepared.
  const offline = Promise.all([
    tool("GraphQL codegen", "graphql-codegen", ["--config", "codegen.ts"]),
    tool("Relay compiler", "relay-compiler", []),
  ]);
  const server = await startServer(root, (what) => report.step(what));
  try {
    const base = server.base;
    report.step("GET /api/schema/: Redocly lint, openapi-typescript");
    const schemaResponse = await fetch(`${base}/api/schema/`, { headers: { Accept: "application/json" } });
    const text = await schemaResponse.text();
    const doc: unknown = JSON.parse(text);
    if (!isObject(doc)) throw new Error(`/api/schema/ answered ${schemaResponse.status}: ${text.slice(0, 300)}`);
    const docFile = join(generated, "openapi.json");
    writeFileSync(docFile, text);
    checkDocument(doc, base);
    await Promise.all([
      lint(docFile),
      tool("openapi-typescript", "openapi-typescript", [docFile, "--output", join(generated, "openapi.ts")], REDOCLY_ENV),
      offline,
    ]);

    report.step("GraphQL: live introspection against schema.graphql; entities and ids");
    const sdl = readFileSync(join(root, "schema.graphql"), "utf8");
    const schema = await compareWithLive(base, sdl, report);
    checkEntities(schema, report);
    checkTyping(schema, report);

    report.step("tsc --strict --noEmit (REST client, GraphQL documents, this check)");
    const compiled = typecheck();

    report.step("clients: the README-style REST and GraphQL clients against the server");
    const validator = new ResponseValidator(doc, report);
    selfCheck(validator, base);
    const rest = await import("../src/rest-client");
    const anonymous = rest.restClient(base, { fetch: validator.fetch });
    const editor = rest.restClient(base, { token: server.tokens.editor, fetch: validator.fetch });
    const attempt = async (area: string, what: string, flow: () => Promise<unknown>): Promise<void> => {
      try {
        await flow();
      } catch (error) {
        report.add(area, what, error instanceof Error ? error.message : String(error));
      }
    };
    let slug = "";
    await attempt("REST client", "reader: list, post page, comments, comment, view", async () => {
      slug = (await rest.readerFlow(anonymous)).slug;
    });
    await attempt("REST client", "editor: create, PATCH with If-Match, publish", () =>
      rest.editorFlow(editor, { title: "Typed client draft", body_html: "<p>Typed.</p>", authors: ["priya-nandakumar"] }),
    );

    const gql = await import("../src/graphql-client");
    const moderation = await import("../src/moderation");
    const cache = new Normalisation(report);
    const observe = (operation: string, status: number, body: unknown): void => cache.observe(operation, status, body);
    const reader = new gql.GraphQLClient(`${base}/graphql/`, undefined, observe);
    const editorGql = new gql.GraphQLClient(`${base}/graphql/`, server.tokens.editor, observe);
    await attempt("GraphQL client", "reader: articles, post page, submitComment, registerView", async () => {
      slug = (await gql.readerFlow(reader)).slug || slug;
    });
    await attempt("GraphQL client", "editor: post page with version, updateArticle", () => gql.editorFlow(editorGql, slug));
    await attempt("GraphQL client", "editor: the moderation queue", () => moderation.moderationQueue(editorGql));
    // Refusals: each must come back as errors (top-level or in the payload).
    const refused = new gql.GraphQLClient(`${base}/graphql/`, undefined, (operation, status, body) =>
      cache.observe(`${operation} (anonymous, must be refused)`, status, body, true),
    );
    await attempt("GraphQL client", "anonymous updateArticle", () =>
      refused.request(gql.UpdateArticleMutation, { slug, expectedVersion: 1, input: { title: "No" } }),
    );

    report.step("Apollo Client's persisted-query link: miss, registration, GET by hash, If-None-Match");
    const apollo = await import("../src/apollo-persisted");
    await attempt("Apollo persisted queries", "post page by hash over GET, registerView by POST", () =>
      apollo.persistedFlow(`${base}/graphql/`, slug),
    );

    report.step("crawl: every REST operation, anonymous and with tokens, refusals included");
    await crawl(new Crawl(base, validator, report), server.tokens);
    for (const operation of validator.operations) {
      const name = `${operation.method} ${operation.template}`;
      if (!validator.crawled.has(name)) report.add("REST crawl", name, "in the document, never answered in the crawl");
    }
    await compiled;
  } finally {
    report.step("server: stopped");
    await server.stop();
  }
  return report.print();
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    report.print();
    process.exit(2);
  },
);
