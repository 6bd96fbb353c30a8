from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "Byline platform"

    def ready(self) -> None:
        from cms import checks, token_policies  # noqa: F401 - checks registers Byline's system checks

        token_policies.register_all()
