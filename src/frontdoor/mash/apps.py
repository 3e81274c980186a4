from django.apps import AppConfig


class MashConfig(AppConfig):
    name = "frontdoor.mash"
    label = "mash"
    verbose_name = "MASH"

    def ready(self) -> None:
        from frontdoor.mash.selectors import enquiry_timeline
        from frontdoor.people.selectors import add_timeline_source

        add_timeline_source(enquiry_timeline)
