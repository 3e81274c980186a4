import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontdoor.settings")
application = get_wsgi_application()


def _load_what_the_first_request_would() -> None:
    # Every view module, through the URLconf (about 0.6 s): loaded while the server starts, so
    # the first request each server process answers is not kept waiting for it.
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - loading is the point


_load_what_the_first_request_would()
