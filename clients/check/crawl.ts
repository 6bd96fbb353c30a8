// The crawl: every REST operation in the document, anonymously and with tokens, with and without
// `fields`, and the refusals each can answer; every response is validated against the document
// (ResponseValidator) and its status compared with what this request must get.
import type { Tokens } from "./server";
import { isObject } from "./openapi";
import type { Json, ResponseValidator } from "./openapi";
import type { Report } from "./report";

/** The paths as the document is to spell them: no trailing slash, `{slug}` throughout. */
type Key =
  | "/api/v1/articles"
  | "/api/v1/articles/popular"
  | "/api/v1/articles/{slug}"
  | "/api/v1/articles/{slug}/comments"
  | "/api/v1/articles/{slug}/views"
  | "/api/v1/articles/{slug}/publish"
  | "/api/v1/articles/{slug}/unpublish"
  | "/api/v1/articles/{slug}/corrections"
  | "/api/v1/articles/{slug}/corrections/{id}"
  | "/api/v1/articles/{slug}/revisions"
  | "/api/v1/articles/{slug}/revisions/{number}"
  | "/api/v1/articles/{slug}/revisions/{number}/restore"
  | "/api/v1/authors"
  | "/api/v1/authors/{slug}"
  | "/api/v1/sections"
  | "/api/v1/sections/{slug}"
  | "/api/v1/tags"
  | "/api/v1/tags/{slug}"
  | "/api/v1/comments"
  | "/api/v1/comments/{id}"
  | "/api/v1/trash"
  | "/api/v1/trash/{id}"
  | "/api/v1/trash/{id}/restore";

interface Call {
  method?: string;
  path: Key;
  params?: string[];
  query?: Record<string, string>;
  token?: string;
  headers?: Record<string, string>;
  body?: unknown;
  rawBody?: string;
  /** The status this request must get (any of them, for a list). */
  expect: number | number[];
}

interface Answer {
  status: number;
  etag: string | null;
  json: unknown;
}

const shape = (path: string): string => path.replace(/\/$/, "").replace(/\{[^}]+\}/g, "{}");
const names = (path: string): string[] => [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? "");

export class Crawl {
  private readonly templates = new Map<string, string>();
  private readonly slashChecked = new Set<string>();
  readonly etags = new Map<string, string>();

  constructor(
    private readonly base: string,
    private readonly validator: ResponseValidator,
    private readonly report: Report,
  ) {
    const paths = new Set(validator.operations.map((o) => o.template));
    for (const template of paths) this.templates.set(shape(template), template);
  }

  /** The document's template for a path, and the consistency of its spelling. */
  private template(key: Key): string {
    const found = this.templates.get(shape(key));
    if (found === undefined) {
      this.report.add("OpenAPI document", `no path for ${key}`, "");
      this.templates.set(shape(key), key);
      return key;
    }
    if (!this.slashChecked.has(found)) {
      this.slashChecked.add(found);
      const documented = names(found);
      const expected = names(key);
      documented.forEach((name, i) => {
        if (name !== expected[i]) {
          this.report.add("OpenAPI document", `${found}`, `path parameter {${name}} where the others say {${expected[i]}}`);
        }
      });
    }
    return found;
  }

  refuse(where: string, detail: string): void {
    this.report.add("REST crawl", where, detail);
  }

