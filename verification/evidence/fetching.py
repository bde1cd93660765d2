"""Fetch a URL from the public internet without letting it reach inside.

Used for evidence capture and webhook delivery, so the URL is always chosen by
someone we do not trust. Three layers keep a request from reaching internal
services (SSRF):

1. `check_url` refuses the URL before anything is sent: bad scheme, no host,
   credentials, or any resolved address that `classify_ip` refuses.
2. At connect time requests-hardened's adapter resolves the host once more,
   pins the connection to that IP literal (so no later lookup can rebind it)
   and applies its own filter; our subclass then re-checks the pinned IP with
   `classify_ip`, which is stricter. The socket only ever connects to an
   address that passed our check.
3. Redirects are followed here, one hop at a time, so every hop goes through
   1 and 2 again; size and time are capped while streaming.

Pure Python, no Django: settings build a `FetchPolicy` and pass it in.
"""

from __future__ import annotations

import hashlib
import io
import ipaddress
import logging
import os
import socket
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, NamedTuple
from urllib.parse import urljoin, urlsplit

import requests
import urllib3.exceptions
from django.utils.translation import gettext
from requests_hardened import Config, HTTPSession
from requests_hardened.ip_filter import EXTRA_BLOCKED_NET_RANGES, InvalidIPAddress
from requests_hardened.ip_filter_adapter import IPFilterAdapter

from verification.evidence.sniffing import SNIFF_BYTES, sniff

logger = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class FetchPolicy:
    max_redirects: int = 5
    max_bytes: int = 20 * 1024 * 1024
    connect_timeout: float = 10.0
    read_timeout: float = 10.0  # per socket read, not for the whole body
    total_timeout: float = 30.0  # deadline for every hop and the whole body
    allow_loopback: bool = False  # tests and local development only
    allowed_schemes: frozenset[str] = frozenset({"http", "https"})
    allowed_ports: frozenset[int] | None = None  # None: any port
    user_agent: str = "Claimdesk/1.0 (claim verification; evidence capture)"
    max_memory_bytes: int = 2 * 1024 * 1024  # larger bodies go to a temp file
    temp_dir: str | None = None


class FetchError(Exception):
    """Base class, so callers can catch every refusal and failure at once."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class UnsafeURL(FetchError):
    """Refused before any connection. ``reason`` is what callers (and so users and
    API clients) see; ``detail``, which may name internal addresses, is only logged."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(reason)
        self.detail = detail


# What a caller hears when a URL points at an address we never fetch: the
# address itself (and what a name resolved to) would map the inside network.
ADDRESS_NOT_ALLOWED = "refused: address not allowed"


class FetchTooLarge(FetchError):
    def __init__(self, limit: int, read: int, announced: int | None = None):
        said = f"the server announced {announced} bytes; " if announced is not None else ""
        super().__init__(f"{said}the body is over the {limit}-byte limit (stopped after reading {read} bytes)")
        self.limit, self.read, self.announced = limit, read, announced


class FetchFailed(FetchError):
    def __init__(self, reason: str, transient: bool, status_code: int | None = None):
        super().__init__(reason)
        self.transient, self.status_code = transient, status_code


class Redirect(NamedTuple):
    url: str
    status_code: int
    location: str  # absolute


@dataclass(frozen=True)
class FetchResult:
    url: str
    final_url: str
    status_code: int
    headers: dict[str, str]  # names lower-cased
    body: bytes | None  # None when the body was spooled to body_path
    body_path: Path | None  # the caller owns (and deletes) this file
    sha256: str  # of the body as stored (after Content-Encoding is undone)
    size: int
    content_type: str  # sniffed from the bytes
    declared_content_type: str  # what the server said, for the record only
    ip: str  # the address actually connected to for the final hop
    redirects: list[Redirect] = field(default_factory=list)
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    # The final hop as it went over the wire, for a web archive (verification/evidence/archives.py):
    # the request we sent, the status line and the headers in the server's order and spelling.
    method: str = "GET"
    request_headers: tuple[tuple[str, str], ...] = ()
    http_version: str = "HTTP/1.1"
    reason: str = ""
    raw_headers: tuple[tuple[str, str], ...] = ()

    def open(self) -> BinaryIO:
        return open(self.body_path, "rb") if self.body_path else io.BytesIO(self.body or b"")


