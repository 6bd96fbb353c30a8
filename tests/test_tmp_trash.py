import pytest
from tests.conftest import actor
from tests.factories import ArticleFactory
from tests.api import gql
from articles import services
from articles.models import ArticleStatus
pytestmark = pytest.mark.django_db
def test_x(client, editor):
    a = ArticleFactory(status=ArticleStatus.PUBLISHED)
    services.article_delete(article=a, actor=actor(editor))
    client.force_login(editor)
    print(gql(client, "{ trash(first: 5) { totalCount edges { node { id slug status deletedBy purgeAfter commentsInTrash } } } }"))
    _, body = gql(client, "{ trash { edges { node { id } } } }")
    gid = body["data"]["trash"]["edges"][0]["node"]["id"]
    print(gql(client, 'mutation($id: ID!) { restoreArticle(id: $id) { slug status article { id title } errors { field code message } } }', {"id": gid}))
    services.article_delete(article=a, actor=actor(editor))
    print(gql(client, 'mutation($id: ID!) { deleteArticleForever(id: $id) { deletedId deleted errors { field code message } } }', {"id": gid}))
    print(gql(client, 'mutation($id: ID!) { deleteArticleForever(id: $id) { deletedId deleted errors { field code message } } }', {"id": gid}))
