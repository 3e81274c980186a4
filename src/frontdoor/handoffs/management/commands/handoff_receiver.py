from django.core.management.base import BaseCommand, CommandParser

from frontdoor.handoffs.receiver import Receiver


class Command(BaseCommand):
    help = (
        "Receive hand-offs as a case record would, to try the webhooks (docs/handoff.md): checks "
        "each signature and prints each hand-off. Set FRONTDOOR_HANDOFF_WEBHOOKS to "
        '{"lcs": {"url": "http://127.0.0.1:8025/handoffs", "secret": "<the same secret>"}}. '
        "Example: python -m frontdoor handoff-receiver --port 8025 --secret whsec_…"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8025)
        parser.add_argument(
            "--secret", required=True, help="The shared secret, whsec_ and base64 as generated"
        )
        parser.add_argument(
            "--refuse", type=int, default=0, help="Answer 503 to this many requests first"
        )

    def handle(self, *args, port: int, secret: str, refuse: int, **options) -> None:
        receiver = Receiver(port, secret, refuse=refuse)
        self.stdout.write(f"Receiving hand-offs at {receiver.url} (Ctrl-C to stop)")
        try:
            receiver.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            receiver.server_close()
