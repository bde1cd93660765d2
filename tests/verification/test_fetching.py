"""The SSRF-safe fetcher. No database and no network: a loopback server, a fake
resolver, and a guard that fails any test connecting beyond loopback."""

import hashlib
import re
import socket
import time
from dataclasses import replace

import pytest

from verification.evidence.fetching import (
    ADDRESS_NOT_ALLOWED,
    FetchFailed,
    FetchPolicy,
    FetchTooLarge,
    UnsafeURL,
    check_url,
    classify_ip,
    fetch,
)

pytestmark = pytest.mark.usefixtures("no_outside_connections", "fake_dns")

LOCAL = FetchPolicy(allow_loopback=True, max_bytes=4000, connect_timeout=2, read_timeout=2, total_timeout=5)
PUBLIC = FetchPolicy()  # production: loopback refused


def refused_because(caught, pattern: str) -> None:
    """The refusal names its reason; one about an address tells the caller only
    "address not allowed" and keeps the address for the log (``detail``)."""
    refusal = caught.value
    if refusal.detail:
        assert refusal.reason == ADDRESS_NOT_ALLOWED == str(refusal)
        assert "address" not in refusal.reason.replace("address not allowed", "")
    assert re.search(pattern, f"{refusal.reason}: {refusal.detail}"), (pattern, refusal.reason, refusal.detail)


# --- Fetching from a real server on loopback ----------------------------------


def test_it_fetches_a_page_and_hashes_the_bytes_served(loopback_http_server):
    page = loopback_http_server.served["/page"]
    result = fetch(loopback_http_server.url("/page"), LOCAL)
    assert result.status_code == 200
    assert result.body == page
    assert result.sha256 == hashlib.sha256(page).hexdigest()
    assert result.size == len(page)
    assert result.final_url == loopback_http_server.url("/page")
    assert result.redirects == []
    assert result.content_type == "text/html"
    assert result.ip == "127.0.0.1"
    assert result.fetched_at.tzinfo is not None


def test_it_follows_a_chain_of_three_redirects_and_records_each_hop(loopback_http_server):
    url, page = loopback_http_server.url, loopback_http_server.served["/page"]
    result = fetch(url("/hop/3"), LOCAL)
    assert result.final_url == url("/page")
    assert [(r.url, r.status_code, r.location) for r in result.redirects] == [
        (url("/hop/3"), 302, url("/hop/2")),
        (url("/hop/2"), 302, url("/hop/1")),
        (url("/hop/1"), 302, url("/page")),
    ]
    assert result.sha256 == hashlib.sha256(page).hexdigest()


def test_it_stops_a_redirect_loop_at_the_cap(loopback_http_server):
    with pytest.raises(FetchFailed, match="more than 5 redirects") as caught:
        fetch(loopback_http_server.url("/loop"), LOCAL)
    assert caught.value.transient is False
    assert len(loopback_http_server.seen) == 6  # the first request and five hops


def test_it_turns_a_post_into_a_get_after_a_303(loopback_http_server):
    result = fetch(loopback_http_server.url("/hook"), LOCAL, method="POST", data=b"{}")
    assert result.body == loopback_http_server.served["/page"]
    assert [m for m, _, _ in loopback_http_server.seen] == ["POST", "GET"]


def test_it_refuses_a_body_the_server_announces_as_too_large(loopback_http_server):
    with pytest.raises(FetchTooLarge, match="announced 5000 bytes.*4000-byte limit") as caught:
        fetch(loopback_http_server.url("/big"), LOCAL)
    assert (caught.value.limit, caught.value.read) == (4000, 0)


def test_it_stops_reading_an_unannounced_body_at_the_size_cap(loopback_http_server):
    with pytest.raises(FetchTooLarge, match="4000-byte limit") as caught:
        fetch(loopback_http_server.url("/big-unannounced"), LOCAL)
    assert 4000 < caught.value.read <= len(loopback_http_server.served["/big"])


def test_it_spools_a_large_body_to_a_temp_file(loopback_http_server, tmp_path):
    policy = replace(LOCAL, max_bytes=10_000, max_memory_bytes=1000, temp_dir=str(tmp_path))
    result = fetch(loopback_http_server.url("/big"), policy)
    big = loopback_http_server.served["/big"]
    assert result.body is None
    assert result.body_path.parent == tmp_path
    assert result.body_path.read_bytes() == big
    assert result.sha256 == hashlib.sha256(big).hexdigest()
    with result.open() as f:
        assert f.read() == big


def test_it_leaves_no_temp_file_behind_when_the_body_is_too_large(loopback_http_server, tmp_path):
    policy = replace(LOCAL, max_memory_bytes=1000, temp_dir=str(tmp_path))
    with pytest.raises(FetchTooLarge):
        fetch(loopback_http_server.url("/big-unannounced"), policy)
    assert list(tmp_path.iterdir()) == []


def test_it_sniffs_the_content_type_instead_of_trusting_the_server(loopback_http_server):
    result = fetch(loopback_http_server.url("/png-labelled-html"), LOCAL)
    assert result.declared_content_type == "text/html"
    assert result.content_type == "image/png"
    assert result.body == loopback_http_server.served["/png-labelled-html"]


