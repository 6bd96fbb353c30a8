from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "Byline platform"

    def ready(self) -> None:
        from cms import checks, token_policies  # noqa: F401 - checks registers Byline's system checks
        from cms import cdn  # noqa: F401 - registers the CDN purger for invalidated cache tags

        token_policies.register_all()
