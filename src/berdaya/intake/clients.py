"""Talking to KoboToolbox (API v2) and ODK Central (REST + OData) over HTTP.

* KoboToolbox: `GET {server}/api/v2/assets/{uid}/data/?format=json&limit=&start=` with
  `Authorization: Token …`; pages follow `next` until it is null.
* ODK Central: `POST {server}/v1/sessions` (email, password) gives a bearer token; the
  form's OData service document lists its tables (`Submissions`, `Submissions.<repeat>`),
  each read with `$top`/`$skip`/`$count` (or `@odata.nextLink`); the session is closed after.

Every failure becomes `ServerProblem`, a `BerdayaError` with a reason a facilitator can act
on (wrong token, no access, wrong project or form, a busy or broken server, no answer).
"Too many requests" (429) and server faults (5xx) and timeouts are retried with backoff,
honouring `Retry-After`. The token, the password and the session never reach a log or a
message: requests are logged by path only, without their headers.
"""

from __future__ import annotations

import contextlib
import datetime
import email.utils
import ipaddress
import logging
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.utils.translation import gettext as _

from berdaya.core.errors import BerdayaError

logger = logging.getLogger(__name__)

PAGE_SIZE = 1000  # submissions per page (KoboToolbox allows up to 30,000, Central any)
ATTEMPTS = 5  # per request, for 429, 5xx and timeouts
BACKOFF_SECONDS = 2.0  # first wait; doubles each time
MAX_WAIT_SECONDS = 120.0  # a Retry-After longer than this is not waited for
TIMEOUT = (10, 120)  # seconds to connect, to read an answer

Progress = Callable[[float], None]


def wait(seconds: float) -> None:
    """How a retry waits (tests record it instead)."""
    time.sleep(seconds)


class ServerProblem(BerdayaError):
    """The server refused, was not found, or did not answer: nothing is imported."""


@dataclass
class Fetched:
    """What a server sent: the submissions (KoboToolbox: repeats nested in them) and, for
    ODK Central, each repeat table's rows by its OData name (`Submissions.anggota`)."""

    submissions: list[dict]
    repeats: dict[str, list[dict]] = field(default_factory=dict)
    # KoboToolbox: the form's rows (the asset's `content.survey`), for its columns.
    survey: list[dict] = field(default_factory=list)


# --- the server's address -------------------------------------------------------------


def _private(host: str) -> bool:
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except (socket.gaierror, UnicodeError):
        return False  # not resolvable: the request says so
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved:
            return True
    return False


def server_base(url: str) -> str:
    """The server's address as requests are built on it (no trailing slash, no page
    fragment such as KoboToolbox's `#/forms/…`), or ValidationFailed-like ServerProblem.

    Public servers need https (the token travels with every request); addresses inside
    the organisation's network (and this machine) only when
    `BERDAYA_INTAKE_PRIVATE_SERVERS` allows them, so a connection cannot be used to probe
    the network Berdaya runs in."""
    parts = urlsplit((url or "").strip())
    host = parts.hostname or ""
    if parts.scheme not in {"http", "https"} or not host:
        raise ServerProblem(
            _("Write the server's address in full, for example https://kf.kobotoolbox.org."),
            field="server_url",
        )
    allowed = settings.BERDAYA_INTAKE_PRIVATE_SERVERS
    if _private(host) and not allowed:
        raise ServerProblem(
            _(
                "%(host)s is an address inside a private network; Berdaya only connects "
                "to public servers unless the administrator allows private ones."
            )
            % {"host": host},
            field="server_url",
        )
    if parts.scheme != "https" and not allowed:
        raise ServerProblem(
            _("Use the server's https:// address: the token must not travel unencrypted."),
            field="server_url",
        )
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def _same_origin(url: str, base: str) -> bool:
    one, two = urlsplit(url), urlsplit(base)
    return (one.scheme, one.netloc) == (two.scheme, two.netloc)


# --- one request, with retries ---------------------------------------------------------


