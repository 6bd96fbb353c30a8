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
from django.test import Client
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


def test_a_lockout_ends_when_the_cool_off_has_passed(editor):
    for _ in range(5):
        sign_in("editor", "wrong")
    clock = time_machine.travel(datetime(2026, 6, 1, 12, 15, 29, tzinfo=UTC), tick=False)
    with clock as traveller:  # 14:59 after the last failure
        assert_locked_out(*sign_in("editor", PASSWORD))  # ...and this refusal restarts the wait
        traveller.shift(timedelta(minutes=15, seconds=1))
        assert_signed_in(*sign_in("editor", PASSWORD))


def test_the_lockout_page_does_not_tell_whether_the_username_exists(editor):
    for _ in range(5):
        sign_in("editor", "wrong", ip="198.51.100.1")
        sign_in("no-such-person", "wrong", ip="198.51.100.2")
    real, _ = sign_in("editor", "wrong", ip="198.51.100.1")
    unknown, _ = sign_in("no-such-person", "wrong", ip="198.51.100.2")
    assert real.status_code == unknown.status_code == 429
    assert real.content == unknown.content
    assert "editor" not in real.content.decode()


def test_sign_ins_are_recorded_for_superusers_only(editor):
    sign_in("editor", "wrong", ip="198.51.100.9")
    sign_in("editor", PASSWORD)
    assert AccessAttempt.objects.get().failures_since_start == 1
    assert AccessLog.objects.get().username == "editor"
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
    for username, which, times in failures:
        for _ in range(times):
            sign_in(username, "wrong", ip=pool[which])
    assert_signed_in(*sign_in("editor", PASSWORD, ip=fresh))
