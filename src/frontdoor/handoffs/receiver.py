"""A hand-off receiver to try the webhooks with: checks each signature, prints what came.

`python -m frontdoor handoff-receiver --port 8025 --secret whsec_…` runs it; the tests start the
same server. It answers 401 to a request whose signature does not verify, 204 to one that does,
and keeps each hand-off once by its `webhook-id` (a retry of one it has is answered 204 again).
`refuse` answers `refuse_status` (503 unless told) to that many good requests first, as a record
system that is down would; `delay` waits that many seconds before each answer, as a slow one does.
"""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

# The most a receiver reads of one request.
MOST_BYTES = 5 * 1024 * 1024


class Receiver(ThreadingHTTPServer):
    def __init__(self, port: int, secret: str, *, refuse: int = 0, quiet: bool = False):
        super().__init__(("127.0.0.1", port), _Handler)
        self.webhook = Webhook(secret)
        self.refuse = refuse
        self.refuse_status = 503
        self.delay = 0.0
        self.quiet = quiet
        self.received: dict[str, dict] = {}  # by webhook-id, in the order first received
        self.requests = 0
        self.bad_signatures = 0
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/handoffs"


class _Handler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        if self.server.delay:
            time.sleep(self.server.delay)
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(min(length, MOST_BYTES))
        headers = {key.lower(): value for key, value in self.headers.items()}
        try:
            event = self.server.webhook.verify(body, headers)
        except WebhookVerificationError as error:
            with self.server.lock:
                self.server.bad_signatures += 1
            self._answer(401, f"signature refused: {error}")
            return
        with self.server.lock:
            self.server.requests += 1
            if self.server.refuse > 0:
                self.server.refuse -= 1
                refused = True
            else:
                refused = False
                first = headers["webhook-id"] not in self.server.received
                self.server.received.setdefault(headers["webhook-id"], event)
        if refused:
            self._answer(self.server.refuse_status, "not now")
            return
        if not self.server.quiet:
            data = event.get("data", {})
            child = data.get("child", {})
            print(  # the receiver's output is what it received
                f"{event.get('type')} {data.get('id')} for {data.get('record_system')}: "
                f"{child.get('first_name', '')} {child.get('last_name', '')}, "
                f"{data.get('decision', {}).get('outcome_label', '')}"
                + ("" if first else " (again: kept once)"),
                flush=True,
            )
        self._answer(204, "")

    def _answer(self, status: int, text: str) -> None:
        self.send_response(status)
        self.send_header("content-type", "text/plain; charset=utf-8")
        self.send_header("content-length", str(len(text.encode())))
        self.end_headers()
        self.wfile.write(text.encode())

    def log_message(self, format: str, *args) -> None:
        if not self.server.quiet:
            super().log_message(format, *args)


def serving(port: int, secret: str, *, refuse: int = 0, quiet: bool = True) -> Receiver:
    """A receiver answering in a thread of its own; `shutdown()` and `server_close()` stop it."""
    receiver = Receiver(port, secret, refuse=refuse, quiet=quiet)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    return receiver
