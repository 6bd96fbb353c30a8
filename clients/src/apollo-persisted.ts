// Apollo Client with its persisted-query link, as a front-end would set it up to let a CDN cache
// its queries: a document's SHA-256 instead of the document, by GET. The first reader's request
// misses (PersistedQueryNotFound), the link sends the document once by POST, and from then on
// every client asks by hash alone, by GET, and gets an answer a shared cache may keep.
import { createHash } from "node:crypto";
import { ApolloClient, HttpLink, InMemoryCache } from "@apollo/client";
import { PersistedQueryLink } from "@apollo/client/link/persisted-queries";
import { PostPageQuery, RegisterViewMutation } from "./post-page";

/** One request the link made, and what came back. */
export interface Exchange {
  method: string;
  url: URL;
  sent: Record<string, unknown> | undefined;
  status: number;
  headers: Headers;
  body: unknown;
}

/** A client as the README shows it, recording its requests in `exchanges`. */
export function persistedClient(endpoint: string, exchanges: Exchange[]): ApolloClient {
  const recording: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    const url = new URL(input instanceof Request ? input.url : String(input));
    const sent: unknown = typeof init?.body === "string" ? JSON.parse(init.body) : undefined;
    exchanges.push({
      method: init?.method ?? "GET",
      url,
      sent: typeof sent === "object" && sent !== null ? (sent as Record<string, unknown>) : undefined,
      status: response.status,
      headers: response.headers,
      body: await response.clone().json(),
    });
    return response;
  };
  const persisted = new PersistedQueryLink({
    sha256: (document) => createHash("sha256").update(document).digest("hex"),
    useGETForHashedQueries: true,
  });
  return new ApolloClient({
    link: persisted.concat(new HttpLink({ uri: endpoint, fetch: recording })),
    cache: new InMemoryCache(),
  });
}

function codeOf(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null || !("errors" in body) || !Array.isArray(body.errors)) return undefined;
  const first: unknown = body.errors[0];
  if (typeof first !== "object" || first === null || !("extensions" in first)) return undefined;
  const extensions: unknown = first.extensions;
  return typeof extensions === "object" && extensions !== null && "code" in extensions ? String(extensions.code) : undefined;
}

function expect(condition: boolean, what: string, exchanges: Exchange[]): void {
  if (condition) return;
  const seen = exchanges.map((e) => `${e.method} ${e.url.search.slice(0, 160)} -> ${e.status} ${JSON.stringify(e.body).slice(0, 200)}`);
  throw new Error(`${what}\n${seen.join("\n")}`);
}

/** The operation's result, or an error listing the requests made for it. */
async function traced<T>(exchanges: Exchange[], operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    expect(false, error instanceof Error ? error.message : String(error), exchanges);
    throw error;
  }
}

/** Miss, registration, GET by hash (cacheable, revalidated with If-None-Match), and a mutation,
 * which the link never sends by GET. */
export async function persistedFlow(endpoint: string, slug: string): Promise<void> {
  const variables = { slug, comments: 3 };
  const first: Exchange[] = [];
  const reader = persistedClient(endpoint, first);
  const page = await traced(first, () => reader.query({ query: PostPageQuery, variables, fetchPolicy: "network-only" }));
  expect(page.data?.article?.slug === slug, `the first reader's post page is not ${slug}`, first);
  const [miss, registration] = first;
  expect(first.length === 2, "expected a miss by hash, then the document by POST", first);
  expect(
    miss?.method === "GET" && !miss.url.searchParams.has("query") && miss.url.searchParams.has("extensions"),
    "the first request is not a GET by hash alone",
    first,
  );
  expect(codeOf(miss?.body) === "PERSISTED_QUERY_NOT_FOUND" && miss?.status === 200, "the miss is not PersistedQueryNotFound", first);
  expect(miss?.headers.get("Cache-Control") === "private, no-store", "a miss may be cached", first);
  expect(
    registration?.method === "POST" && typeof registration.sent?.query === "string" && registration.sent.extensions !== undefined,
    "the retry does not send the document with its hash by POST",
    first,
  );

  // Another reader, another process: one GET by hash, which a CDN may keep.
  const second: Exchange[] = [];
  const next = await traced(second, () =>
    persistedClient(endpoint, second).query({ query: PostPageQuery, variables, fetchPolicy: "network-only" }),
  );
  expect(next.data?.article?.title === page.data?.article?.title, "the answer by hash is not the same post page", second);
  const [byHash] = second;
  expect(second.length === 1 && byHash?.method === "GET" && byHash.status === 200, "not answered by one GET by hash", second);
  const cacheControl = byHash?.headers.get("Cache-Control") ?? "";
  const etag = byHash?.headers.get("ETag");
  expect(cacheControl.startsWith("public, max-age=") && Boolean(etag), `GET by hash is not cacheable: ${cacheControl}`, second);
  expect(!byHash?.headers.get("Set-Cookie"), "a cacheable answer sets a cookie", second);

  // What a browser or CDN does with the ETag once the answer is stale.
  if (byHash && etag) {
    const revalidated = await fetch(byHash.url, { headers: { "If-None-Match": etag } });
    expect(revalidated.status === 304, `revalidation answered ${revalidated.status}, not 304`, second);
  }

  // A mutation goes by hash first too, but always by POST.
  const written: Exchange[] = [];
  const writer = persistedClient(endpoint, written);
  const viewed = await traced(written, () => writer.mutate({ mutation: RegisterViewMutation, variables: { slug } }));
  expect(viewed.data?.registerView.errors.length === 0, "registerView through the link failed", written);
  expect(written.length > 0 && written.every((e) => e.method === "POST"), "a mutation was sent by GET", written);
  for (const client of [reader, writer]) client.stop();
}
