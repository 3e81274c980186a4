from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "frontdoor.screening"
    label = "screening"
    verbose_name = "Screening and decisions"

    def ready(self) -> None:
        # In ready(), as Django asks: the models every selector imports are loaded only now.
        from frontdoor.people.selectors import add_timeline_source
        from frontdoor.screening.selectors import decision_timeline

        add_timeline_source(decision_timeline)
