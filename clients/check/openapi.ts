// Validates live responses against the OpenAPI document with Ajv: OpenAPI 3.1 schemas are JSON
// Schema 2020-12, so the document itself is added to Ajv and each response schema is compiled as
// a $ref into it (its `#/components/...` references resolve in place).
import Ajv2020 from "ajv/dist/2020.js";
import type { ErrorObject, ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import type { Report } from "./report";

export type Json = { [key: string]: unknown };
const DOC_ID = "https://byline.invalid/openapi.json";
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

export function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}

function at(doc: Json, pointer: string): unknown {
  let node: unknown = doc;
  for (const raw of pointer.split("/").slice(1)) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    node = isObject(node) ? node[key] : Array.isArray(node) ? node[Number(key)] : undefined;
  }
  return node;
}

/** An object of the document and its JSON pointer, following a local `$ref`. */
function deref(doc: Json, value: unknown, pointer: string): [Json, string] | undefined {
  let node = value;
  let where = pointer;
  for (let hops = 0; isObject(node) && typeof node.$ref === "string" && hops < 10; hops++) {
    if (!node.$ref.startsWith("#/")) return undefined;
    where = node.$ref.slice(1);
    node = at(doc, where);
  }
  return isObject(node) ? [node, where] : undefined;
}

const SUBSCHEMA_MAPS = ["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"];
const SUBSCHEMA_LISTS = ["allOf", "anyOf", "oneOf", "prefixItems"];
const SUBSCHEMAS = [
  "items",
  "additionalProperties",
  "unevaluatedProperties",
  "not",
  "if",
  "then",
  "else",
  "contains",
  "propertyNames",
  "unevaluatedItems",
];

/** Calls `visit` on `schema` and every schema inside it, children first. */
function eachSchema(schema: unknown, visit: (schema: Json) => void): void {
  if (!isObject(schema)) return;
  for (const key of SUBSCHEMA_MAPS) {
    const map = schema[key];
    if (isObject(map)) Object.values(map).forEach((s) => eachSchema(s, visit));
  }
  for (const key of SUBSCHEMA_LISTS) {
    const list = schema[key];
    if (Array.isArray(list)) list.forEach((s) => eachSchema(s, visit));
  }
  for (const key of SUBSCHEMAS) eachSchema(schema[key], visit);
  visit(schema);
}

/** Every schema object the document holds: components, parameters, bodies, headers. */
function documentSchemas(doc: Json): unknown[] {
  const found: unknown[] = [];
  const components = isObject(doc.components) ? doc.components : {};
  if (isObject(components.schemas)) found.push(...Object.values(components.schemas));
  const fromMedia = (content: unknown): void => {
    if (isObject(content)) Object.values(content).forEach((m) => isObject(m) && found.push(m.schema));
  };
  const fromHeaders = (headers: unknown): void => {
    if (isObject(headers)) Object.values(headers).forEach((h) => isObject(h) && found.push(h.schema));
  };
  for (const kind of ["responses", "requestBodies"]) {
    const map = components[kind];
    if (isObject(map)) Object.values(map).forEach((r) => isObject(r) && (fromMedia(r.content), fromHeaders(r.headers)));
  }
  for (const kind of ["parameters", "headers"]) {
    const map = components[kind];
    if (isObject(map)) Object.values(map).forEach((p) => isObject(p) && found.push(p.schema));
  }
  const paths = isObject(doc.paths) ? doc.paths : {};
  for (const item of Object.values(paths)) {
    if (!isObject(item)) continue;
    for (const [method, op] of Object.entries(item)) {
      if (method === "parameters" && Array.isArray(op)) op.forEach((p) => isObject(p) && found.push(p.schema));
      if (!isObject(op) || !METHODS.includes(method)) continue;
      if (Array.isArray(op.parameters)) op.parameters.forEach((p) => isObject(p) && found.push(p.schema));
      if (isObject(op.requestBody)) fromMedia(op.requestBody.content);
      if (isObject(op.responses)) {
        Object.values(op.responses).forEach((r) => isObject(r) && (fromMedia(r.content), fromHeaders(r.headers)));
      }
    }
  }
  return found;
}

/** OpenAPI 3.0's `nullable` in 3.1 (JSON Schema) terms. Only so that a 3.0 document can still be
 * crawled (its version is a violation of its own); a 3.1 document has no `nullable`. */