# --- Address classification ---------------------------------------------------

_METADATA = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack, DigitalOcean...
        "fd00:ec2::254",  # AWS over IPv6
        "100.100.100.200",  # Alibaba Cloud
        "168.63.129.16",  # Azure WireServer: a public address, so name it explicitly
    )
)
_SHARED = ipaddress.ip_network("100.64.0.0/10")
_PRIVATE = tuple(ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"))
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


# What sort of non-public address, most specific first. The last line reuses
# requests-hardened's list, so we never accept what it refuses at connect time
# (NAT64, 6to4, ORCHIDv2...), then lets the stdlib rule on documentation,
# benchmarking and other special-purpose ranges.
_KINDS = (
    ("cloud metadata", lambda ip: ip in _METADATA),
    ("loopback", lambda ip: ip.is_loopback),
    ("unspecified", lambda ip: ip.is_unspecified),
    ("shared (carrier-grade NAT)", lambda ip: ip in _SHARED),
    ("link-local", lambda ip: ip.is_link_local),
    ("site-local", lambda ip: ip.version == 6 and ip.is_site_local),
    ("multicast", lambda ip: ip.is_multicast),
    ("private", lambda ip: any(ip in net for net in _PRIVATE)),
    ("reserved", lambda ip: ip.is_reserved),
    ("special-purpose", lambda ip: not ip.is_global or any(ip in net for net in EXTRA_BLOCKED_NET_RANGES)),
)


def _kind(ip: IPAddress) -> str | None:
    return next((kind for kind, test in _KINDS if test(ip)), None)


def _embedded_v4(ip: ipaddress.IPv6Address) -> tuple[str, list[ipaddress.IPv4Address]] | None:
    """IPv6 forms that carry an IPv4 address the OS or a relay may reach."""
    if ip.ipv4_mapped:
        return "an IPv4-mapped IPv6 address", [ip.ipv4_mapped]
    if ip in _IPV4_COMPATIBLE and int(ip) > 1:
        return "an IPv4-compatible IPv6 address", [ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)]
    if ip.sixtofour:
        return "a 6to4 address", [ip.sixtofour]
    if ip.teredo:
        return "a Teredo address", list(ip.teredo)
    if ip in _NAT64:
        return "a NAT64 address", [ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)]
    return None


def classify_ip(ip: str | IPAddress, *, allow_loopback: bool = False) -> str | None:
    """Why `ip` must not be connected to (e.g. "10.0.0.1 is a private
    address"), or None if it may. Raises ValueError if `ip` is not an address."""
    ip = ipaddress.ip_address(ip.split("%")[0] if isinstance(ip, str) else ip)
    if ip.version == 6 and (embedded := _embedded_v4(ip)):
        # Refused outright even when the embedded address is public: these forms
        # exist to smuggle IPv4 past filters and have no use in a fetch.
        form, inner = embedded
        kind = next((k for k in map(_kind, inner) if k), "public")
        shown = f"::ffff:{inner[0]}" if ip.ipv4_mapped else ip  # 3.11 prints ::ffff:7f00:1
        return f"{shown} is {form} of {_article(kind)} {kind} address"
    kind = _kind(ip)
    if kind is None or (kind == "loopback" and allow_loopback):
        return None
    return f"{ip} is {_article(kind)} {kind} address"


# --- URL check ----------------------------------------------------------------

_DEFAULT_PORTS = {"http": 80, "https": 443}


