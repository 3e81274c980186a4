"""The REST API under /api/v1/ (django-ninja): OpenAPI document at /api/v1/openapi.json."""

from ninja import NinjaAPI

api = NinjaAPI(title="Front Door API", version="1", urls_namespace="api")
