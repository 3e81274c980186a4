from django.apps import AppConfig


class EscalationsConfig(AppConfig):
    name = "frontdoor.escalations"
    label = "escalations"
    verbose_name = "Escalations of professional disagreement"

    def ready(self) -> None:
        # In ready(), as Django asks: the models the services import are loaded only now.
        from frontdoor.escalations.services import contact_trail_targets
        from frontdoor.intake.selectors import add_trail_source

        add_trail_source(contact_trail_targets)