def _ip_literal(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    try:
        # The C library reads "2130706433", "0x7f.1" and "0177.0.0.1" as
        # 127.0.0.1; read them the same way rather than sending them to DNS.
        return socket.inet_ntoa(socket.inet_aton(host))
    except OSError:
        return None


def _resolve(host: str, port: int) -> list[str]:
    if literal := _ip_literal(host):
        return [literal]
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchFailed(
            gettext("could not resolve %(host)s (%(strerror)s); check the address")
            % {"host": host, "strerror": exc.strerror},
            transient=exc.errno == socket.EAI_AGAIN,
        ) from exc
    families = (socket.AF_INET, socket.AF_INET6)
    return list(dict.fromkeys(str(i[4][0]) for i in infos if i[0] in families))


def check_url(url: str, policy: FetchPolicy = FetchPolicy()) -> list[str]:
    """Return the addresses `url` resolves to, or raise UnsafeURL.

    1. Refuse characters that URL parsers disagree about.
    2. Check scheme and host, then parse the URL as requests will send it.
    3. Refuse credentials and, if the policy restricts them, other ports.
    4. Resolve the host; refuse if ANY address is refused by `classify_ip`.
    """
    if any(c.isspace() or ord(c) < 0x20 or c == "\\" for c in url):
        raise UnsafeURL(gettext("refused: the URL contains whitespace, control characters or backslashes"))
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in policy.allowed_schemes:
        allowed = ", ".join(sorted(policy.allowed_schemes))
        raise UnsafeURL(
            gettext("refused: scheme %(value)s not allowed; use %(allowed)s")
            % {"value": scheme or "(none)", "allowed": allowed}
        )
    if not parts.hostname:
        raise UnsafeURL(gettext("refused: no host"))
    try:
        prepared = requests.PreparedRequest()
        prepared.prepare_url(url, None)  # IDNA-encodes the host, as sending will
        parts = urlsplit(prepared.url)
        port = parts.port or _DEFAULT_PORTS[scheme]
    except (requests.RequestException, ValueError, KeyError) as exc:
        raise UnsafeURL(gettext("refused: not a valid URL (%(exc)s)") % {"exc": exc}) from exc
    if parts.username or parts.password:
        raise UnsafeURL(gettext("refused: the URL contains credentials; remove the user:password@ part"))
    if policy.allowed_ports is not None and port not in policy.allowed_ports:
        raise UnsafeURL(gettext("refused: port %(port)s not allowed") % {"port": port})
    addresses = _resolve(parts.hostname, port)
    for ip in addresses:
        if reason := classify_ip(ip, allow_loopback=policy.allow_loopback):
            via = "" if ip == parts.hostname else f" ({parts.hostname} resolves to it)"
            logger.warning("Refused to fetch %s: %s%s", url, reason, via)
            raise UnsafeURL(ADDRESS_NOT_ALLOWED, detail=f"{reason}{via}")
    return addresses


# --- Connect-time pinning -----------------------------------------------------


class _CheckedAdapter(IPFilterAdapter):
    """requests-hardened's adapter, plus our stricter check of the pinned IP."""

    def __init__(self, *, is_https_proto: bool, policy: FetchPolicy):
        super().__init__(is_https_proto=is_https_proto, allow_loopback=policy.allow_loopback)
        self._policy = policy
        self.last_ip = ""

    def build_connection_pool_key_attributes(self, request, verify, cert=None):
        # The parent resolves the host, filters it and replaces it with the IP
        # literal the pool will connect to; whatever we approve here is the
        # exact address the socket gets, so DNS cannot change it afterwards.
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(request, verify, cert)
        ip = host_params["host"].strip("[]")
        if reason := classify_ip(ip, allow_loopback=self._policy.allow_loopback):
            logger.warning("Refused at connect time (DNS rebinding?): %s, %s", reason, request.url)
            raise UnsafeURL(ADDRESS_NOT_ALLOWED, detail=gettext("at connect time: %(reason)s") % {"reason": reason})
        self.last_ip = ip
        return host_params, pool_kwargs


def _session(policy: FetchPolicy) -> HTTPSession:
    session = HTTPSession(
        Config(
            ip_filter_enable=True,
            ip_filter_allow_loopback_ips=policy.allow_loopback,
            never_redirect=True,  # we follow redirects ourselves, re-checking each hop
            default_timeout=(policy.connect_timeout, policy.read_timeout),
            user_agent_override=policy.user_agent,
        )
    )
    # Proxies from the environment would connect to the proxy, bypassing the
    # adapter's filter; .netrc would leak credentials to any host.
    session.trust_env = False
    for prefix, https in (("http://", False), ("https://", True)):
        session.mount(prefix, _CheckedAdapter(is_https_proto=https, policy=policy))
    return session


# --- Fetch --------------------------------------------------------------------

_REDIRECTS = {301, 302, 303, 307, 308}
_TRANSIENT_4XX = {408, 425, 429}  # the server asks us to come back later
_CHUNK = 64 * 1024


def _late(policy: FetchPolicy) -> FetchFailed:
    return FetchFailed(f"gave up after the {policy.total_timeout} s deadline", transient=True)


def _translate(exc: Exception, deadline: float, policy: FetchPolicy) -> FetchError:
    if isinstance(exc, InvalidIPAddress):
        ip = str(exc.args[0])
        return UnsafeURL(f"refused at connect time: {classify_ip(ip) or ip + ' is not public'}")
    if time.monotonic() >= deadline:
        return _late(policy)
    if isinstance(
        exc, (requests.exceptions.SSLError, urllib3.exceptions.DecodeError, requests.exceptions.ContentDecodingError)
    ):
        return FetchFailed(f"the server's response could not be read: {exc}", transient=False)
    if isinstance(exc, (requests.Timeout, urllib3.exceptions.TimeoutError)):
        return FetchFailed(f"timed out: {exc}", transient=True)
    if isinstance(
        exc, (requests.ConnectionError, requests.exceptions.ChunkedEncodingError, urllib3.exceptions.HTTPError, OSError)
    ):
        return FetchFailed(f"connection failed: {exc}", transient=True)
    return FetchFailed(f"request failed: {exc}", transient=False)


def _send(session, method, url, data, headers, policy, deadline) -> requests.Response:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise _late(policy)
    timeout = (min(policy.connect_timeout, remaining), min(policy.read_timeout, remaining))
    try:
        return session.request(
            method, url, data=data, headers=headers, stream=True, allow_redirects=False, timeout=timeout
        )
    except requests.RequestException as exc:
        raise _translate(exc, deadline, policy) from exc


class _Sink:
    """Hashes and keeps the body: in memory, then in a temp file past a limit."""

    def __init__(self, policy: FetchPolicy):
        self.policy, self.size, self.sha = policy, 0, hashlib.sha256()
        self.head, self.memory, self.file = b"", bytearray(), None

    def write(self, chunk: bytes) -> None:
        if self.size + len(chunk) > self.policy.max_bytes:
            raise FetchTooLarge(self.policy.max_bytes, self.size + len(chunk))
        self.size += len(chunk)
        self.sha.update(chunk)
        if len(self.head) < SNIFF_BYTES:
            self.head += chunk[: SNIFF_BYTES - len(self.head)]
        if self.file is None and len(self.memory) + len(chunk) > self.policy.max_memory_bytes:
            self.file = tempfile.NamedTemporaryFile(prefix="claimdesk-fetch-", dir=self.policy.temp_dir, delete=False)
            self.file.write(self.memory)
            self.memory = bytearray()
        if self.file is not None:
            self.file.write(chunk)
        else:
            self.memory.extend(chunk)

    def result(self, requested: str, url: str, response, ip: str, redirects) -> FetchResult:
        if self.file is not None:
            self.file.close()
        declared = response.headers.get("Content-Type", "")
        return FetchResult(
            url=requested,
            final_url=url,
            status_code=response.status_code,
            headers={k.lower(): v for k, v in response.headers.items()},
            body=None if self.file else bytes(self.memory),
            body_path=Path(self.file.name) if self.file else None,
            sha256=self.sha.hexdigest(),
            size=self.size,
            content_type=sniff(self.head, declared),  # the server's word only names a text type
            declared_content_type=declared,
            ip=ip,
            redirects=redirects,
            **_exchange(response),
        )

    def discard(self) -> None:
        if self.file is not None:
            self.file.close()
            os.unlink(self.file.name)


_HTTP_VERSIONS = {9: "HTTP/0.9", 10: "HTTP/1.0", 11: "HTTP/1.1", 20: "HTTP/2"}


def _exchange(response: requests.Response) -> dict:
    """The request line's parts and both header lists of the final hop. The
    Host header is added by the HTTP client below requests, so it is put back
    here from the URL the request was sent to."""
    sent = response.request
    request_headers = [(str(k), str(v)) for k, v in sent.headers.items()]
    if not any(k.lower() == "host" for k, _ in request_headers):
        request_headers.insert(0, ("Host", urlsplit(sent.url).netloc))
    raw = response.raw
    return {
        "method": sent.method or "GET",
        "request_headers": tuple(request_headers),
        "http_version": _HTTP_VERSIONS.get(getattr(raw, "version", 11), "HTTP/1.1"),
        "reason": response.reason or "",
        # urllib3 keeps a repeated header (Set-Cookie, Link) as separate pairs here.
        "raw_headers": tuple((str(k), str(v)) for k, v in raw.headers.items()),
    }


def _read_body(response: requests.Response, policy: FetchPolicy, deadline: float) -> _Sink:
    announced = response.headers.get("Content-Length", "")
    if announced.isdigit() and int(announced) > policy.max_bytes:
        raise FetchTooLarge(policy.max_bytes, 0, announced=int(announced))
    sink, raw = _Sink(policy), response.raw
    sock = getattr(raw.connection, "sock", None)
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _late(policy)
            if sock is not None:
                # Each recv may wait only until the deadline, so a server that
                # drips one byte at a time cannot hold us past it.
                sock.settimeout(min(policy.read_timeout, remaining))
            # read1 makes at most one recv; read() would loop until the chunk is full.
            chunk = raw.read1(_CHUNK, decode_content=True)
            if not chunk:
                return sink
            sink.write(chunk)
    except BaseException as exc:
        sink.discard()
        if isinstance(exc, (urllib3.exceptions.HTTPError, requests.RequestException, OSError)):
            raise _translate(exc, deadline, policy) from exc
        raise


def _next_request(status: int, method: str, data, headers: dict, url: str, location: str):
    """Method, body and headers for the next hop, as browsers do it."""
    if status == 303 or (status in (301, 302) and method == "POST"):
        method, data = ("HEAD" if method == "HEAD" else "GET"), None
    if urlsplit(url).netloc != urlsplit(location).netloc:
        # Credentials meant for one host must not follow a redirect to another.
        private = {"authorization", "cookie", "proxy-authorization"}
        headers = {k: v for k, v in headers.items() if k.lower() not in private}
    return method, data, headers


def fetch(
    url: str,
    policy: FetchPolicy = FetchPolicy(),
    *,
    method: str = "GET",
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> FetchResult:
    """Fetch `url` safely; raise UnsafeURL, FetchTooLarge or FetchFailed.

    1. Check the URL and every address it resolves to (`check_url`).
    2. Send it; the adapter pins the connection to a re-checked IP.
    3. On a redirect, close, work out the next hop and go back to 1, at most
       `max_redirects` times.
    4. Refuse 4xx and 5xx; stream the body under the size and time caps,
       hashing it on the way; sniff its type from the first bytes.
    """
    deadline = time.monotonic() + policy.total_timeout
    requested, redirects, headers = url, [], dict(headers or {})
    with _session(policy) as session:
        while True:
            check_url(url, policy)
            with _send(session, method, url, data, headers, policy, deadline) as response:
                status, location = response.status_code, response.headers.get("Location")
                if status not in _REDIRECTS or not location:
                    if status >= 400:
                        raise FetchFailed(
                            gettext("the server answered %(status)s %(response_reason)s")
                            % {"status": status, "response_reason": response.reason},
                            transient=status >= 500 or status in _TRANSIENT_4XX,
                            status_code=status,
                        )
                    sink = _read_body(response, policy, deadline)
                    break
                if len(redirects) >= policy.max_redirects:
                    raise FetchFailed(
                        gettext("more than %(policy_max_redirects)s redirects (the last to %(location)s)")
                        % {"policy_max_redirects": policy.max_redirects, "location": location},
                        transient=False,
                    )
                location = urljoin(url, location)
                redirects.append(Redirect(url, status, location))
                method, data, headers = _next_request(status, method, data, headers, url, location)
                url = location
        ip = session.get_adapter(url).last_ip
    return sink.result(requested, url, response, ip, redirects)
