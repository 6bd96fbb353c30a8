from django.apps import AppConfig


class MediaConfig(AppConfig):
    name = "media"
    verbose_name = "Media library"

    def ready(self) -> None:
        from media import policies, validation

        policies.register_all()
        validation.configure_pillow()
