from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "frontdoor.screening"
    label = "screening"
    verbose_name = "Screening and decisions"

    def ready(self) -> None:
        from frontdoor.people.selectors import add_timeline_source
        from frontdoor.screening.selectors import decision_timeline

        add_timeline_source(decision_timeline)
