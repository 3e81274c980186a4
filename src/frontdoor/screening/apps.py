from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "frontdoor.screening"
    label = "screening"
    verbose_name = "Screening and decisions"

    def ready(self) -> None:
        # In ready(), as Django asks: the models every selector imports are loaded only now.
        from frontdoor.outbox.services import add_failure_listener
        from frontdoor.people.selectors import add_timeline_source
        from frontdoor.screening.decisions import reopen_undelivered_feedback
        from frontdoor.screening.selectors import decision_timeline

        add_timeline_source(decision_timeline)
        # R30: a referrer's feedback that could not be delivered is to be done again by phone.
        add_failure_listener(reopen_undelivered_feedback)
