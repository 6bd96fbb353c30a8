// An editor's moderation queue over GraphQL (a token with comments:moderate): its comments are
// keyed by a normalised cache like any other object, so their IDs must not be readers' ones.
import { graphql } from "../generated/graphql";
import type { GraphQLClient } from "./graphql-client";

export const ModerationQueueQuery = graphql(`
  query ModerationQueue($first: Int) {
    moderationQueue(first: $first) {
      totalCount
      edges {
        node {
          id
          article
          authorName
          status
          createdAt
        }
      }
    }
  }
`);

export async function moderationQueue(client: GraphQLClient): Promise<string[]> {
  const result = await client.request(ModerationQueueQuery, { first: 20 });
  if (result.errors?.length || !result.data) throw new Error(`ModerationQueue: ${JSON.stringify(result.errors)}`);
  return result.data.moderationQueue.edges.map((e) => `${e.node.status} ${e.node.authorName}`);
}
