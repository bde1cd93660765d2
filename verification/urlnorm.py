"""URL normalisation, so an article URL matches however a client spells it."""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Tracking parameters never change which article a URL names.
_TRACKING_PREFIXES = ("utm_", "fbclid", "gclid", "mc_", "ref", "igshid")


def normalise_url(url: str) -> str:
    """Drop the scheme (http and https name the same article), lower-case the
    host, drop default ports, fragments, tracking parameters, 'www.' and a
    trailing slash; sort the remaining query."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    port = parts.port
    netloc = host if port in (None, 80, 443) else f"{host}:{port}"
    path = parts.path.rstrip("/") or ""
    query = sorted(
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith(_TRACKING_PREFIXES)
    )
    # Scheme is dropped: http and https copies of an article are the same article.
    return urlunsplit(("", netloc, path, urlencode(query), "")).lstrip("/")
