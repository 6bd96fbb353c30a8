// What the generated REST types must say, checked by tsc (nothing here runs): the parts of the
// contract a client compiles against but the crawl cannot see, such as a field that is always
// sent but typed optional (a client would have to check for it, or cast).
import type { components, paths } from "../generated/openapi";

type Schemas = components["schemas"];
type RequiredKeys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? never : K }[keyof T];
type OptionalKeys<T> = Exclude<keyof T, RequiredKeys<T>>;
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Body<P extends keyof paths, M extends "get" | "post" | "patch", S extends number> = paths[P][M] extends {
  responses: infer R;
}
  ? S extends keyof R
    ? R[S] extends { content: { "application/json": infer B } }
      ? B
      : never
    : never
  : never;
function holds<T extends true>(): T | undefined {
  return undefined;
}

// An article without `fields`: every field, only the editorial state (for editors) optional.
type EditorialState = "status" | "version" | "submitted_at" | "returned_at";
holds<Equal<OptionalKeys<Schemas["Article"]>, EditorialState>>();
// A list item without `fields`: the same, less the bodies.
holds<Equal<OptionalKeys<Schemas["ArticleSummary"]>, EditorialState>>();
// With `fields`, any field may be missing.
holds<Equal<RequiredKeys<Schemas["ArticleFieldset"]>, never>>();

// Pages always carry count, next and previous (null at the ends).
type Page = Body<"/api/v1/articles", "get", 200>;
holds<Equal<Extract<RequiredKeys<Page>, "count" | "next" | "previous" | "results">, "count" | "next" | "previous" | "results">>();
holds<Equal<Extract<Page["next"], null>, null>>();

// A write answers the edited article: a closed status, its version, published_at (null for a draft).
type Edited = Body<"/api/v1/articles", "post", 201>;
holds<Equal<Extract<RequiredKeys<Edited>, "slug" | "status" | "version" | "published_at">, "slug" | "status" | "version" | "published_at">>();
holds<Equal<string extends Edited["status"] ? false : true, true>>();
holds<Equal<Extract<Edited["published_at"], null>, null>>();
holds<Equal<Edited["version"], number>>();

// Problem details always carry their code, and refusals are typed as problem details.
type Problem = Schemas["ProblemDetails"];
holds<Equal<paths["/api/v1/articles/{slug}"]["get"]["responses"][404]["content"]["application/problem+json"], Problem>>();
holds<Equal<Extract<RequiredKeys<Problem>, "code" | "status" | "title" | "detail">, "code" | "status" | "title" | "detail">>();