function nullableTo31(schema: Json): void {
  if (!("nullable" in schema)) return;
  const nullable = schema.nullable === true;
  delete schema.nullable;
  if (!nullable) return;
  if (typeof schema.type === "string") {
    schema.type = [schema.type, "null"];
    if (Array.isArray(schema.enum)) schema.enum = [...schema.enum, null];
  } else {
    const inner: Json = { ...schema };
    for (const key of Object.keys(schema)) delete schema[key];
    schema.anyOf = [inner, { type: "null" }];
  }
}

/** Object schemas that leave additional properties open are closed: a property the server sends
 * must be declared, or typed clients cannot read it without a cast. (unevaluatedProperties, so
 * that properties declared through allOf/anyOf/oneOf count.) */
function close(schema: Json): void {
  if (isObject(schema.properties) && !("additionalProperties" in schema) && !("unevaluatedProperties" in schema)) {
    schema.unevaluatedProperties = false;
  }
}

function extensionKeywords(value: unknown, found: Set<string>): void {
  if (Array.isArray(value)) value.forEach((v) => extensionKeywords(v, found));
  if (!isObject(value)) return;
  for (const [key, inner] of Object.entries(value)) {
    if (key.startsWith("x-")) found.add(key);
    extensionKeywords(inner, found);
  }
}

interface Operation {
  method: string;
  template: string;
  pointer: string;
  regex: RegExp;
  literalLength: number;
  op: Json;
}

export interface Observed {
  method: string;
  url: string;
  status: number;
  headers: Headers;
  body: string;
}

function formatErrors(errors: ErrorObject[] | null | undefined, body: unknown): string {
  const lines = (errors ?? []).slice(0, 12).map((e) => {
    const value = e.instancePath ? JSON.stringify(at({ body }, `/body${e.instancePath}`))?.slice(0, 80) : "";
    const params = JSON.stringify(e.params);
    return `${e.instancePath || "(body)"} ${e.message} ${params}${value ? ` (value: ${value})` : ""} [${e.schemaPath}]`;
  });
  const more = (errors?.length ?? 0) > 12 ? [`... and ${(errors?.length ?? 0) - 12} more`] : [];
  return [...lines, ...more].join("\n");
}

export class ResponseValidator {
  readonly operations: Operation[] = [];
  readonly crawled = new Set<string>();
  private readonly ajv: Ajv2020;
  private readonly compiled = new Map<string, ValidateFunction | string>();
  private readonly doc: Json;

