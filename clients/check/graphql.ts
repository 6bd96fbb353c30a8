// GraphQL from a normalised cache's point of view: the live schema is the committed SDL, every
// entity has an `id` that names one type, and responses carry no errors where none are expected.
import {
  buildClientSchema,
  isEnumType,
  isListType,
  isNonNullType,
  isScalarType,
  specifiedScalarTypes,
  buildSchema,
  getIntrospectionQuery,
  getNamedType,
  isObjectType,
  lexicographicSortSchema,
  printSchema,
} from "graphql";
import type { GraphQLSchema, IntrospectionQuery } from "graphql";
import { isObject } from "./openapi";
import type { Report } from "./report";

/** Object types that are values, not entities: a cache stores them inside their owner. */
export const VALUE_TYPES: RegExp[] = [
  /^Query$/,
  /^Mutation$/,
  /^PageInfo$/,
  /Connection$/,
  /Edge$/,
  /Payload$/,
  /^CoverImage$/,
  /^ImageRendition$/,
  /^Seo$/,
  /^FieldError$/,
  // What an article's revision kept, and who saved it: values of their ArticleRevision.
  /^ArticleRevisionFields$/,
  /^RevisionActor$/,
  /^RevisionReference$/,
  /^RevisionNote$/,
];

function sorted(schema: GraphQLSchema): string {
  return printSchema(lexicographicSortSchema(schema));
}

function isIntrospection(body: unknown): body is { data: IntrospectionQuery } {
  return isObject(body) && isObject(body.data) && isObject(body.data.__schema);
}

/** The live server's introspection printed as SDL must equal schema.graphql. */
export async function compareWithLive(base: string, sdl: string, report: Report): Promise<GraphQLSchema> {
  const committed = buildSchema(sdl);
  const query = getIntrospectionQuery({
    descriptions: true,
    specifiedByUrl: true,
    directiveIsRepeatable: true,
    schemaDescription: true,
    inputValueDeprecation: true,
  });
  const response = await fetch(`${base}/graphql/`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ query }),
  });
  report.counts.graphql += 1;
  const body: unknown = await response.json();
  if (!isIntrospection(body)) {
    report.add("GraphQL schema", "introspection", `no schema in the answer: ${JSON.stringify(body).slice(0, 500)}`);
    return committed;
  }
  const live = sorted(buildClientSchema(body.data)).split("\n");
  const ours = sorted(committed).split("\n");
  const onlyLive = live.filter((line) => !ours.includes(line));
  const onlyOurs = ours.filter((line) => !live.includes(line));
  if (onlyLive.length || onlyOurs.length) {
    const lines = [...onlyOurs.map((l) => `- ${l}`), ...onlyLive.map((l) => `+ ${l}`)];
    report.add(
      "GraphQL schema",
      "schema.graphql differs from the live server's introspection (- committed, + live)",
      lines.slice(0, 40).join("\n") + (lines.length > 40 ? `\n... ${lines.length - 40} more lines` : ""),
    );
  }
  return committed;
}

/** Every entity type has an `id`, and a type with an `id` is a Node (reachable by node(id:)). */
export function checkEntities(schema: GraphQLSchema, report: Report): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith("__")) continue;
    const id = type.getFields().id;
    const value = VALUE_TYPES.some((pattern) => pattern.test(type.name));
    if (!id && !value) {
      report.add(
        "GraphQL schema",
        `type ${type.name} has no id`,
        "a normalised cache (Relay, urql graphcache, Apollo) cannot key it; give it an id or, if it is a value inside its owner, name it so (…Payload, …Edge, …Connection)",
      );
    }
    if (id && getNamedType(id.type).name === "ID" && !type.getInterfaces().some((i) => i.name === "Node")) {
      report.add("GraphQL schema", `type ${type.name} has an ID but does not implement Node`, "node(id:) cannot refetch it");
    }
  }
}

/** The typing the issue asks for: statuses and orderings as enums, non-null where the server
 * guarantees it (connections' edges and nodes, mutation payloads), custom scalars specified. */
export function checkTyping(schema: GraphQLSchema, report: Report): void {
  const add = (where: string, detail: string): void => report.add("GraphQL schema", where, detail);
  const builtIn = new Set(specifiedScalarTypes.map((t) => t.name));
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith("__")) continue;
    if (isScalarType(type) && !builtIn.has(type.name) && !type.specifiedByURL) {
      add(`scalar ${type.name}`, "no @specifiedBy(url:): clients cannot tell its format");
    }
    if (!isObjectType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      const where = `${type.name}.${field.name}`;
      const enumNamed = (name: string, t: Parameters<typeof getNamedType>[0]): void => {
        if (["status", "orderBy"].includes(name) && !isEnumType(getNamedType(t))) {
          add(`${where}${name === field.name ? "" : `(${name}:)`}`, `${name} is ${String(t)}, not an enum`);
        }
      };
      enumNamed(field.name, field.type);
      field.args.forEach((arg) => enumNamed(arg.name, arg.type));
      if (type.name.endsWith("Connection") && field.name === "edges") {
        const list = isNonNullType(field.type) ? field.type.ofType : undefined;
        if (!list || !isListType(list) || !isNonNullType(list.ofType)) {
          add(where, `${String(field.type)}: edges are never null, nor is any edge ([Edge!]!)`);
        }
      }
      if (type.name.endsWith("Edge") && field.name === "node" && !isNonNullType(field.type)) {
        add(where, `${String(field.type)}: an edge always has its node`);
      }
      if (type === schema.getMutationType() && !isNonNullType(field.type)) {
        add(where, `${String(field.type)}: a mutation always answers its payload (errors go in it)`);
      }
    }
  }
}

/** Records what each response held, as a normalised cache would key it. */
export class Normalisation {
  private readonly typenames = new Map<string, { typename: string; operation: string }>();

  constructor(private readonly report: Report) {}

  /** `expectErrors`: the operation is one that must be refused. */
  observe(operation: string, status: number, body: unknown, expectErrors = false): void {
    this.report.counts.graphql += 1;
    const errors = isObject(body) && Array.isArray(body.errors) ? body.errors : [];
    const payloadErrors: unknown[] = [];
    this.walk(isObject(body) ? body.data : undefined, operation, payloadErrors);
    const all = [...errors, ...payloadErrors];
    if (!expectErrors && (status !== 200 || all.length > 0)) {
      this.report.add("GraphQL responses", `${operation} -> ${status}`, `unexpected errors: ${JSON.stringify(all).slice(0, 600)}`);
    }
    if (expectErrors && all.length === 0) {
      this.report.add("GraphQL responses", `${operation} -> ${status}`, "was expected to be refused, and was not");
    }
  }

  private walk(value: unknown, operation: string, payloadErrors: unknown[]): void {
    if (Array.isArray(value)) {
      value.forEach((v) => this.walk(v, operation, payloadErrors));
      return;
    }
    if (!isObject(value)) return;
    if (typeof value.__typename === "string" && typeof value.id === "string") {
      const seen = this.typenames.get(value.id);
      if (seen === undefined) {
        this.typenames.set(value.id, { typename: value.__typename, operation });
      } else if (seen.typename !== value.__typename) {
        this.report.add(
          "GraphQL identity",
          `id ${value.id}`,
          `is a ${seen.typename} in ${seen.operation} and a ${value.__typename} in ${operation}: a normalised cache keeps one record per id`,
        );
      }
    }
    for (const [key, inner] of Object.entries(value)) {
      if (key === "errors" && Array.isArray(inner)) payloadErrors.push(...inner);
      else this.walk(inner, operation, payloadErrors);
    }
  }
}
