// The post page over GraphQL with the typed documents of post-page.ts, through a minimal
// client that, like urql and Apollo, adds `__typename` to every selection so a normalised
// cache can key each object by (__typename, id).
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { Kind, print, visit } from "graphql";
import type { DocumentNode, FieldNode } from "graphql";
import {
  ArticleListQuery,
  ArticleNodeQuery,
  PostPageQuery,
  RegisterViewMutation,
  SubmitCommentMutation,
  UpdateArticleMutation,
} from "./post-page";

export interface GraphQLErrorBody {
  message: string;
  extensions?: { code?: string; field?: string };
}
export interface GraphQLResponse<R> {
  data?: R | null;
  errors?: GraphQLErrorBody[];
}

const TYPENAME: FieldNode = { kind: Kind.FIELD, name: { kind: Kind.NAME, value: "__typename" } };

/** The document with `__typename` in every selection below the root (as urql and Apollo send). */
export function withTypenames(document: DocumentNode): DocumentNode {
  return visit(document, {
    SelectionSet(node, _key, parent) {
      const root = parent !== undefined && "kind" in parent && parent.kind === Kind.OPERATION_DEFINITION;
      const has = node.selections.some((s) => s.kind === Kind.FIELD && s.name.value === "__typename");
      return root || has ? undefined : { ...node, selections: [...node.selections, TYPENAME] };
    },
  });
}

function isResponse<R>(body: unknown): body is GraphQLResponse<R> {
  // The JSON boundary: the server's schema (checked equal to schema.graphql) types `data`.
  return typeof body === "object" && body !== null && ("data" in body || "errors" in body);
}

export class GraphQLClient {
  constructor(
    private readonly endpoint: string,
    private readonly token?: string,
    private readonly observe?: (operation: string, status: number, body: unknown) => void,
  ) {}

  async request<R, V>(document: TypedDocumentNode<R, V>, variables: V): Promise<GraphQLResponse<R>> {
    const headers: Record<string, string> = { "Content-Type": "application/json" };
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    const query = print(withTypenames(document));
    const response = await fetch(this.endpoint, {
      method: "POST",
      headers,
      body: JSON.stringify({ query, variables }),
    });
    const body: unknown = await response.json();
    const operation = document.definitions.flatMap((d) =>
      d.kind === Kind.OPERATION_DEFINITION && d.name ? [d.name.value] : [],
    )[0];
    this.observe?.(operation ?? "(anonymous)", response.status, body);
    if (!isResponse<R>(body)) throw new Error(`${operation}: not a GraphQL response`);
    return body;
  }
}

function need<R>(operation: string, result: GraphQLResponse<R>): R {
  if (result.errors?.length || !result.data) {
    throw new Error(`${operation}: ${JSON.stringify(result.errors)}`);
  }
  return result.data;
}

/** A reader: the most read articles, a post page, a comment with the form token, a view. */
export async function readerFlow(client: GraphQLClient): Promise<{ slug: string; page: string }> {
  const list = need("ArticleList", await client.request(ArticleListQuery, { first: 5, orderBy: "VIEW_COUNT_DESC" }));
  const slug = list.articles.edges[0]?.node.slug;
  if (slug === undefined) throw new Error("no published article");

  const post = need("PostPage", await client.request(PostPageQuery, { slug, comments: 10 }));
  const article = post.article;
  if (!article) throw new Error(`article ${slug} not found`);
  const page = [
    `# ${article.title}`,
    `By ${article.authors.map((a) => a.name).join(", ")}`,
    article.section ? `In ${article.section.name}` : "",
    article.tags.map((t) => `#${t.slug}`).join(" "),
    article.bodyHtml,
    `${article.viewCount} views · ${article.commentCount} comments`,
    ...article.comments.edges.map((e) => `${e.node.authorName}: ${e.node.bodyHtml}`),
  ].join("\n");

  const again = need("ArticleNode", await client.request(ArticleNodeQuery, { id: article.id }));
  if (again.node?.__typename !== "Article" || again.node.slug !== slug) {
    throw new Error(`node(id: ${article.id}) is not article ${slug}: ${JSON.stringify(again.node)}`);
  }

  const submitted = need(
    "SubmitComment",
    await client.request(SubmitCommentMutation, {
      input: {
        articleSlug: slug,
        authorName: "Typed Graph Reader",
        authorEmail: "typed.graph.reader@example.com",
        body: "Read through typed GraphQL documents.",
        formToken: article.commentFormToken,
      },
    }),
  );
  if (submitted.submitComment.errors.length) {
    throw new Error(`SubmitComment: ${JSON.stringify(submitted.submitComment.errors)}`);
  }
  const viewed = need("RegisterView", await client.request(RegisterViewMutation, { slug }));
  if (viewed.registerView.errors.length) {
    throw new Error(`RegisterView: ${JSON.stringify(viewed.registerView.errors)}`);
  }
  return { slug, page };
}

/** An editor's token: read the article's version on the post page, then change it. */
export async function editorFlow(client: GraphQLClient, slug: string): Promise<{ version: number }> {
  const post = need("PostPage", await client.request(PostPageQuery, { slug, comments: 1 }));
  const version = post.article?.version;
  if (version === undefined || version === null) throw new Error(`${slug}: no version for an editor`);
  const updated = need(
    "UpdateArticle",
    await client.request(UpdateArticleMutation, {
      slug,
      expectedVersion: version,
      input: { excerpt: "Changed through a typed GraphQL document." },
    }),
  );
  const payload = updated.updateArticle;
  if (payload.errors.length || payload.version === null || payload.version === undefined) {
    throw new Error(`UpdateArticle: ${JSON.stringify(payload.errors)}`);
  }
  return { version: payload.version };
}

export { UpdateArticleMutation };