  async send(call: Call): Promise<Answer> {
    const method = call.method ?? "GET";
    const template = this.template(call.path);
    let index = 0;
    const path = template.replace(/\{[^}]+\}/g, () => encodeURIComponent(call.params?.[index++] ?? ""));
    const url = new URL(path, this.base);
    for (const [name, value] of Object.entries(call.query ?? {})) url.searchParams.set(name, value);
    const headers: Record<string, string> = { Accept: "application/json", ...call.headers };
    if (call.token) headers.Authorization = `Bearer ${call.token}`;
    let body: string | undefined = call.rawBody;
    if (call.body !== undefined) {
      body = JSON.stringify(call.body);
      headers["Content-Type"] = "application/json";
    }
    const response = await this.validator.fetch(new Request(url, { method, headers, body }));
    const text = await response.text();
    const expected = Array.isArray(call.expect) ? call.expect : [call.expect];
    if (!expected.includes(response.status)) {
      const who = call.token ? "with a token" : "anonymously";
      this.report.add(
        "REST crawl",
        `${method} ${url.pathname}${url.search} ${who}`,
        `expected ${expected.join(" or ")}, got ${response.status}: ${text.slice(0, 300)}`,
      );
    }
    let json: unknown = undefined;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      // the validator has reported a body that is not JSON
    }
    return { status: response.status, etag: response.headers.get("ETag"), json };
  }

  /** A GET read: as given, then again with its ETag in If-None-Match (a 304), and once with the
   * other trailing-slash spelling (the server answers both). */
  async read(call: Call): Promise<Answer> {
    const answer = await this.send(call);
    if (answer.status === 200 && answer.etag) {
      await this.send({ ...call, headers: { ...call.headers, "If-None-Match": answer.etag }, expect: 304 });
    }
    const template = this.template(call.path);
    if (answer.status === 200 && !this.slashChecked.has(`slash ${template}`)) {
      this.slashChecked.add(`slash ${template}`);
      let index = 0;
      const path = template.replace(/\{[^}]+\}/g, () => encodeURIComponent(call.params?.[index++] ?? ""));
      const other = path.endsWith("/") ? path.slice(0, -1) : `${path}/`;
      // The same credentials as the call: only the spelling differs.
      const headers: Record<string, string> = { Accept: "application/json" };
      if (call.token) headers.Authorization = `Bearer ${call.token}`;
      const response = await fetch(new URL(other, this.base), { redirect: "manual", headers });
      await response.arrayBuffer();
      if (response.status !== 200) {
        this.report.add("REST crawl", `GET ${other}`, `the other trailing-slash spelling of ${template} answers ${response.status}, not 200`);
      }
    }
    return answer;
  }
}

function results(answer: Answer): Json[] {
  return isObject(answer.json) && Array.isArray(answer.json.results) ? answer.json.results.filter(isObject) : [];
}

function field(answer: Answer | Json | undefined, name: string): string {
  const object = answer && "status" in answer && "json" in answer ? answer.json : answer;
  const value = isObject(object) ? object[name] : undefined;
  return typeof value === "string" || typeof value === "number" ? String(value) : "";
}

const FIELDSETS = ["slug,title", "id,slug,authors,section,tags", "body_html,body_text,seo,cover_image,url", "view_count,comment_count,published_at"];

