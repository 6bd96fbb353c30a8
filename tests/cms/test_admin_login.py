"""Admin sign-in: failures lock out a username at one address, and an address, never a username
everywhere; a correct password from an address that has not been failing always gets in.

Every attempt goes through the admin's real login form: the page is fetched, and exactly the
fields it renders are posted back, CSRF token included, with CSRF checks on.
"""

from __future__ import annotations

import ipaddress
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from axes.models import AccessAttempt, AccessLog
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
PASSWORD = "correct horse battery"
FORM_FIELDS = {"csrfmiddlewaretoken", "username", "password", "next"}


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(datetime(2026, 6, 1, 12, 0, 30, tzinfo=UTC), tick=False):
        yield


@pytest.fixture(autouse=True)
def _limits(settings):
    # The defaults, pinned: the tests below count up to them.
    settings.AXES_FAILURE_LIMIT = 5
    settings.ADMIN_LOGIN_ADDRESS_FAILURE_LIMIT = 20
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    settings.ADMIN_LOGIN_ATTEMPTS_PER_ADDRESS = ["30/m"]
    settings.TRUSTED_PROXY_COUNT = 0


@pytest.fixture
def editor(db):
    user = UserFactory(username="editor", is_staff=True)
    user.set_password(PASSWORD)
    user.save()
    return user


def rendered_fields(page: str) -> dict[str, str]:
    """The login form's inputs as the page renders them: name -> value."""
    form = re.search(r'<form[^>]*id="login-form".*?</form>', page, re.S)
    assert form is not None, "the admin login page has no login form"
    fields = {}
    for tag in re.findall(r"<input[^>]*>", form.group(0)):
        name = re.search(r'name="([^"]*)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name:
            fields[name.group(1)] = value.group(1) if value else ""
    return fields


def sign_in(username: str, password: str, ip: str = "203.0.113.5", **meta):
    """Fetch the login page from ``ip``, fill in its form and post it. Returns the response
    and the client (whose session shows whether the sign-in took)."""
    client = Client(enforce_csrf_checks=True, REMOTE_ADDR=ip, **meta)
    page = client.get(LOGIN, {"next": "/admin/"})
    assert page.status_code == 200
    fields = rendered_fields(page.content.decode())
    assert set(fields) == FORM_FIELDS
    fields.update(username=username, password=password)
    return client.post(LOGIN, fields), client


def signed_in(client: Client) -> bool:
    return client.get("/admin/").status_code == 200


def assert_signed_in(response, client):
    assert response.status_code == 302, response.content.decode()[:500]
    assert response["Location"] == "/admin/"
    assert signed_in(client)


def assert_locked_out(response, client):
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()
    assert response["Retry-After"] == "900"
    assert not signed_in(client)


def test_the_form_posts_exactly_what_the_login_page_renders(editor):
    page = Client().get(LOGIN).content.decode()
    assert set(rendered_fields(page)) == FORM_FIELDS


def test_a_wrong_password_is_the_usual_form_error(editor):
    response, client = sign_in("editor", "wrong")
    assert response.status_code == 200
    assert "Please enter the correct username and password" in response.content.decode()
    assert not signed_in(client)


def test_failures_from_many_addresses_do_not_lock_out_the_editor(editor):
    # The attack that was reported: 24 wrong passwords for one username from 24 addresses.
    for n in range(24):
        response, _ = sign_in("editor", "wrong", ip=f"198.51.100.{n + 1}")
        assert response.status_code == 200
    assert_signed_in(*sign_in("editor", PASSWORD, ip="192.0.2.44"))


def test_failing_for_one_username_at_one_address_locks_that_pair(editor):
    for _ in range(4):
        response, _ = sign_in("editor", "wrong")
        assert response.status_code == 200
    assert_locked_out(*sign_in("editor", "wrong"))  # the fifth
    # Locked out: the right password is refused too, before it is checked.
    assert_locked_out(*sign_in("editor", PASSWORD))
    # The same person elsewhere, and someone else at the same address, are not affected.
    assert_signed_in(*sign_in("editor", PASSWORD, ip="192.0.2.44"))
    UserFactory(username="colleague", is_staff=True)
    assert_signed_in(*sign_in("colleague", "pw"))


def test_failing_across_many_usernames_at_one_address_locks_the_address(editor):
    for n in range(19):
        response, _ = sign_in(f"guess{n}", "wrong", ip="198.51.100.7")
        assert response.status_code == 200
    assert_locked_out(*sign_in("guess19", "wrong", ip="198.51.100.7"))
    assert_locked_out(*sign_in("editor", PASSWORD, ip="198.51.100.7"))
    assert_signed_in(*sign_in("editor", PASSWORD, ip="198.51.100.8"))


def test_an_ipv6_network_counts_as_one_address(editor):
    # One subscriber holds a whole /64: rotating through it does not reset the count.
    for n in range(20):
        sign_in(f"guess{n}", "wrong", ip=f"2001:db8:0:1::{n + 1:x}")
    assert_locked_out(*sign_in("editor", PASSWORD, ip="2001:db8:0:1::ffff"))
    assert_signed_in(*sign_in("editor", PASSWORD, ip="2001:db8:0:2::1"))
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"2001:db8:0:1::"}


