from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Comments"

    def ready(self) -> None:
        from articles.admin import preview
        from comments import policies, selectors

        policies.register_all()
        # The admin's article preview shows the approved thread as readers will see it.
        preview.register_thread(selectors.thread_for)
