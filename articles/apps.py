from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self) -> None:
        from articles import policies, revisions

        policies.register_all()
        revisions.register_models()
