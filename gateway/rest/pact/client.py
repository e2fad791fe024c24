"""A PACT Tech Specs v2.3/v3.0 client: token, ListFootprints (following Link pages),
GetFootprint, Events. Used by ``fpgw pact pull/request`` and by the host for callbacks.

The token endpoint is found through ``/.well-known/openid-configuration``, else
``{base}/auth/token``. Plain ``http://`` is refused except on loopback or when the caller
allows it (a partner explicitly allow-listed).
"""

from __future__ import annotations

import re
import ssl
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin

import httpx

from ...core.errors import InvalidDocument, NotFound, PeerUnavailable, Unauthenticated
from ...core.i18n import N_
from ...core.parsing import dump_json, load_json
from .clients import check_callback_url

EVENT_MEDIA_TYPE = "application/cloudevents+json; charset=UTF-8"
_LINK_NEXT = re.compile(r'<([^>]+)>\s*;\s*rel="?next"?')
MAX_PAGES = 10_000


def next_link(header: str | None) -> str | None:
    """The ``rel="next"`` target of an RFC 8288 Link header, if any."""
    if not header:
        return None
    for part in header.split(","):
        match = _LINK_NEXT.search(part)
        if match:
            return match.group(1)
    return None


class PactClient:
    """One PACT host, as one client (its id and secret)."""

    def __init__(self, base_url: str, client_id: str, client_secret: str, *,
                 verify: ssl.SSLContext | bool = True, timeout: float = 10.0, allow_http: bool = False) -> None:
        base_url = base_url.rstrip("/")
        if not base_url.startswith("https://"):
            try:
                check_callback_url(base_url, allow_http=allow_http)
            except Exception as exc:
                raise PeerUnavailable(str(exc), path="url") from exc
        self.base_url = base_url
        self._credentials = (client_id, client_secret)
        self._http = httpx.Client(verify=verify, timeout=timeout, follow_redirects=False)
        self._token: tuple[str, float] | None = None

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> PactClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            return self._http.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            raise PeerUnavailable(N_("{method} {url}: {name}: {exc}", method=method, url=url, name=exc.__class__.__name__, exc=exc), url=url) from exc

    def token_endpoint(self) -> str:
        response = self._request("GET", f"{self.base_url}/.well-known/openid-configuration")
        if response.status_code == 200:
            try:
                endpoint = response.json().get("token_endpoint")
            except ValueError:
                endpoint = None
            if isinstance(endpoint, str) and endpoint:
                return urljoin(self.base_url + "/", endpoint)
        return f"{self.base_url}/auth/token"

    def token(self) -> str:
        """An access token (client credentials grant), reused until shortly before it expires."""
        if self._token and self._token[1] > time.monotonic():
            return self._token[0]
        endpoint = self.token_endpoint()
        response = self._request("POST", endpoint, auth=self._credentials, data={"grant_type": "client_credentials"},
                                 headers={"Accept": "application/json"})
        if response.status_code != 200:
            raise Unauthenticated(N_("{endpoint} refused the client credentials: HTTP {status_code} "
                                  "{value}", endpoint=endpoint, status_code=response.status_code, value=response.text[:200]), url=endpoint)
        try:
            body = response.json()
            token = body["access_token"]
        except (ValueError, KeyError, TypeError) as exc:
            raise PeerUnavailable(N_("{endpoint} answered without an access_token", endpoint=endpoint), url=endpoint) from exc
        lifetime = body.get("expires_in") if isinstance(body.get("expires_in"), int) else 300
        self._token = (str(token), time.monotonic() + max(lifetime - 30, 1))
        return self._token[0]

    def _authorised(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token()}", **kwargs.pop("headers", {})}
        response = self._request(method, url, headers=headers, **kwargs)
        if response.status_code == 401:  # expired between our check and the host's
            self._token = None
            headers["Authorization"] = f"Bearer {self.token()}"
            response = self._request(method, url, headers=headers, **kwargs)
        return response

    @staticmethod
    def _json(response: httpx.Response, url: str) -> Any:
        if response.status_code == 404:
            raise NotFound(N_("{url}: not found", url=url), url=url)
        if response.status_code != 200:
            raise PeerUnavailable(N_("{url}: HTTP {status_code} {value}", url=url, status_code=response.status_code, value=response.text[:300]), url=url)
        try:
            return load_json(response.content)
        except InvalidDocument as exc:
            raise PeerUnavailable(N_("{url}: the answer is not valid JSON: {exc}", url=url, exc=exc), url=url) from exc

    def list_footprints(self, spec: str = "3", params: list[tuple[str, str]] | None = None) -> Iterator[dict[str, Any]]:
        """Every footprint the host lists for these filters, following its Link pages."""
        url: str | None = f"{self.base_url}/{spec}/footprints"
        query: list[tuple[str, str]] | None = params or None
        for _ in range(MAX_PAGES):
            if url is None:
                return
            response = self._authorised("GET", url, params=query)
            body = self._json(response, url)
            data = body.get("data") if isinstance(body, dict) else None
            if not isinstance(data, list):
                raise PeerUnavailable(N_("{url}: the answer has no data list", url=url), url=url)
            yield from data
            url, query = next_link(response.headers.get("link")), None
            if url is not None and not url.startswith(self.base_url):
                raise PeerUnavailable(N_("the next page {url} is not on {base_url}", url=url, base_url=self.base_url), url=url)
        raise PeerUnavailable(N_("{base_url}: more than {max_pages} pages", base_url=self.base_url, max_pages=MAX_PAGES), url=self.base_url)

    def get_footprint(self, pf_id: str, spec: str = "3") -> dict[str, Any]:
        url = f"{self.base_url}/{spec}/footprints/{pf_id}"
        body = self._json(self._authorised("GET", url), url)
        if not isinstance(body, dict) or not isinstance(body.get("data"), dict):
            raise PeerUnavailable(N_("{url}: the answer has no data object", url=url), url=url)
        return body["data"]

    def attestations(self, pf_id: str) -> list[dict[str, Any]]:
        """The attestation chain a JJJ gateway serves for one of its footprints ([] elsewhere)."""
        url = f"{self.base_url}/x-jjj/footprints/{pf_id}/attestations"
        response = self._authorised("GET", url)
        if response.status_code == 404:
            return []
        body = self._json(response, url)
        return body.get("data", []) if isinstance(body, dict) else []

    def post_event(self, event: dict[str, Any], spec: str = "3") -> None:
        url = f"{self.base_url}/{spec}/events"
        response = self._authorised("POST", url, content=dump_json(event, indent=None), headers={"Content-Type": EVENT_MEDIA_TYPE})
        if response.status_code >= 300:
            raise PeerUnavailable(N_("POST {url}: HTTP {status_code} {value}", url=url, status_code=response.status_code, value=response.text[:300]), url=url)

