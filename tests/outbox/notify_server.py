"""A local HTTP server that answers as GOV.UK Notify's API documents, for the tests.

It checks the JSON Web Token each request carries (signed with the API key's secret, issued by
the key's service id, issued within 30 seconds), keeps the messages it took, answers with Notify's
status codes and error bodies, and can be told to fail: refuse the next requests with a status, or
take a message and then drop the connection (so the client cannot know it was taken).
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from notifications_python_client.authentication import decode_jwt_token, get_token_issuer
from notifications_python_client.errors import TokenError

SERVICE_ID = "7d3b4b4e-8d4a-4b0e-9f6b-2d6c0f1e5a11"
SECRET = "5c1b1c2e-3f4a-4d5e-8f9a-0b1c2d3e4f50"
# Notify's key format: the key's name, the service id, the secret.
API_KEY = f"frontdoor_test-{SERVICE_ID}-{SECRET}"
EMAIL_TEMPLATE = "1f6a8d4c-0b3e-4a57-9c2d-5e7f8a9b0c1d"
SMS_TEMPLATE = "2a7b9e5d-1c4f-4b68-8d3e-6f8a9b0c1d2e"

UK_MOBILE = re.compile(r"^(\+44\s?7|07)\d{3}\s?\d{6}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _error(status: int, error: str, message: str) -> tuple[int, dict]:
    return status, {"status_code": status, "errors": [{"error": error, "message": message}]}


class FakeNotify:
    """The service's state: what it was sent, and what it has been told to do next."""

    def __init__(self) -> None:
        self.notifications: dict[str, dict] = {}
        self.requests: list[tuple[str, str]] = []
        # Statuses to answer the next sends with instead of taking them, e.g. [500, 429].
        self.refuse_next: list[int] = []
        # Take the next send, then close the connection without answering.
        self.drop_after_taking = False
        # Take the next send, then answer nothing until `release` is set (its sender is killed
        # meanwhile); `held` is set once it is taken.
        self.hold_after_taking = False
        self.held = threading.Event()
        self.held_port = 0  # the port the held send came from
        self.release = threading.Event()
        self.lock = threading.Lock()

    def set_status(self, notification_id: str, status: str) -> None:
        self.notifications[notification_id]["status"] = status

    def sent(self, kind: str | None = None) -> list[dict]:
        return [n for n in self.notifications.values() if kind in (None, n["type"])]

    # Each handler returns (status, body) or None to drop the connection.
    def post(self, path: str, body: dict) -> tuple[int, dict] | None:
        kind = {"/v2/notifications/email": "email", "/v2/notifications/sms": "sms"}.get(path)
        if kind is None:
            return _error(404, "BadRequestError", "Not found")
        if self.refuse_next:
            status = self.refuse_next.pop(0)
            return {
                429: _error(
                    429,
                    "RateLimitError",
                    "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds",
                ),
                500: _error(500, "Exception", "Internal server error"),
            }.get(status, _error(status, "Exception", "Refused"))
        template = body.get("template_id")
        expected = EMAIL_TEMPLATE if kind == "email" else SMS_TEMPLATE
        if template != expected:
            return _error(400, "BadRequestError", "Template not found")
        if kind == "sms":
            to = body.get("phone_number", "")
            if not UK_MOBILE.match(to):
                return _error(400, "ValidationError", "phone_number Not a UK mobile number")
        else:
            to = body.get("email_address", "")
            if not EMAIL.match(to):
                return _error(400, "ValidationError", "email_address Not a valid email address")
        notification_id = str(uuid.uuid4())
        personalisation = body.get("personalisation") or {}
        self.notifications[notification_id] = {
            "id": notification_id,
            "reference": body.get("reference"),
            "type": kind,
            "status": "created",
            "email_address": to if kind == "email" else None,
            "phone_number": to if kind == "sms" else None,
            "personalisation": personalisation,
            "template": {"id": template, "version": 1, "uri": f"/v2/template/{template}"},
        }
        if self.drop_after_taking:
            self.drop_after_taking = False
            return None
        content = {"body": personalisation.get("body", "")}
        if kind == "email":
            content["subject"] = personalisation.get("subject", "")
            content["from_email"] = "front.door@notifications.service.gov.uk"
        return 201, {
            "id": notification_id,
            "reference": body.get("reference"),
            "content": content,
            "uri": f"/v2/notifications/{notification_id}",
            "template": self.notifications[notification_id]["template"],
        }

    def get(self, path: str, query: dict[str, list[str]]) -> tuple[int, dict]:
        if path == "/v2/notifications":
            reference = (query.get("reference") or [None])[0]
            found = [n for n in self.notifications.values() if reference in (None, n["reference"])]
            return 200, {"notifications": found, "links": {"current": path}}
        match = re.fullmatch(r"/v2/notifications/([0-9a-f-]+)", path)
        if match:
            try:
                uuid.UUID(match[1])
            except ValueError:
                return _error(400, "ValidationError", "notification_id is not a valid UUID")
            if match[1] in self.notifications:
                return 200, self.notifications[match[1]]
            return _error(404, "NoResultFound", "No result found")
        return _error(404, "BadRequestError", "Not found")


def _handler(state: FakeNotify) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format, *args):  # quiet in tests
            pass

        def _authorised(self) -> tuple[int, dict] | None:
            header = self.headers.get("Authorization", "")
            if not header.startswith("Bearer "):
                return _error(
                    401, "AuthError", "Unauthorized: authentication token must be provided"
                )
            token = header.removeprefix("Bearer ")
            try:
                if get_token_issuer(token) != SERVICE_ID:
                    return _error(403, "AuthError", "Invalid token: service not found")
                decode_jwt_token(token, SECRET)
            except TokenError as error:
                return _error(403, "AuthError", error.message)
            return None

        def _answer(self, answer: tuple[int, dict] | None) -> None:
            if answer is None:
                self.close_connection = True
                self.connection.close()
                return
            status, body = answer
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            with state.lock:
                state.requests.append(("POST", self.path))
                refused = self._authorised()
                if refused:
                    return self._answer(refused)
                try:
                    body = json.loads(raw)
                except ValueError:
                    return self._answer(_error(400, "BadRequestError", "Invalid JSON supplied"))
                answer = state.post(urlparse(self.path).path, body)
                hold = state.hold_after_taking and answer is not None and answer[0] == 201
                state.hold_after_taking = state.hold_after_taking and not hold
            if hold:  # outside the lock: other senders are answered meanwhile
                state.held_port = self.client_address[1]
                state.held.set()
                state.release.wait(timeout=120)
                answer = None
            self._answer(answer)

        def do_GET(self):
            with state.lock:
                state.requests.append(("GET", self.path))
                refused = self._authorised()
                if refused:
                    return self._answer(refused)
                url = urlparse(self.path)
                self._answer(state.get(url.path, parse_qs(url.query)))

    return Handler


class NotifyServer:
    """Start with `with NotifyServer() as notify:`; `notify.url` is its base URL."""

    def __init__(self) -> None:
        self.state = FakeNotify()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.state))
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> FakeNotify:
        self.thread.start()
        self.state.url = self.url  # type: ignore[attr-defined]
        return self.state

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