def test_addresses_are_read_through_the_trusted_proxies(editor, settings):
    # Behind one proxy every request comes from the proxy's address: counting that would lock
    # everyone out together. The client's address is the one the proxy appended.
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    for n in range(5):
        # What the client wrote itself (left of the proxy's entry) changes nothing.
        sign_in("editor", "wrong", ip=proxy, HTTP_X_FORWARDED_FOR=f"10.9.9.{n}, 198.51.100.7")
    assert_locked_out(*sign_in("editor", PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR="198.51.100.7"))
    assert_signed_in(*sign_in("editor", PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR="192.0.2.44"))


def test_a_lockout_ends_when_the_cool_off_has_passed_since_the_last_failure(editor):
    for _ in range(5):
        sign_in("editor", "wrong")
    clock = time_machine.travel(datetime(2026, 6, 1, 12, 15, 29, tzinfo=UTC), tick=False)
    with clock as traveller:  # 14:59 after the last failure
        assert_locked_out(*sign_in("editor", PASSWORD))
        assert_locked_out(*sign_in("editor", "wrong"))  # refused, not counted: no new wait
        traveller.shift(timedelta(seconds=2))
        assert_signed_in(*sign_in("editor", PASSWORD))


def attempt_rows() -> list[tuple]:
    return list(
        AccessAttempt.objects.order_by("pk").values_list(
            "pk", "username", "user_agent", "failures_since_start", "get_data", "post_data"
        )
    )


def test_attempts_while_locked_out_write_nothing(editor):
    for n in range(20):
        sign_in(f"guess{n}", "wrong", ip="198.51.100.7")
    before = attempt_rows()
    # New usernames, new browsers, a kilobyte of made-up form: none of it is recorded.
    for n in range(8):
        response, client = sign_in(
            f"other{n}", "wrong" + "x" * 1000, ip="198.51.100.7", HTTP_USER_AGENT=f"bot/{n}"
        )
        assert_locked_out(response, client)
    assert attempt_rows() == before


def test_attempts_keep_no_copy_of_the_request(editor):
    client = Client(REMOTE_ADDR="198.51.100.7")
    client.post(
        f"{LOGIN}?note={'q' * 500}",
        {"username": "editor", "password": "wrong", "padding": "p" * 1000},
    )
    client.post(LOGIN, {"username": "editor", "password": "wrong", "padding": "p" * 1000})
    attempt = AccessAttempt.objects.get()
    assert attempt.failures_since_start == 2
    # Nothing of the request; axes still puts its separator between repeats (a few bytes per
    # failure, and failures stop at the lockout).
    assert set(attempt.get_data) <= set("-\n")
    assert set(attempt.post_data) <= set("-\n")


# --- The throttle in front: every post from an address, counted in the cache ---------------


