import gc
import logging
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


def _warn_what_start_up_checks_would() -> None:
    # Servers (gunicorn, granian) run no system checks, as manage.py commands do: the warning
    # that production sees no HTTPS is logged here, where an operator starting one will see it.
    # Imported once Django is set up (above): security reads the settings and the apps.
    from frontdoor.security import https_is_seen

    for warning in https_is_seen():
        logging.getLogger("frontdoor").warning("%s %s (%s)", warning.msg, warning.hint, warning.id)


_warn_what_start_up_checks_would()


def _keep_what_start_up_loaded_out_of_the_collectors_way() -> None:
    # The app's modules, settings and URLconf are some 150,000 objects that live as long as the
    # process. Python's full collection walked them all about once in ten requests: 50 ms added
    # to that request, which was the whole of the screening queue's p95 at 500,000 contacts
    # (bench/bench_queue.py: p50 72 ms, p95 167 ms; frozen, no request over 100 ms). Frozen,
    # they are never walked again (`gc.freeze`); what requests make is collected as before.
    gc.freeze()


_keep_what_start_up_loaded_out_of_the_collectors_way()
