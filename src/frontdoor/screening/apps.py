from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "frontdoor.screening"
    label = "screening"
    verbose_name = "Screening and decisions"

    def ready(self) -> None:
        # In ready(), as Django asks: the models every selector imports are loaded only now.
        from frontdoor.outbox.services import add_failure_listener
        from frontdoor.people.selectors import add_timeline_source
        from frontdoor.policy.row_security import every_council
        from frontdoor.screening.decisions import reopen_undelivered_feedback
        from frontdoor.screening.selectors import decision_timeline

        add_timeline_source(decision_timeline)

        def reopen_for_any_council(message):
            # The outbox sends every council's messages, and names no council: the feedback's
            # decision is found whichever council it is (row_security).
            with every_council():
                return reopen_undelivered_feedback(message)

        # R30: a referrer's feedback that could not be delivered is to be done again by phone.
        add_failure_listener(reopen_for_any_council)
