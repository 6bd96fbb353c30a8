"""Django's tasks API, imported in one place.

Byline runs on Django 5.2 with the django-tasks backport; on Django 6 the same names come
from ``django.tasks`` (and ``django.tasks.base``, ``django.tasks.backends.immediate``) and
only the imports below change.
"""

from django_tasks import TaskResultStatus, default_task_backend, task, task_backends
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks.base import Task

__all__ = [
    "ImmediateBackend",
    "Task",
    "TaskResultStatus",
    "default_task_backend",
    "task",
    "task_backends",
]
