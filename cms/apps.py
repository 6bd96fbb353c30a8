from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "Byline platform"

    def ready(self) -> None:
        # checks registers Byline's system checks; cdn, the CDN purger for invalidated tags.
        from cms import cdn, checks, token_policies  # noqa: F401

        token_policies.register_all()
