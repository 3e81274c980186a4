"""A bare Django app, the yardstick for the API's rate: one view that reads one row by primary key.

Not a benchmark: `bench_api.py --bare` serves it in place of Front Door, on the database that
benchmark has just migrated (DATABASE_URL), with the same server, workers, threads and persistent
connections, and no middleware, templates or authentication. What it answers per second is what
Django, the server and the database give before any of Front Door's own work.
"""

from __future__ import annotations

import os

import dj_database_url
import django
from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-bare-django",  # noqa: S106 - loopback only, nothing signed
    ALLOWED_HOSTS=["127.0.0.1"],
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=["django.contrib.contenttypes"],
    MIDDLEWARE=[],
    USE_TZ=True,
    DATABASES={"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=600)},
)
django.setup()

from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402


def one_read(request):
    """One ORM read by primary key (`.get`, not the content types' cache)."""
    return HttpResponse(ContentType.objects.get(pk=1).model)


urlpatterns = [path("", one_read)]
application = get_wsgi_application()
