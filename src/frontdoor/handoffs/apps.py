from django.apps import AppConfig


class HandoffsConfig(AppConfig):
    name = "frontdoor.handoffs"
    label = "handoffs"
    verbose_name = "Hand-offs to the case record"

    def ready(self) -> None:
        # In ready(), as Django asks: the models the services import are loaded only now.
        # Screening sits below this app, so it calls the hand-off through its listener.
        from frontdoor.handoffs.delivery import WebhookSender
        from frontdoor.handoffs.selectors import child_handoffs, queue_handoffs
        from frontdoor.handoffs.services import carry_identifiers_to_person, hand_off_decision
        from frontdoor.intake.selectors import add_handoff_source
        from frontdoor.outbox.models import Channel
        from frontdoor.outbox.senders import add_channel_sender
        from frontdoor.screening.decisions import add_decision_listener
        from frontdoor.screening.linking import add_child_linked_listener
        from frontdoor.screening.selectors import add_queue_handoff_source

        add_channel_sender(Channel.WEBHOOK, WebhookSender())
        add_decision_listener(hand_off_decision)
        add_child_linked_listener(carry_identifiers_to_person)
        add_queue_handoff_source(queue_handoffs)
        add_handoff_source(child_handoffs)
