// The post page as a Relay app declares it: a fragment on Article whose comments page through a
// @connection, refetchable by the article's global ID, and the query that spreads it. Only
// relay-compiler reads these (`make clients` compiles them against schema.graphql); a Relay
// app would import `graphql` from react-relay, which this check does not install.
const graphql = (strings: TemplateStringsArray): string => strings.join("");

export const PostPageArticle = graphql`
  fragment PostPage_article on Article
  @refetchable(queryName: "PostPageRefetchQuery")
  @argumentDefinitions(count: { type: "Int", defaultValue: 10 }, cursor: { type: "String" }) {
    id
    slug
    title
    bodyHtml
    publishedAt
    viewCount
    commentCount
    commentFormToken
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
    comments(first: $count, after: $cursor) @connection(key: "PostPage_comments") {
      totalCount
      edges {
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
`;

export const PostPageQuery = graphql`
  query PostPageQuery($slug: String!) {
    article(slug: $slug) {
      ...PostPage_article
    }
  }
`;