@pytest.mark.parametrize(
    "path, status, transient",
    [
        ("/error", 500, True),
        ("/busy", 429, True),
        ("/missing", 404, False),
    ],
)
def test_it_reports_error_statuses_as_transient_or_not(loopback_http_server, path, status, transient):
    with pytest.raises(FetchFailed, match=f"answered {status}") as caught:
        fetch(loopback_http_server.url(path), LOCAL)
    assert (caught.value.status_code, caught.value.transient) == (status, transient)


def test_it_reports_a_refused_connection_as_transient():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed on exit: nothing listens there
    with pytest.raises(FetchFailed, match="connection failed") as caught:
        fetch(f"http://127.0.0.1:{port}/", LOCAL)
    assert caught.value.transient is True


def test_it_times_out_a_slow_endpoint_as_transient(loopback_http_server):
    started = time.monotonic()
    with pytest.raises(FetchFailed, match="timed out") as caught:
        fetch(loopback_http_server.url("/slow"), replace(LOCAL, read_timeout=0.3))
    assert caught.value.transient is True
    assert time.monotonic() - started < 2


def test_it_gives_up_on_a_dripping_body_at_the_total_deadline(loopback_http_server):
    # Each byte comes well within the read timeout; only the deadline stops it.
    started = time.monotonic()
    with pytest.raises(FetchFailed, match="deadline") as caught:
        fetch(loopback_http_server.url("/drip"), replace(LOCAL, read_timeout=2, total_timeout=0.5))
    assert caught.value.transient is True
    assert time.monotonic() - started < 1.5


# --- Refusals: nothing is fetched ----------------------------------------------