  constructor(original: Json, private readonly report: Report) {
    const doc: Json = structuredClone(original);
    this.doc = doc;
    const version = String(doc.openapi ?? "");
    const legacy = version.startsWith("3.0");
    for (const schema of documentSchemas(doc)) {
      eachSchema(schema, (s) => {
        close(s);
        if (legacy) nullableTo31(s);
      });
    }
    doc.$id = DOC_ID;
    this.ajv = new Ajv2020({
      strict: true,
      strictTypes: false,
      strictTuples: false,
      strictRequired: false,
      allErrors: true,
      validateSchema: false,
    });
    addFormats(this.ajv);
    // OpenAPI's own words: the document's top level (Ajv compiles the document's root when a
    // $ref points into it) and the annotations a Schema Object may carry.
    const keywords = new Set([
      ...["openapi", "info", "jsonSchemaDialect", "servers", "paths", "webhooks", "components", "security", "tags"],
      ...["example", "xml", "externalDocs", "discriminator"],
    ]);
    extensionKeywords(doc, keywords);
    this.ajv.addVocabulary([...keywords]);
    this.ajv.addSchema(doc, DOC_ID);

    const paths = isObject(doc.paths) ? doc.paths : {};
    for (const [template, item] of Object.entries(paths)) {
      if (!isObject(item)) continue;
      for (const method of METHODS) {
        const op = item[method];
        if (!isObject(op)) continue;
        const source = template
          .split(/\{[^}]+\}/)
          .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, "\\$&"))
          .join("([^/]+)");
        this.operations.push({
          method: method.toUpperCase(),
          template,
          pointer: `/paths/${escapePointer(template)}/${method}`,
          regex: new RegExp(`^${source}$`),
          literalLength: template.replace(/\{[^}]+\}/g, "").length,
          op,
        });
      }
    }
  }

  /** The document's operation for a request (the most literal template wins). */
  find(method: string, pathname: string): Operation | undefined {
    return this.operations
      .filter((o) => o.method === method.toUpperCase() && o.regex.test(pathname))
      .sort((a, b) => b.literalLength - a.literalLength)[0];
  }

  private validator(pointer: string): ValidateFunction | string {
    let found = this.compiled.get(pointer);
    if (found === undefined) {
      try {
        found = this.ajv.compile({ $ref: `${DOC_ID}#${pointer}` });
      } catch (error) {
        found = error instanceof Error ? error.message : String(error);
      }
      this.compiled.set(pointer, found);
    }
    return found;
  }

  /** Check one response; every violation goes to the report. */
  check(seen: Observed, report: Report = this.report): void {
    report.counts.rest += 1;
    const url = new URL(seen.url);
    const where = `${seen.method} ${url.pathname}${url.search} -> ${seen.status}`;
    const add = (detail: string): void => report.add("REST responses", where, detail);
    const operation = this.find(seen.method, url.pathname);
    if (!operation) {
      add("no operation in the document matches this method and path");
      return;
    }
    this.crawled.add(`${operation.method} ${operation.template}`);
    const responses = isObject(operation.op.responses) ? operation.op.responses : {};
    const status = String(seen.status);
    const key = [status, `${status[0]}XX`, "default"].find((k) => k in responses);
    if (key === undefined) {
      add(`status ${status} is not declared for ${operation.method} ${operation.template} (declared: ${Object.keys(responses).join(", ")})`);
      return;
    }
    const resolved = deref(this.doc, responses[key], `${operation.pointer}/responses/${escapePointer(key)}`);
    if (!resolved) {
      add(`response ${key} cannot be resolved in the document`);
      return;
    }
    const [response, responsePointer] = resolved;

    const headers = isObject(response.headers) ? response.headers : {};
    for (const [name, declared] of Object.entries(headers)) {
      const header = deref(this.doc, declared, `${responsePointer}/headers/${escapePointer(name)}`);
      if (!header) continue;
      const value = seen.headers.get(name);
      if (value === null) {
        if (header[0].required === true) add(`required response header ${name} is missing`);
        continue;
      }
      if (!isObject(header[0].schema)) continue;
      const validate = this.validator(`${header[1]}/schema`);
      const typed = /^-?[0-9]+$/.test(value) && ["integer", "number"].includes(String(header[0].schema.type)) ? Number(value) : value;
      if (typeof validate === "string") add(`Ajv cannot compile the ${name} header's schema: ${validate}`);
      else if (!validate(typed)) add(`header ${name}: ${value}\n${formatErrors(validate.errors, typed)}`);
    }

    const content = isObject(response.content) ? response.content : {};
    const empty = seen.body.length === 0;
    if (seen.status === 204 || seen.status === 304 || seen.method === "HEAD") {
      if (!empty) add(`a ${status} with a body`);
      return;
    }
    const contentType = (seen.headers.get("Content-Type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
    if (Object.keys(content).length === 0) {
      if (!empty) add(`a body (${contentType}) where the document declares none`);
      return;
    }
    if (!(contentType in content)) {
      add(`Content-Type ${contentType || "(none)"} is not declared (declared: ${Object.keys(content).join(", ")})`);
      return;
    }
    const media = content[contentType];
    if (!isObject(media) || !("schema" in media)) return;
    let body: unknown;
    try {
      body = JSON.parse(seen.body);
    } catch {
      add(`the ${contentType} body is not JSON: ${seen.body.slice(0, 200)}`);
      return;
    }
    const validate = this.validator(`${responsePointer}/content/${escapePointer(contentType)}/schema`);
    if (typeof validate === "string") {
      add(`Ajv cannot compile the response schema: ${validate}`);
    } else if (!validate(body)) {
      add(formatErrors(validate.errors, body));
    }
  }

  /** A fetch for openapi-fetch (and the crawl) that checks every response it returns. */
  fetch = async (input: Request): Promise<Response> => {
    const response = await fetch(input, { redirect: "manual" });
    const body = await response.clone().text();
    this.check({ method: input.method, url: input.url, status: response.status, headers: response.headers, body });
    return response;
  };
}