export async function crawl(crawler: Crawl, tokens: Tokens): Promise<void> {
  const { editor, reader, writer } = tokens;
  const anonymous = undefined;
  const who = [anonymous, editor];

  // Discovery: the demo content's slugs.
  const commented = results(await crawler.read({ path: "/api/v1/articles", query: { ordering: "-comment_count", page_size: "1" }, expect: 200 }))[0];
  const slug = field(commented, "slug");
  const author = field(results(await crawler.read({ path: "/api/v1/authors", expect: 200 }))[0], "slug");
  const section = field(results(await crawler.read({ path: "/api/v1/sections", expect: 200 }))[0], "slug");
  const tag = field(results(await crawler.read({ path: "/api/v1/tags", expect: 200 }))[0], "slug");

  for (const token of who) {
    // Articles: the list with every parameter, fieldsets, a page; one article; the most read.
    const lists: Record<string, string>[] = [
      {},
      ...FIELDSETS.map((fields) => ({ fields })),
      { page_size: "2", page: "2" },
      { ordering: "-view_count" },
      { ordering: "title", fields: "slug,title" },
      { tag },
      { section },
      { author },
      { featured: "true" },
      { search: "harbour" },
      { published_after: "2020-01-01T00:00:00Z", published_before: "2099-01-01T00:00:00Z" },
    ];
    for (const query of lists) await crawler.read({ path: "/api/v1/articles", query, token, expect: 200 });
    const details: Record<string, string>[] = [{}, ...FIELDSETS.map((fields) => ({ fields })), { fields: "title" }];
    for (const query of details) {
      await crawler.read({ path: "/api/v1/articles/{slug}", params: [slug], query, token, expect: 200 });
    }
    const popular: Record<string, string>[] = [{}, { days: "30", limit: "5" }, { fields: "slug,title" }];
    for (const query of popular) {
      await crawler.read({ path: "/api/v1/articles/popular", query, token, expect: 200 });
    }
    // Authors, sections, tags; the comments under an article.
    await crawler.read({ path: "/api/v1/authors", query: { page_size: "1" }, token, expect: 200 });
    await crawler.read({ path: "/api/v1/authors/{slug}", params: [author], token, expect: 200 });
    await crawler.read({ path: "/api/v1/sections", token, expect: 200 });
    await crawler.read({ path: "/api/v1/sections/{slug}", params: [section], token, expect: 200 });
    await crawler.read({ path: "/api/v1/tags", token, expect: 200 });
    await crawler.read({ path: "/api/v1/tags/{slug}", params: [tag], token, expect: 200 });
    await crawler.read({ path: "/api/v1/articles/{slug}/comments", params: [slug], token, expect: 200 });
    await crawler.read({ path: "/api/v1/articles/{slug}/comments", params: [slug], query: { page_size: "1" }, token, expect: 200 });
    await crawler.send({ method: "POST", path: "/api/v1/articles/{slug}/views", params: [slug], token, expect: 200 });
  }

  // Refusals every read can answer.
  await crawler.send({ path: "/api/v1/articles/{slug}", params: ["no-such-article"], expect: 404 });
  await crawler.send({ path: "/api/v1/authors/{slug}", params: ["no-such-author"], expect: 404 });
  await crawler.send({ path: "/api/v1/sections/{slug}", params: ["no-such-section"], expect: 404 });
  await crawler.send({ path: "/api/v1/tags/{slug}", params: ["no-such-tag"], expect: 404 });
  await crawler.send({ path: "/api/v1/articles/{slug}/comments", params: ["no-such-article"], expect: 404 });
  await crawler.send({ method: "POST", path: "/api/v1/articles/{slug}/views", params: ["no-such-article"], expect: 404 });
  await crawler.send({ path: "/api/v1/articles", query: { page: "99" }, expect: 404 });
  await crawler.send({ path: "/api/v1/articles", query: { page: "999" }, expect: 400 }); // past API_MAX_PAGE_NUMBER: follow `next`
  await crawler.send({ path: "/api/v1/articles", query: { page_size: "0" }, expect: 400 });
  await crawler.send({ path: "/api/v1/articles", query: { bogus: "1" }, expect: 400 });
  await crawler.send({ path: "/api/v1/articles", query: { fields: "nope" }, expect: 400 });
  await crawler.send({ path: "/api/v1/articles/{slug}", params: [slug], query: { fields: "password" }, expect: 400 });
  await crawler.send({ path: "/api/v1/articles/popular", query: { days: "0" }, expect: 400 });
  await crawler.send({ path: "/api/v1/authors", query: { page_size: "1000" }, expect: 400 });
  await crawler.send({ path: "/api/v1/articles", token: "byl_000000000000_not-a-real-token", expect: 401 });
  await crawler.send({ path: "/api/v1/articles", headers: { Accept: "application/xml" }, expect: 406 });

  // Moderation (comments:moderate).
  await crawler.read({ path: "/api/v1/comments", token: editor, expect: 200 });
  await crawler.read({ path: "/api/v1/comments", query: { status: "pending", article: slug }, token: editor, expect: 200 });
  await crawler.send({ path: "/api/v1/comments", query: { status: "bogus" }, token: editor, expect: 400 });
  await crawler.send({ path: "/api/v1/comments", expect: 401 });
  await crawler.send({ path: "/api/v1/comments", token: reader, expect: 403 });

  // Readers' comments: the form token from the list goes back with the comment.
  const thread = await crawler.send({ path: "/api/v1/articles/{slug}/comments", params: [slug], expect: 200 });
  const formToken = field(thread, "form_token");
  const comment = (name: string) => ({
    author_name: name,
    author_email: `${name.toLowerCase().replace(/\W+/g, ".")}@example.com`,
    body: `A comment from the crawl (${name}).`,
    form_token: formToken,
  });
  const posted = await crawler.send({ method: "POST", path: "/api/v1/articles/{slug}/comments", params: [slug], body: comment("Crawl Reader"), expect: 201 });
  await crawler.send({ method: "POST", path: "/api/v1/articles/{slug}/comments", params: [slug], token: editor, body: comment("Crawl Token"), expect: 201 });
  await crawler.send({ method: "POST", path: "/api/v1/articles/{slug}/comments", params: ["no-such-article"], body: comment("Crawl Lost"), expect: 404 });
  const id = field(posted, "id");
  await crawler.send({ method: "PATCH", path: "/api/v1/comments/{id}", params: [id], token: editor, body: { status: "approved" }, expect: 200 });
  await crawler.send({ method: "PATCH", path: "/api/v1/comments/{id}", params: [id], token: editor, body: { status: "bogus" }, expect: 400 });
  await crawler.send({ method: "PATCH", path: "/api/v1/comments/{id}", params: ["999999"], token: editor, body: { status: "approved" }, expect: 404 });
  await crawler.send({ method: "PATCH", path: "/api/v1/comments/{id}", params: [id], body: { status: "spam" }, expect: 401 });
  await crawler.send({ method: "PATCH", path: "/api/v1/comments/{id}", params: [id], token: reader, body: { status: "spam" }, expect: 403 });

  // An editor's writes: create, read back, change with If-Match, publish, unpublish, delete.
  const draft = { title: "Crawled draft", body_html: "<p>From the crawl.</p>", authors: [author] };
  await crawler.send({ method: "POST", path: "/api/v1/articles", body: draft, expect: 401 });
  await crawler.send({ method: "POST", path: "/api/v1/articles", token: reader, body: draft, expect: 403 });
  await crawler.send({ method: "POST", path: "/api/v1/articles", token: editor, body: { ...draft, title: 5 }, expect: 400 });
  await crawler.send({ method: "POST", path: "/api/v1/articles", token: editor, rawBody: "title=x", headers: { "Content-Type": "text/plain" }, expect: 415 });
  await crawler.send({ method: "POST", path: "/api/v1/articles", token: editor, body: { ...draft, body_html: "x".repeat(4 * 1024 * 1024 + 1) }, expect: 413 });
  const created = await crawler.send({ method: "POST", path: "/api/v1/articles", token: editor, body: draft, expect: 201 });
  const own = field(created, "slug");
  const read = await crawler.read({ path: "/api/v1/articles/{slug}", params: [own], token: editor, expect: 200 });
  await crawler.send({ path: "/api/v1/articles/{slug}", params: [own], expect: 404 });
  const first = read.etag ?? created.etag ?? "";
  const change = { excerpt: "Changed by the crawl." };
  await crawler.send({ method: "PATCH", path: "/api/v1/articles/{slug}", params: [own], token: editor, body: change, expect: 428 });
  await crawler.send({ method: "PATCH", path: "/api/v1/articles/{slug}", params: [own], body: change, headers: { "If-Match": first }, expect: 401 });
  await crawler.send({ method: "PATCH", path: "/api/v1/articles/{slug}", params: [own], token: editor, body: { title: "" }, headers: { "If-Match": first }, expect: 400 });
  await crawler.send({ method: "PATCH", path: "/api/v1/articles/{slug}", params: [own], token: editor, body: change, headers: { "If-Match": first }, expect: 200 });
  await crawler.send({ method: "PATCH", path: "/api/v1/articles/{slug}", params: [own], token: editor, body: change, headers: { "If-Match": first }, expect: 412 });
  await crawler.send({ method: "POST", path: "/api/v1/articles/{slug}/publish", params: [own], body: {}, expect: 401 });
  await crawler.send({ method: "POST", path: "/api/v1/articles/{slug}/publish", params: [own], token: editor, body: {}, expect: 200 });
  await crawler.send({ method: "POST", path: "/api/v1/articles/{slug}/publish", params: [own], token: editor, body: {}, expect: 409 });
  await crawler.read({ path: "/api/v1/articles/{slug}", params: [own], expect: 200 });
  // A correction note on the live article: added, shown, removed on the record.
  const fix = { kind: "correction", text: "Corrected by the crawl.", date: "2026-03-03" };
  const corrections = "/api/v1/articles/{slug}/corrections";
  await crawler.send({ method: "POST", path: corrections, params: [own], body: fix, expect: 401 });
  await crawler.send({ method: "POST", path: corrections, params: [own], token: reader, body: fix, expect: 403 });
  await crawler.send({ method: "POST", path: corrections, params: [own], token: editor, body: { ...fix, kind: "erratum" }, expect: 400 });
  const note = await crawler.send({ method: "POST", path: corrections, params: [own], token: editor, body: fix, expect: 201 });
  await crawler.read({ path: "/api/v1/articles/{slug}", params: [own], expect: 200 });
  const noteId = field(note, "id");
  const removal = "/api/v1/articles/{slug}/corrections/{id}";
  await crawler.send({ method: "DELETE", path: removal, params: [own, noteId], expect: 401 });
  await crawler.send({ method: "DELETE", path: removal, params: [own, noteId], token: editor, expect: 204 });
  await crawler.send({ method: "DELETE", path: removal, params: [own, noteId], token: editor, expect: 409 });
  await crawler.send({ method: "DELETE", path: removal, params: [own, "999999"], token: editor, expect: 404 });
  await crawler.send({ method: "POST", path: "/api/v1/articles/{slug}/unpublish", params: [own], expect: 401 });
  await crawler.send({ method: "POST", path: "/api/v1/articles/{slug}/unpublish", params: [own], token: editor, expect: 200 });
  await crawler.send({ method: "POST", path: "/api/v1/articles/{slug}/unpublish", params: [own], token: editor, expect: 409 });
  // Its revisions (content:preview to read them), and restoring the first (If-Match).
  await crawler.read({ path: "/api/v1/articles/{slug}/revisions", params: [own], token: editor, expect: 200 });
  await crawler.read({ path: "/api/v1/articles/{slug}/revisions/{number}", params: [own, "1"], token: editor, expect: 200 });
  await crawler.send({ path: "/api/v1/articles/{slug}/revisions/{number}", params: [own, "999"], token: editor, expect: 404 });
  await crawler.send({ path: "/api/v1/articles/{slug}/revisions", params: [own], expect: 401 });
  await crawler.send({ path: "/api/v1/articles/{slug}/revisions", params: [own], token: reader, expect: 404 });
  const now = await crawler.send({ path: "/api/v1/articles/{slug}", params: [own], token: editor, expect: 200 });
  const restore: Omit<Call, "expect"> = { method: "POST", path: "/api/v1/articles/{slug}/revisions/{number}/restore", params: [own, "1"] };
  await crawler.send({ ...restore, token: editor, expect: 428 });
  await crawler.send({ ...restore, headers: { "If-Match": now.etag ?? "" }, expect: 401 });
  await crawler.send({ ...restore, token: editor, headers: { "If-Match": now.etag ?? "" }, expect: 200 });
  await crawler.send({ ...restore, token: editor, headers: { "If-Match": now.etag ?? "" }, expect: 412 });
  await crawler.send({ method: "DELETE", path: "/api/v1/articles/{slug}", params: [own], expect: 401 });
  await crawler.send({ method: "DELETE", path: "/api/v1/articles/{slug}", params: [own], token: editor, expect: 204 });
  await crawler.send({ method: "DELETE", path: "/api/v1/articles/{slug}", params: [own], token: editor, expect: 404 });

  // The trash (editors, content:write): the deleted draft is there, restored, deleted again
  // and then forever.
  const ownId = field(created, "id");
  await crawler.read({ path: "/api/v1/trash", token: editor, expect: 200 });
  await crawler.read({ path: "/api/v1/trash", query: { page_size: "1" }, token: editor, expect: 200 });
  await crawler.send({ path: "/api/v1/trash", expect: 401 });
  await crawler.send({ path: "/api/v1/trash", token: reader, expect: 403 });
  await crawler.send({ path: "/api/v1/trash", query: { bogus: "1" }, token: editor, expect: 400 });
  await crawler.send({ method: "POST", path: "/api/v1/trash/{id}/restore", params: [ownId], expect: 401 });
  await crawler.send({ method: "POST", path: "/api/v1/trash/{id}/restore", params: [ownId], token: reader, expect: 403 });
  await crawler.send({ method: "POST", path: "/api/v1/trash/{id}/restore", params: [ownId], token: editor, expect: 200 });
  await crawler.send({ method: "POST", path: "/api/v1/trash/{id}/restore", params: [ownId], token: editor, expect: 404 });
  await crawler.send({ method: "DELETE", path: "/api/v1/articles/{slug}", params: [own], token: editor, expect: 204 });
  await crawler.send({ method: "DELETE", path: "/api/v1/trash/{id}", params: [ownId], expect: 401 });
  await crawler.send({ method: "DELETE", path: "/api/v1/trash/{id}", params: [ownId], token: reader, expect: 403 });
  await crawler.send({ method: "DELETE", path: "/api/v1/trash/{id}", params: [ownId], token: editor, expect: 204 });
  await crawler.send({ method: "DELETE", path: "/api/v1/trash/{id}", params: [ownId], token: editor, expect: 404 });

  // A token without content:write or content:publish, on an article it can read: 403 (a
  // draft it cannot see is a 404, which tells it nothing).
  const live = await crawler.read({ path: "/api/v1/articles/{slug}", params: [slug], token: reader, expect: 200 });
  const liveTag = live.etag ?? "";
  await crawler.send({ method: "PATCH", path: "/api/v1/articles/{slug}", params: [slug], token: reader, body: change, headers: { "If-Match": liveTag }, expect: 403 });
  await crawler.send({ method: "POST", path: "/api/v1/articles/{slug}/publish", params: [slug], token: reader, body: {}, expect: 403 });
  await crawler.send({ method: "POST", path: "/api/v1/articles/{slug}/unpublish", params: [slug], token: reader, expect: 403 });
  await crawler.send({ method: "DELETE", path: "/api/v1/articles/{slug}", params: [slug], token: reader, expect: 403 });

  // A token that may write but not preview gets the edited shape back, never the content.
  const blind = await crawler.send({ method: "POST", path: "/api/v1/articles", token: writer, body: { ...draft, title: "Written blind" }, expect: 201 });
  const blindSlug = field(blind, "slug");
  await crawler.send({ method: "POST", path: "/api/v1/articles/{slug}/publish", params: [blindSlug], token: writer, body: {}, expect: 200 });
  await crawler.send({ method: "DELETE", path: "/api/v1/articles/{slug}", params: [blindSlug], token: editor, expect: 204 });

  // Last, as it shuts this address out of commenting for a minute: the rate limit (429 with
  // Retry-After). Five comments a minute per address; some were posted above.
  await crawler.send({ method: "POST", path: "/api/v1/articles/{slug}/comments", params: [slug], body: { author_name: "No Body" }, expect: 400 });
  let limited = false;
  for (let i = 1; i <= 8 && !limited; i++) {
    const body = comment(`Flood ${i}`);
    const answer = await crawler.send({ method: "POST", path: "/api/v1/articles/{slug}/comments", params: [slug], body, expect: [201, 429] });
    limited = answer.status === 429;
  }
  if (!limited) crawler.refuse("POST /api/v1/articles/{slug}/comments", "no 429 after 8 more comments from one address");
}
