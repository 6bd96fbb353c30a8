"""API token scopes. A token's scopes narrow what its owner's role allows; never widen it."""

CONTENT_READ = "content:read"
CONTENT_PREVIEW = "content:preview"
CONTENT_WRITE = "content:write"
CONTENT_PUBLISH = "content:publish"
COMMENTS_MODERATE = "comments:moderate"
WEBHOOKS_MANAGE = "webhooks:manage"

ALL_SCOPES = (
    CONTENT_READ,
    CONTENT_PREVIEW,
    CONTENT_WRITE,
    CONTENT_PUBLISH,
    COMMENTS_MODERATE,
    WEBHOOKS_MANAGE,
)
