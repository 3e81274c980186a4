from django.apps import AppConfig


class MashConfig(AppConfig):
    name = "frontdoor.mash"
    label = "mash"
    verbose_name = "MASH"

    def ready(self) -> None:
        # In ready(), as Django asks: the models every selector imports are loaded only now.
        from frontdoor.mash.selectors import confirmed_final_rag, enquiry_rags, enquiry_timeline
        from frontdoor.people.selectors import add_timeline_source
        from frontdoor.screening.decisions import add_final_rag_source
        from frontdoor.screening.selectors import add_queue_rag_source

        add_timeline_source(enquiry_timeline)
        add_final_rag_source(confirmed_final_rag)
        add_queue_rag_source(enquiry_rags)
