"""The benchmark's yardstick, mounted by config.urls only where devtools is installed."""

from django.urls import path

from devtools import views

urlpatterns = [path("bench/floor/", views.floor)]
