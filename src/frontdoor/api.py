"""The REST API under /api/v1/ (django-ninja): OpenAPI document at /api/v1/openapi.json.

Partner systems sign in with an API token (`Authorization: Bearer <token>`, issued by
`python -m frontdoor issue-token` or on the tokens page), acting as the user the token was issued
to; every endpoint needs one unless it says `auth=None`. An endpoint that changes something
declares the token scope it needs (`auth=ApiTokenAuth(scope=...)`, `accounts.scopes`). Every
request made with a token is on the audit trail (`accounts.tokens.record_use`).

Errors have one shape: 422 `{"errors": [{"field": ..., "message": ...}]}` for a body that does not
validate (the same messages as the forms; `field` is the body's path to the field,
`children.0.date_of_birth`, or the parameter's or header's own name, `after`, as `error_field`
names it), and `{"message": ...}` for everything else (400, 401,
403, 404, 405, 409, 413, 429, 500, 503): refusals made before or around the handlers here are put
in that shape by `frontdoor.error_pages.ApiRefusalsMiddleware`.
The OpenAPI document lists, for each operation, every status it can answer with: the ones only
that operation gives are declared on it, and those that follow from how the API works (a token,
a body, a rate limit, the database) are added here, once, by `FrontDoorSchema`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.db import OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError, ValidationErrorContext
from ninja.openapi.schema import REF_TEMPLATE, OpenAPISchema
from ninja.operation import Operation
from ninja.params.models import ParamModel

from frontdoor.accounts.permissions import PermissionDeniedError
from frontdoor.accounts.scopes import allowing
from frontdoor.accounts.tokens import ApiTokenAuth, record_use
from frontdoor.error_pages import DATABASE_UNAVAILABLE, RETRY_AFTER_SECONDS, body_limit_in_words
from frontdoor.errors import DomainError
from frontdoor.handoffs.api import router as handoffs_router
from frontdoor.intake.api import router as intake_router
from frontdoor.intake.schemas import ValidationProblems
from frontdoor.intake.submissions import error_messages
from frontdoor.mash.api import router as mash_router
from frontdoor.people.api import router as people_router
from frontdoor.schema_rules import Message
from frontdoor.security import limit_for_view

UNREADABLE_BODY = "Send the body as JSON in UTF-8: this body could not be read as JSON."
RETRY_AFTER = {"Retry-After": "Seconds to wait before trying again."}


class FrontDoorSchema(OpenAPISchema):
    """The OpenAPI document, with the statuses that follow from how the API works added to each
    operation it applies to, so a partner system can rely on the list being complete."""

    def operation_details(self, operation: Operation) -> dict:
        details = super().operation_details(operation)
        url_name = getattr(operation, "url_name", None) or operation.view_func.__name__
        view_name = f"{self.api.urls_namespace}:{url_name}"
        answers = {}
        if details.get("requestBody"):
            answers[400] = self._answer(Message, UNREADABLE_BODY)
            answers[413] = self._answer(
                Message, f"The body is larger than the {body_limit_in_words()} the API accepts."
            )
        if details.get("security"):
            answers[401] = self._answer(
                Message,
                "No token, or one that is unknown, expired or revoked.",
                headers={"WWW-Authenticate": "Bearer: the scheme to authenticate with."},
            )
            answers[403] = self._answer(
                Message, "The token's scopes or its user's role do not allow this."
            )
        if details.get("requestBody") or details.get("parameters"):
            answers[422] = self._answer(
                ValidationProblems, "The body, a parameter or a header does not validate."
            )
        if any(limit_for_view(method, view_name) for method in operation.methods):
            answers[429] = self._answer(
                Message,
                "Too many requests from this address.",
                headers=RETRY_AFTER,
            )
        answers[503] = self._answer(
            Message,
            "The database is unavailable: nothing was recorded, and a retry is safe.",
            headers=RETRY_AFTER,
        )
        for status, answer in answers.items():
            details["responses"].setdefault(status, answer)
        return details

    def operation_security(self, operation: Operation) -> list[dict] | None:
        # The scopes that each allow the operation, one requirement apiece (any one will do).
        security = super().operation_security(operation)
        if not security:
            return security
        requirements = []
        for auth in operation.auth_callbacks:
            name = type(auth).__name__
            scopes = []
            if isinstance(auth, ApiTokenAuth):
                scopes = allowing(method=operation.methods[0], scope=auth.scope)
            requirements += [{name: [scope]} for scope in scopes] or [{name: []}]
        return requirements

    def _answer(self, model: type[Schema], description: str, headers: dict | None = None) -> dict:
        schema = model.model_json_schema(ref_template=REF_TEMPLATE, mode="serialization")
        definitions = schema.pop("$defs", {})  # the models it refers to, FieldProblem say
        self.add_schema_definitions({**definitions, model.__name__: schema})
        reference = {"$ref": REF_TEMPLATE.format(model=model.__name__)}
        answer: dict = {
            "description": description,
            "content": {self.api.renderer.media_type: {"schema": reference}},
        }
        if headers:
            answer["headers"] = {
                name: {"description": text, "schema": {"type": "string"}}
                for name, text in headers.items()
            }
        return answer


class FrontDoorAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return FrontDoorSchema(self, path_prefix)

    def _get_urls(self) -> list:
        # The whole site needs a signed-in session (LoginRequiredMiddleware); the API does its own
        # authentication per endpoint instead: tokens for partners, none for the referrer's status
        # check and the OpenAPI document.
        urls = super()._get_urls()
        for pattern in urls:
            # Each of django-ninja's patterns has a view; the stubs allow a pattern without one.
            callback = pattern.callback
            pattern.callback = login_not_required(_with_token_use_recorded(callback))  # type: ignore[arg-type]  # as above
        return urls

    def validation_error_from_error_contexts(
        self, error_contexts: list[ValidationErrorContext]
    ) -> ValidationError:
        # The messages of `intake.submissions.error_messages`, as the forms show them, with each
        # field named as the request names it (`error_field`).
        errors = []
        for context in error_contexts:
            for path, message in error_messages(context.pydantic_validation_error).items():
                errors.append({"field": error_field(context.model, path), "message": message})
        return ValidationError(errors)


def error_field(model: type[ParamModel], path: str) -> str:
    """The name an error gives its field, one convention throughout the API: a body's field by
    its path in the JSON body (`children.0.date_of_birth`, `rows.2.kind`), a query parameter,
    path parameter or header by its own name (`after`, `Idempotency-Key`), never by the name
    of the handler's argument that ninja wraps it in (`body.`, `query.`). A refusal raised by a
    handler names its field the same way."""
    first, _, rest = path.partition(".")
    if model.__ninja_param_source__ == "body":
        return (rest or "body") if first in model.model_fields else path
    # A parameter schema (`Query[PullQuery]`) is flattened: each of its fields is a parameter.
    flattened: dict[tuple, tuple] = getattr(model, "__ninja_flatten_map_reverse__", {})
    for wrapped, flat in flattened.items():
        dotted = ".".join(str(part) for part in wrapped)
        if path == dotted or path.startswith(dotted + "."):
            return ".".join(str(part) for part in flat) + path[len(dotted) :]
    return path


def _with_token_use_recorded(view: Callable) -> Callable:
    """Every request made with a token is on the audit trail, whatever its answer."""

    @wraps(view)
    def serve(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        record_use(request, response)
        return response

    return serve


api = FrontDoorAPI(
    title="Front Door API",
    version="1",
    description=(
        "Partner systems record contacts and attach reports to them; referrers check the status "
        "of their own submission; the council's case record keeps involvements current and "
        "takes the children handed off to it. "
        "Authenticate with `Authorization: Bearer <token>`: a token "
        "acts as one user, expires, and may carry scopes that narrow what it may do (see the "
        "ApiTokenAuth security scheme). Every request made with a token is audited."
    ),
    urls_namespace="api",
    auth=ApiTokenAuth(),
)
api.add_router("", intake_router)
api.add_router("", mash_router)
api.add_router("", people_router)
api.add_router("", handoffs_router)


def _message(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return api.create_response(request, {"message": message}, status=status)


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, error: ValidationError) -> HttpResponse:
    return api.create_response(request, {"errors": error.errors}, status=422)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    response = _message(request, "Give a valid API token: Authorization: Bearer <token>.", 401)
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    # django-ninja's own refusals; the one it raises is 400 for a body that is not JSON.
    message = UNREADABLE_BODY if error.status_code == 400 else str(error)
    return _message(request, message, error.status_code)


@api.exception_handler(PermissionDeniedError)
def _forbidden(request: HttpRequest, error: PermissionDeniedError) -> HttpResponse:
    return _message(request, error.message, 403)


@api.exception_handler(DomainError)
def _refused(request: HttpRequest, error: DomainError) -> HttpResponse:
    return _message(request, error.message, 409)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    return _message(request, str(error) or "Not found.", 404)


@api.exception_handler(OperationalError)
def _database_unavailable(request: HttpRequest, error: OperationalError) -> HttpResponse:
    # The database went away mid-request (a restart, a failover). Every write runs in one
    # transaction, so nothing was recorded: say so, and that a retry with the same
    # Idempotency-Key is safe, rather than a 500 the sender may take for "maybe received".
    response = _message(request, DATABASE_UNAVAILABLE, 503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