@pytest.mark.parametrize(
    "url, reason",
    [
        ("http://127.0.0.1/", "127.0.0.1 is a loopback address"),
        ("http://[::1]/", "::1 is a loopback address"),
        ("http://10.0.0.1/", "10.0.0.1 is a private address"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a cloud metadata address"),
        ("http://0.0.0.0/", "0.0.0.0 is an unspecified address"),
        ("http://[::]/", ":: is an unspecified address"),
        ("http://[::ffff:127.0.0.1]/", "::ffff:127.0.0.1 is an IPv4-mapped IPv6 address of a loopback address"),
        ("http://[::ffff:10.0.0.1]/", "::ffff:10.0.0.1 is an IPv4-mapped IPv6 address of a private address"),
        ("http://2130706433/", "127.0.0.1 is a loopback address"),
        ("http://0x7f.1/", "127.0.0.1 is a loopback address"),
        ("http://0177.0.0.1/", "127.0.0.1 is a loopback address"),
        ("http://100.100.100.200/", "cloud metadata"),
        ("http://[fd00:ec2::254]/", "cloud metadata"),
        ("ftp://example.test/file", "scheme ftp not allowed"),
        ("file:///etc/passwd", "scheme file not allowed"),
        ("http:///path", "no host"),
        ("http://user:pw@example.test/", "contains credentials"),
        ("http://example.test\\@10.0.0.1/", "backslashes"),
    ],
)
def test_it_refuses_unsafe_urls_without_connecting(no_outside_connections, fake_dns, url, reason):
    fake_dns["example.test"] = [["93.184.216.34"]]
    with pytest.raises(UnsafeURL) as caught:
        fetch(url, PUBLIC)
    refused_because(caught, re.escape(reason))
    assert no_outside_connections.attempts == []


def test_it_refuses_a_name_that_resolves_to_loopback(no_outside_connections, fake_dns):
    fake_dns["localhost"] = [["127.0.0.1", "::1"]]
    with pytest.raises(UnsafeURL) as caught:
        fetch("http://localhost:8000/admin/", PUBLIC)
    refused_because(caught, r"127\.0\.0\.1 is a loopback address \(localhost resolves to it\)")
    assert no_outside_connections.attempts == []


def test_it_refuses_a_name_if_any_of_its_addresses_is_unsafe(no_outside_connections, fake_dns):
    fake_dns["mixed.test"] = [["93.184.216.34", "10.0.0.1"]]
    with pytest.raises(UnsafeURL) as caught:
        fetch("https://mixed.test/", PUBLIC)
    refused_because(caught, r"10\.0\.0\.1 is a private address \(mixed\.test resolves")
    assert no_outside_connections.attempts == []


def test_it_accepts_a_public_name_without_fetching_it(fake_dns):
    fake_dns["example.test"] = [["93.184.216.34", "2606:4700::1111"]]
    assert check_url("https://example.test/a?b=c", PUBLIC) == ["93.184.216.34", "2606:4700::1111"]


def test_it_refuses_other_ports_when_the_policy_lists_them(fake_dns):
    fake_dns["example.test"] = [["93.184.216.34"]]
    policy = replace(PUBLIC, allowed_ports=frozenset({80, 443}))
    assert check_url("https://example.test/", policy)
    with pytest.raises(UnsafeURL) as caught:
        check_url("http://example.test:6379/", policy)
    refused_because(caught, "port 6379 not allowed")


def test_it_reports_an_unknown_name_as_a_failure_not_a_refusal(fake_dns):
    with pytest.raises(FetchFailed, match="could not resolve nowhere.test"):
        check_url("http://nowhere.test/", PUBLIC)


@pytest.mark.parametrize(
    "target, reason",
    [
        ("http://10.0.0.1/", r"10\.0\.0\.1 is a private address"),
        ("http://169.254.169.254/latest/meta-data/", r"169\.254\.169\.254 is a cloud metadata address"),
    ],
)
def test_it_refuses_a_redirect_from_an_allowed_host_to_an_unsafe_one(
    loopback_http_server, no_outside_connections, target, reason
):
    with pytest.raises(UnsafeURL) as caught:
        fetch(loopback_http_server.url(f"/redirect?to={target}"), LOCAL)
    refused_because(caught, reason)
    port = loopback_http_server.server_port
    assert no_outside_connections.attempts == [("127.0.0.1", port)]
    assert [p for _, p, _ in loopback_http_server.seen] == [f"/redirect?to={target}"]


def test_it_ignores_proxies_from_the_environment(loopback_http_server, no_outside_connections, fake_dns, monkeypatch):
    # Through a proxy the socket would go to the proxy, past the address check.
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY"):
        monkeypatch.setenv(name, "http://10.0.0.1:3128")
    fake_dns["news.test"] = [["127.0.0.1"]]
    port = loopback_http_server.server_port
    assert fetch(f"http://news.test:{port}/page", LOCAL).status_code == 200
    assert no_outside_connections.attempts == [("127.0.0.1", port)]


# --- DNS rebinding: the socket only goes where the check allowed ---------------


def test_it_connects_to_the_checked_address_and_keeps_the_host_header(
    loopback_http_server, no_outside_connections, fake_dns
):
    fake_dns["news.test"] = [["127.0.0.1"]]
    port = loopback_http_server.server_port
    result = fetch(f"http://news.test:{port}/page", LOCAL)
    assert result.body == loopback_http_server.served["/page"]
    assert result.ip == "127.0.0.1"
    assert no_outside_connections.attempts == [("127.0.0.1", port)]
    assert loopback_http_server.seen == [("GET", "/page", f"news.test:{port}")]


@pytest.mark.parametrize(
    "rebound_to",
    [
        "10.0.0.1",  # requests-hardened's own filter catches this one
        "::a00:1",  # IPv4-compatible 10.0.0.1: only our re-check catches it
        "168.63.129.16",  # Azure WireServer, a public address: only our re-check
    ],
)
def test_it_refuses_a_name_that_rebinds_between_check_and_connect(
    loopback_http_server, no_outside_connections, fake_dns, rebound_to
):
    # First answer (our check) is allowed; the second (at connect time) is not.
    fake_dns["rebind.test"] = [["127.0.0.1"], [rebound_to]]
    port = loopback_http_server.server_port
    with pytest.raises(UnsafeURL) as caught:
        fetch(f"http://rebind.test:{port}/page", LOCAL)
    refused_because(caught, "at connect time")
    assert fake_dns.lookups == ["rebind.test", "rebind.test"]
    assert no_outside_connections.attempts == []
    assert loopback_http_server.seen == []


# --- classify_ip, used by webhook target validation ---------------------------


@pytest.mark.parametrize(
    "ip, reason",
    [
        ("10.1.2.3", "10.1.2.3 is a private address"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("fc00::1", "private"),
        ("100.64.0.1", "shared (carrier-grade NAT)"),
        ("169.254.1.1", "link-local"),
        ("fe80::1", "link-local"),
        ("fec0::1", "site-local"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("255.255.255.255", "reserved"),
        ("192.0.2.1", "special-purpose"),
        ("::ffff:93.184.216.34", "IPv4-mapped IPv6 address of a public address"),
        ("::a00:1", "IPv4-compatible IPv6 address of a private address"),
        ("2002:a00:1::1", "6to4 address of a private address"),
        ("2002:5db8:d822::1", "6to4 address of a public address"),
        ("2001:0:4136:e378:8000:63bf:f5ff:fffe", "Teredo address of a private address"),
        ("64:ff9b::a9fe:a9fe", "NAT64 address of a cloud metadata address"),
    ],
)
def test_it_classifies_non_public_addresses(ip, reason):
    assert reason in classify_ip(ip)


@pytest.mark.parametrize("ip", ["93.184.216.34", "2606:4700::1111", "1.1.1.1"])
def test_it_accepts_public_addresses(ip):
    assert classify_ip(ip) is None


def test_it_allows_only_plain_loopback_when_loopback_is_allowed():
    assert classify_ip("127.0.0.1", allow_loopback=True) is None
    assert classify_ip("127.8.8.8", allow_loopback=True) is None
    assert classify_ip("::1", allow_loopback=True) is None
    assert "IPv4-mapped" in classify_ip("::ffff:127.0.0.1", allow_loopback=True)
    assert "unspecified" in classify_ip("0.0.0.0", allow_loopback=True)
    assert "private" in classify_ip("10.0.0.1", allow_loopback=True)
    assert "cloud metadata" in classify_ip("169.254.169.254", allow_loopback=True)