def test_an_address_posting_too_often_is_refused_before_the_database(editor, settings):
    settings.ADMIN_LOGIN_ATTEMPTS_PER_ADDRESS = ["3/m"]
    for n in range(3):
        response, _ = sign_in(f"guess{n}", "wrong", ip="2001:db8:0:1::1")
        assert response.status_code == 200
    client = Client(REMOTE_ADDR="2001:db8:0:1::2")  # the same /64
    page = client.get(LOGIN)
    fields = {**rendered_fields(page.content.decode()), "username": "editor"}
    with CaptureQueriesContext(connection) as queries:
        response = client.post(LOGIN, {**fields, "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.content.decode()
    assert 0 < int(response["Retry-After"]) <= 60
    writes = [q["sql"] for q in queries if q["sql"].lstrip().split()[0].upper() != "SELECT"]
    assert writes == []
    assert not any("axes_" in q["sql"] for q in queries)
    assert AccessAttempt.objects.count() == 3
    assert not signed_in(client)
    # Another address is not affected, and the wait is the throttle's window.
    assert_signed_in(*sign_in("editor", PASSWORD, ip="2001:db8:0:2::1"))
    with time_machine.travel(datetime(2026, 6, 1, 12, 1, 0, tzinfo=UTC), tick=False):
        assert_signed_in(*sign_in("editor", PASSWORD, ip="2001:db8:0:1::3"))


def test_the_throttle_counts_addresses_not_usernames(editor, settings):
    settings.ADMIN_LOGIN_ATTEMPTS_PER_ADDRESS = ["3/m"]
    for n in range(6):
        response, _ = sign_in("editor", "wrong", ip=f"198.51.100.{n + 1}")
        assert response.status_code == 200
    assert_signed_in(*sign_in("editor", PASSWORD, ip="192.0.2.44"))


def test_the_default_throttle_leaves_room_for_the_lockouts(settings):
    from django.conf import settings as configured

    from cms.ratelimit import Rate

    [rate] = [Rate.parse(text) for text in configured.ADMIN_LOGIN_ATTEMPTS_PER_ADDRESS]
    # An address reaches its failure limit before the throttle refuses it.
    assert rate.count > configured.ADMIN_LOGIN_ADDRESS_FAILURE_LIMIT


def test_the_lockout_page_does_not_tell_whether_the_username_exists(editor):
    for _ in range(5):
        sign_in("editor", "wrong", ip="198.51.100.1")
        sign_in("no-such-person", "wrong", ip="198.51.100.2")
    real, _ = sign_in("editor", "wrong", ip="198.51.100.1")
    unknown, _ = sign_in("no-such-person", "wrong", ip="198.51.100.2")
    assert real.status_code == unknown.status_code == 429
    assert real.content == unknown.content
    assert "editor" not in real.content.decode()


def test_failed_sign_ins_are_shown_to_superusers_only(editor):
    sign_in("editor", "wrong", ip="198.51.100.9")
    sign_in("editor", PASSWORD)
    assert AccessAttempt.objects.get().failures_since_start == 1
    assert not AccessLog.objects.exists()  # successful sign-ins are not recorded
    superuser = UserFactory(username="root", is_superuser=True)
    staff = UserFactory(username="desk")
    for url in ("/admin/axes/accessattempt/", "/admin/axes/accesslog/"):
        client = Client()
        client.force_login(superuser)
        assert client.get(url).status_code == 200
        assert "198.51.100.9" in client.get("/admin/axes/accessattempt/").content.decode()
        client.force_login(staff)
        assert client.get(url).status_code == 403
    client.force_login(staff)
    assert "accessattempt" not in client.get("/admin/").content.decode()


# --- The property: failures elsewhere never lock out a fresh address -------------------------

addresses = st.one_of(
    st.integers(min_value=1, max_value=2**32 - 2).map(lambda n: str(ipaddress.IPv4Address(n))),
    st.integers(min_value=1, max_value=2**128 - 2).map(lambda n: str(ipaddress.IPv6Address(n))),
)
usernames = st.sampled_from(["editor", "Editor", "admin", "root", "someone"])


def network(ip: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    address = ipaddress.ip_address(ip)
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return ipaddress.ip_network(address.ipv4_mapped)
        return ipaddress.ip_network(f"{ip}/64", strict=False)
    return ipaddress.ip_network(ip)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    failures=st.lists(
        st.tuples(usernames, st.integers(min_value=0, max_value=3), st.integers(1, 8)),
        max_size=8,
    ),
    pool=st.lists(addresses, min_size=4, max_size=4, unique=True),
    fresh=addresses,
)
def test_no_failures_elsewhere_lock_out_a_fresh_address(editor, failures, pool, fresh):
    """``failures``: (username, which address of ``pool``, how many times) in order."""
    if any(network(fresh) == network(ip) for ip in pool):
        return  # not fresh
    AccessAttempt.objects.all().delete()
    cache.clear()  # examples share the test's cache, and the clock is frozen
    for username, which, times in failures:
        for _ in range(times):
            sign_in(username, "wrong", ip=pool[which])
    assert_signed_in(*sign_in("editor", PASSWORD, ip=fresh))