def _retry_after(response) -> float | None:
    value = (response.headers.get("Retry-After") or "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (moment - datetime.datetime.now(datetime.UTC)).total_seconds())


@dataclass
class Http:
    """A session to one server: retries, readable refusals, nothing secret in logs."""

    tool: str  # "KoboToolbox", "ODK Central"
    base: str
    headers: dict[str, str] = field(default_factory=dict)
    sleep: Callable[[float], None] = time.sleep
    refusals: dict[int, str] = field(default_factory=dict)  # status -> message

    def __post_init__(self):
        self.session = requests.Session()
        self.session.headers.update({"Accept": "application/json", **self.headers})

    def close(self) -> None:
        self.session.close()

    def request(self, method: str, url: str, **kwargs) -> requests.Response:
        if not _same_origin(url, self.base):
            # A "next" link elsewhere would carry the token to another server.
            raise ServerProblem(
                _("%(tool)s sent a link to another server; the pull was stopped.")
                % {"tool": self.tool}
            )
        path = urlsplit(url).path
        for attempt in range(ATTEMPTS):
            last = attempt == ATTEMPTS - 1
            try:
                response = self.session.request(method, url, timeout=TIMEOUT, **kwargs)
            except requests.Timeout:
                logger.warning("%s %s: no answer in time (attempt %d)", method, path, attempt + 1)
                if last:
                    raise ServerProblem(
                        _(
                            "%(tool)s did not answer within %(seconds)s seconds, %(count)d "
                            "times; nothing was imported. Try again later."
                        )
                        % {"tool": self.tool, "seconds": TIMEOUT[1], "count": ATTEMPTS}
                    ) from None
                self.sleep(BACKOFF_SECONDS * 2**attempt)
                continue
            except requests.RequestException as error:
                logger.warning("%s %s: %s", method, path, type(error).__name__)
                raise ServerProblem(
                    _(
                        "Berdaya cannot reach %(tool)s at %(server)s: check the server's "
                        "address and this server's internet connection."
                    )
                    % {"tool": self.tool, "server": self.base}
                ) from None
            status = response.status_code
            logger.info("%s %s: %d", method, path, status)
            if status == 429 or status >= 500:
                if last:
                    break
                pause = _retry_after(response) if status in (429, 503) else None
                if pause is None:
                    pause = BACKOFF_SECONDS * 2**attempt
                if pause > MAX_WAIT_SECONDS:
                    break
                self.sleep(pause)
                continue
            if status >= 400:
                raise ServerProblem(self._refusal(status))
            return response
        if response.status_code == 429:
            raise ServerProblem(
                _(
                    "%(tool)s kept answering “too many requests” (429); nothing was imported. "
                    "Try again in an hour."
                )
                % {"tool": self.tool}
            )
        raise ServerProblem(
            _(
                "%(tool)s had a fault (HTTP %(status)d) and did not recover; nothing was "
                "imported. Try again later, or ask the server's administrator."
            )
            % {"tool": self.tool, "status": response.status_code}
        )

    def _refusal(self, status: int) -> str:
        if status in self.refusals:
            return self.refusals[status]
        return _("%(tool)s refused the request (HTTP %(status)d); nothing was imported.") % {
            "tool": self.tool,
            "status": status,
        }

    def json(self, method: str, url: str, **kwargs):
        response = self.request(method, url, **kwargs)
        try:
            return response.json()
        except ValueError:
            raise ServerProblem(
                _("The answer from %(server)s is not %(tool)s's: check the server's address.")
                % {"server": self.base, "tool": self.tool}
            ) from None


def _not_the_api(http: Http) -> ServerProblem:
    return ServerProblem(
        _("The answer from %(server)s is not %(tool)s's: check the server's address.")
        % {"server": http.base, "tool": http.tool}
    )


# --- KoboToolbox ---------------------------------------------------------------------


def kobo_fetch(
    *, server_url: str, token: str, asset_uid: str, progress: Progress | None = None, sleep=None
) -> Fetched:
    """Every submission of a KoboToolbox project (asset), page by page."""
    tool = "KoboToolbox"
    http = Http(
        tool,
        server_base(server_url),
        headers={"Authorization": f"Token {token}"},
        sleep=sleep or wait,
        refusals={
            401: _(
                "KoboToolbox refused the API token (401): it is wrong or was replaced. Copy "
                "it again from Account settings → Security in KoboToolbox and save it here."
            ),
            403: _(
                "The KoboToolbox account of this token has no access to the project's data "
                "(403). Share the project with it, with “View submissions”."
            ),
            404: _(
                "KoboToolbox has no project with the asset uid “%(uid)s” on this server "
                "(404). The uid is in the project's address (…/#/forms/<uid>/); the server "
                "is the address you sign in at (kf.kobotoolbox.org, eu.kobotoolbox.org…)."
            )
            % {"uid": asset_uid},
        },
    )
    url = f"{http.base}/api/v2/assets/{asset_uid}/data/"
    params = {"format": "json", "limit": PAGE_SIZE, "start": 0}
    submissions: list[dict] = []
    try:
        asset = http.json(
            "GET", f"{http.base}/api/v2/assets/{asset_uid}/", params={"format": "json"}
        )
        content = asset.get("content") if isinstance(asset, dict) else None
        survey = content.get("survey") if isinstance(content, dict) else None
        survey = (
            [row for row in survey if isinstance(row, dict)] if isinstance(survey, list) else []
        )
        while url:
            page = http.json("GET", url, params=params)
            params = None  # the next link carries them
            if not isinstance(page, dict) or not isinstance(page.get("results"), list):
                raise _not_the_api(http)
            submissions += [row for row in page["results"] if isinstance(row, dict)]
            count = page.get("count") or len(submissions)
            if progress and isinstance(count, int) and count:
                progress(min(1.0, len(submissions) / count))
            url = page.get("next") or ""
    finally:
        http.close()
    return Fetched(submissions, survey=survey)


# --- ODK Central ------------------------------------------------------------------------


def _odata_rows(http: Http, url: str, *, progress: Progress | None = None) -> list[dict]:
    """Every row of one OData table: by `@odata.nextLink` when the server gives one (its
    absence is then the end), else by `$skip` until `@odata.count` rows are read."""
    rows: list[dict] = []
    params = {"$top": PAGE_SIZE, "$skip": 0, "$count": "true"}
    linked = False
    while True:
        page = http.json("GET", url, params=params)
        if not isinstance(page, dict) or not isinstance(page.get("value"), list):
            raise _not_the_api(http)
        value = [row for row in page["value"] if isinstance(row, dict)]
        rows += value
        count = page.get("@odata.count")
        known = isinstance(count, int) and not isinstance(count, bool)
        if progress and known and count:
            progress(min(1.0, len(rows) / count))
        following = page.get("@odata.nextLink")
        if following:
            url, params, linked = following, None, True
            continue
        if linked or not value:
            return rows
        if (known and len(rows) >= count) or (not known and len(value) < PAGE_SIZE):
            return rows
        params = {"$top": PAGE_SIZE, "$skip": len(rows), "$count": "true"}


def odk_fetch(
    *,
    server_url: str,
    email: str,
    password: str,
    project_id: int,
    form_id: str,
    progress: Progress | None = None,
    sleep=None,
) -> Fetched:
    """Every submission of an ODK Central form, with its repeat tables."""
    tool = "ODK Central"
    http = Http(
        tool,
        server_base(server_url),
        sleep=sleep or wait,
        refusals={
            401: _(
                "ODK Central refused the email or password (401). Type them again; an "
                "App User cannot read submissions, use a web user's account."
            ),
            403: _(
                "The ODK Central account has no access to this form's submissions (403). "
                "Give it the Project Viewer (or Project Manager) role in project %(project)s."
            )
            % {"project": project_id},
            404: _(
                "ODK Central has no form “%(form)s” in project %(project)s on this server "
                "(404). Both are in the form's address: …/projects/<project>/forms/<form>."
            )
            % {"form": form_id, "project": project_id},
        },
    )
    token = ""
    try:
        session = http.json(
            "POST", f"{http.base}/v1/sessions", json={"email": email, "password": password}
        )
        token = session.get("token", "") if isinstance(session, dict) else ""
        if not token:
            raise _not_the_api(http)
        http.session.headers["Authorization"] = f"Bearer {token}"
        service = f"{http.base}/v1/projects/{project_id}/forms/{form_id}.svc"
        document = http.json("GET", service)
        if not isinstance(document, dict) or not isinstance(document.get("value"), list):
            raise _not_the_api(http)
        names = [
            entry.get("url") or entry.get("name")
            for entry in document["value"]
            if isinstance(entry, dict) and (entry.get("url") or entry.get("name"))
        ]
        names = [n for n in names if n == "Submissions" or n.startswith("Submissions.")]
        tables = len(names) or 1

        def part(index: int) -> Progress | None:
            if not progress:
                return None
            return lambda fraction: progress((index + fraction) / tables)

        submissions = _odata_rows(http, f"{service}/Submissions", progress=part(0))
        repeats = {
            name: _odata_rows(http, f"{service}/{name}", progress=part(index))
            for index, name in enumerate([n for n in names if n != "Submissions"], start=1)
        }
        return Fetched(submissions, repeats)
    finally:
        if token:
            # Sign out (by the header, not a URL with the token in it).
            with contextlib.suppress(requests.RequestException):
                http.session.delete(f"{http.base}/v1/sessions/current", timeout=TIMEOUT)
        http.close()
