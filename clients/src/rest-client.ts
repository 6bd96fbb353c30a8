// A front-end's REST client as the README shows it: openapi-fetch over the types that
// openapi-typescript generates from the live /api/schema/. No casts, no `any`, no `!`: where the
// types would force one, the document is wrong, and `make clients` fails on it.
import createClient from "openapi-fetch";
import type { Client } from "openapi-fetch";
import type { components, paths } from "../generated/openapi";

export type Api = Client<paths>;
type AuthorRef = components["schemas"]["AuthorRef"];

export function restClient(
  baseUrl: string,
  options: { token?: string; fetch?: (input: Request) => Promise<Response> } = {},
): Api {
  const headers = options.token ? { Authorization: `Bearer ${options.token}` } : {};
  return createClient<paths>({ baseUrl, headers, fetch: options.fetch });
}

function fail(what: string, error: unknown, response: Response): never {
  throw new Error(`${what}: HTTP ${response.status} ${JSON.stringify(error)}`);
}

/** The home page: the newest articles, each as a headline and its byline. */
export async function listArticles(api: Api): Promise<{ slug: string; line: string }[]> {
  const { data, error, response } = await api.GET("/api/v1/articles", {
    params: { query: { page_size: 5 } },
  });
  if (data === undefined) return fail("list articles", error, response);
  // A list item is the summary or, with `fields`, a fieldset: the slug is checked, not assumed.
  return data.results.flatMap((item) =>
    item.slug === undefined ? [] : [{ slug: item.slug, line: `${item.title ?? item.slug} (${names(item.authors)})` }],
  );
}

function names(authors: AuthorRef[] | undefined): string {
  return (authors ?? []).map((a) => a.name).join(", ");
}

/** The post page: headline, byline, body, and "N views · M comments". */
export async function renderPostPage(api: Api, slug: string): Promise<string> {
  const { data, error, response } = await api.GET("/api/v1/articles/{slug}", {
    params: { path: { slug } },
  });
  if (data === undefined) return fail(`article ${slug}`, error, response);
  // Without `fields` the whole article comes; the type (full article or a fieldset) cannot
  // say which, so the page checks what it renders.
  const { title, authors, body_html, view_count, comment_count } = data;
  if (title === undefined || authors === undefined || body_html === undefined) {
    throw new Error(`article ${slug} came without title, authors or body`);
  }
  return [
    `# ${title}`,
    `By ${authors.map((a) => a.name).join(", ")}`,
    body_html,
    `${view_count ?? 0} views · ${comment_count ?? 0} comments`,
  ].join("\n");
}

/** The comments under the post, and the form token the comment form sends back. */
export async function readComments(
  api: Api,
  slug: string,
): Promise<{ lines: string[]; formToken: string }> {
  const { data, error, response } = await api.GET("/api/v1/articles/{slug}/comments", {
    params: { path: { slug } },
  });
  if (data === undefined) return fail(`comments of ${slug}`, error, response);
  const lines = data.results.map((c) => `${c.author_name}: ${c.body_html}`);
  return { lines, formToken: data.form_token };
}

export async function postComment(
  api: Api,
  slug: string,
  formToken: string,
  author: { name: string; email: string },
  body: string,
): Promise<{ id: number; status: string; commenterToken: string }> {
  const { data, error, response } = await api.POST("/api/v1/articles/{slug}/comments", {
    params: { path: { slug } },
    body: { author_name: author.name, author_email: author.email, body, form_token: formToken },
  });
  if (data === undefined) return fail(`comment on ${slug}`, error, response);
  return { id: data.id, status: data.status, commenterToken: data.commenter_token };
}

export async function registerView(api: Api, slug: string): Promise<number> {
  const { data, error, response } = await api.POST("/api/v1/articles/{slug}/views", {
    params: { path: { slug } },
  });
  if (data === undefined) return fail(`view of ${slug}`, error, response);
  return data.view_count;
}

/** An editor's integration (token with content:write and content:publish): create a draft,
 * change it with If-Match from the ETag of what it read, publish it. */
export async function editorFlow(
  api: Api,
  draft: { title: string; body_html: string; authors: string[] },
): Promise<{ slug: string; status: string; version: number }> {
  const created = await api.POST("/api/v1/articles", { body: draft });
  if (created.data === undefined) return fail("create", created.error, created.response);
  const slug = created.data.slug;
  const etag = created.response.headers.get("ETag");
  if (etag === null) throw new Error(`create ${slug}: no ETag to send back in If-Match`);

  const changed = await api.PATCH("/api/v1/articles/{slug}", {
    params: { path: { slug }, header: { "If-Match": etag } },
    body: { excerpt: "Written by the typed-client check." },
  });
  if (changed.data === undefined) return fail("update", changed.error, changed.response);

  const published = await api.POST("/api/v1/articles/{slug}/publish", {
    params: { path: { slug } },
    body: {},
  });
  if (published.data === undefined) return fail("publish", published.error, published.response);
  return { slug, status: published.data.status, version: published.data.version };
}

/** A reader's visit: the home page, a post with its comments, a comment, a counted view. */
export async function readerFlow(api: Api): Promise<{ slug: string; page: string }> {
  const home = await listArticles(api);
  const first = home[0];
  if (first === undefined) throw new Error("no published article to read");
  const page = await renderPostPage(api, first.slug);
  const comments = await readComments(api, first.slug);
  await postComment(
    api,
    first.slug,
    comments.formToken,
    { name: "Typed Reader", email: "typed.reader@example.com" },
    "Read through a client generated from the OpenAPI document.",
  );
  await registerView(api, first.slug);
  return { slug: first.slug, page: [page, ...comments.lines].join("\n") };
}
