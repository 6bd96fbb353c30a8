"""Admin sign-in is rate-limited per address and per username, before any password check."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"


@pytest.fixture(autouse=True)
def _mid_window_clock():
    # Limits count in fixed windows: run at one frozen moment, mid-minute.
    with time_machine.travel(datetime(2026, 6, 1, 12, 0, 30, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def staff(db):
    user = UserFactory(username="priya", is_staff=True)
    user.set_password("correct horse battery")
    user.save()
    return user


def attempt(password, username="priya", ip="203.0.113.5"):
    client = Client(REMOTE_ADDR=ip)
    response = client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"})
    return response, client


def test_guessing_a_password_is_stopped_even_the_right_one(staff):
    for _ in range(5):
        response, _ = attempt("wrong")
        assert "Please enter the correct" in response.content.decode()
    response, client = attempt("correct horse battery")
    assert response.status_code == 200  # the form again, not a redirect into the admin
    assert "Too many requests" in response.content.decode()
    assert client.get("/admin/").status_code == 302  # not signed in


def test_one_address_cannot_try_many_usernames(staff):
    for n in range(10):
        attempt("wrong", username=f"guess{n}", ip="198.51.100.7")
    response, _ = attempt("correct horse battery", ip="198.51.100.7")
    assert "Too many requests" in response.content.decode()


def test_a_person_at_another_address_and_name_still_signs_in(staff):
    for _ in range(6):
        attempt("wrong", username="someone-else")
    response, _ = attempt("correct horse battery", ip="192.0.2.44")
    assert response.status_code == 302
