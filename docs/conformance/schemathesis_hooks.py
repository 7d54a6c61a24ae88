"""Schemathesis hooks for the Connect API: put a valid token in every generated request.

The API carries its token inside the JSON body (RequestHeader.Token), where no OpenAPI security
scheme can describe it, so without this hook every generated request would stop at the token
check. Load it with SCHEMATHESIS_HOOKS=schemathesis_hooks (this folder on PYTHONPATH).

Settings, from the environment:
  CONNECT_TOKEN_URL   the token endpoint, e.g. https://127.0.0.1:8443/oauth2/token (required)
  CONNECT_CA_FILE     a PEM file to trust for that URL (the sandbox's CA), optional
  CONNECT_CLIENT_ID / CONNECT_CLIENT_SECRET / CONNECT_USERNAME / CONNECT_PASSWORD
                      default to the sandbox's seeded fixtures (alice, so lightboxes and
                      downloads act for a user)
"""

import json
import os
import ssl
import threading
import urllib.parse
import urllib.request

import schemathesis

_lock = threading.Lock()
_token = None


def _fetch_token():
    url = os.environ["CONNECT_TOKEN_URL"]
    form = urllib.parse.urlencode(
        {
            "grant_type": "password",
            "client_id": os.environ.get("CONNECT_CLIENT_ID", "sandbox-client"),
            "client_secret": os.environ.get("CONNECT_CLIENT_SECRET", "sandbox-client-secret"),
            "username": os.environ.get("CONNECT_USERNAME", "alice"),
            "password": os.environ.get("CONNECT_PASSWORD", "alice-password"),
        }
    ).encode()
    ca = os.environ.get("CONNECT_CA_FILE")
    context = ssl.create_default_context(cafile=ca) if ca else None
    request = urllib.request.Request(
        url, data=form, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    with urllib.request.urlopen(request, context=context, timeout=30) as answer:
        return json.load(answer)["access_token"]


def token():
    """One token for the whole run (fetched on first use)."""
    global _token
    with _lock:
        if _token is None:
            _token = _fetch_token()
        return _token


@schemathesis.hook
def before_call(context, case, kwargs):
    # Envelope bodies (a JSON object with a RequestHeader object) get the token in the body.
    for body in (case.body, kwargs.get("json")):
        if isinstance(body, dict) and isinstance(body.get("RequestHeader"), dict):
            body["RequestHeader"]["Token"] = token()
    # SingleStepDownload carries its credentials in HTTP headers instead.
    if case.operation.path == "/v2/download/{ImageId}":
        headers = kwargs.get("headers")
        if headers is None:
            headers = case.headers = dict(case.headers or {})
        headers["Authorization"] = "Bearer " + token()
        headers["Api-Key"] = os.environ.get("CONNECT_CLIENT_ID", "sandbox-client")
    # Form bodies of /oauth2/token and /oauth2/auth and oEmbed's query stay as generated.


@schemathesis.check
def server_errors_only_as_documented(ctx, response, case):
    """No 5xx answer, with one documented exception: oEmbed answers 501 for a `format` other
    than json, as the oEmbed specification prescribes. Replaces schemathesis's own
    not_a_server_error, which cannot tell that answer from a crash, so that negative data
    (wrong types, missing fields, unknown enum values) can be sent to every operation."""
    status = response.status_code
    if status < 500:
        return None
    if case.operation.path == "/oembed" and status == 501:
        fmt = (case.query or {}).get("format")
        if fmt is not None and str(fmt) != "json":
            return None
    raise AssertionError(f"server error {status} from {case.operation.label}")
