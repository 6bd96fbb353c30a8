// The post page's GraphQL operations as typed documents: graphql-codegen's client preset reads
// them here and types each `graphql()` call from schema.graphql.
import { graphql } from "../generated/graphql";

export const PostPageQuery = graphql(`
  query PostPage($slug: String!, $comments: Int) {
    article(slug: $slug) {
      id
      slug
      title
      bodyHtml
      publishedAt
      viewCount
      commentCount
      commentFormToken
      status
      version
      authors {
        id
        slug
        name
        avatarUrl
      }
      section {
        id
        slug
        name
      }
      tags {
        id
        slug
        name
      }
      coverImage {
        url
        alt
        width
        height
      }
      comments(first: $comments) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          cursor
          node {
            id
            parentId
            authorName
            bodyHtml
            createdAt
          }
        }
      }
    }
  }
`);

export const ArticleListQuery = graphql(`
  query ArticleList($first: Int, $orderBy: ArticleOrder) {
    articles(first: $first, orderBy: $orderBy) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          slug
          title
          viewCount
          commentCount
          authors {
            id
            name
          }
        }
      }
    }
  }
`);

export const SubmitCommentMutation = graphql(`
  mutation SubmitComment($input: SubmitCommentInput!) {
    submitComment(input: $input) {
      comment {
        id
        authorName
        bodyHtml
      }
      status
      commenterToken
      errors {
        field
        code
        message
      }
    }
  }
`);

export const RegisterViewMutation = graphql(`
  mutation RegisterView($slug: String!) {
    registerView(slug: $slug) {
      viewCount
      errors {
        field
        code
        message
      }
    }
  }
`);

export const UpdateArticleMutation = graphql(`
  mutation UpdateArticle($slug: String!, $expectedVersion: Int!, $input: ArticleInput!) {
    updateArticle(slug: $slug, expectedVersion: $expectedVersion, input: $input) {
      version
      article {
        id
        slug
        title
        status
        version
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

// What Relay's @refetchable sends: the article again by its global ID.
export const ArticleNodeQuery = graphql(`
  query ArticleNode($id: ID!) {
    node(id: $id) {
      __typename
      id
      ... on Article {
        slug
        viewCount
      }
    }
  }
`);
