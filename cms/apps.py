from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "Byline platform"

    def ready(self) -> None:
        from cms import policies

        policies.register_all()
