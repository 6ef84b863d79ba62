"""The HTTP service: the API apps call, under ``/api/v1``, with its OpenAPI description at
``/schema/openapi.json``. Built on Litestar, which reads and writes the library's attrs models
as they are and describes them in the OpenAPI document without a second set of classes.
"""

from __future__ import annotations

import gc
import secrets
from collections.abc import Callable, Mapping, Sequence
from typing import Annotated, Any, Literal

import anyio.to_thread
from attrs import frozen
from litestar import Litestar, Request, Response, get, post
from litestar.config.cors import CORSConfig
from litestar.config.csrf import CSRFConfig
from litestar.exceptions import HTTPException
from litestar.handlers import BaseRouteHandler
from litestar.openapi import OpenAPIConfig
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import HeaderParameter, PathParameter, QueryParameter

from shopperkit import __version__
from shopperkit.errors import ShopperkitError
from shopperkit.registry import Registry
from shopperkit.scoring.tallies import check_keys
from shopperkit.service.core import Service, ServiceError
from shopperkit.service.settings import ServiceSettings
from shopperkit.store import Store

API = "/api/v1"

Extra = Callable[["Service"], list[BaseRouteHandler]]
"""Adds routes to the service: the web form's, the chat webhook's (see :func:`create_app`)."""


@frozen
class ErrorDetail:
    """A refused request: its stable code, the message in the asker's language, and where
    (a JSON path or a parameter) when it is about one place."""

    code: str
    message: str
    where: str | None = None


@frozen
class ErrorBody:
    """Every error response."""

    error: ErrorDetail


@frozen
class Health:
    """Whether the service and its store answer."""

    status: str
    store: str


@frozen
class Version:
    """What is running: shopperkit's version, the store's schema and the programme."""

    shopperkit: str
    store_schema: str | None
    programme: str
    programme_version: str
    languages: tuple[str, ...]


@frozen
class FormSummary:
    """One form of the programme, titled in the asked language."""

    id: str
    version: str
    title: str


@frozen
class FormList:
    """The programme's forms."""

    language: str
    forms: tuple[FormSummary, ...]


@frozen
class LocalisedForm:
    """A form in one language (see :func:`shopperkit.forms.localise.localised`)."""

    id: str
    version: str
    language: str
    direction: str
    title: str
    languages: tuple[str, ...]
    sections: tuple[Mapping[str, Any], ...]


@frozen
class ProblemBody:
    """One reason a submission was refused."""

    code: str
    where: str
    message: str


@frozen
class Refused:
    """A submission refused: every problem, each in the submitter's language."""

    submission: str | None
    status: str
    problems: tuple[ProblemBody, ...]


@frozen
class EvaluationAccepted:
    """An evaluation kept and scored: its score record (no shopper: overall, section and
    item scores, band, failed critical items) and, when asked, the score card with every
    item's contribution (``card=true``) and the card as text in the submitter's language
    (``text=true``). A retry gets the first answer again (status 200)."""

    submission: str
    status: str
    score: Mapping[str, Any]
    card: Mapping[str, Any] | None
    text: str | None


@frozen
class ReasonBody:
    """One rule the applicant did not pass, in the applicant's language."""

    code: str
    outcome: str
    message: str


@frozen
class VerdictBody:
    """An application kept and screened: the verdict, every reason in the applicant's
    language."""

    submission: str
    status: str
    as_of: str
    reasons: tuple[ReasonBody, ...]


@frozen
class Published:
    """Aggregates of accepted evaluations; small groups withheld, no identities. Groups are
    scored by the programme's ``aggregation``: the ``mean`` of scores, or ``pooled`` points
    (each summary then also has ``earned``, ``possible`` and ``pooled``)."""

    programme: str
    by: tuple[str, ...]
    min_group: int
    groups: tuple[Mapping[str, Any], ...]
    withheld: int
    aggregation: Literal["mean", "pooled"]


@frozen
class SubmissionSummary:
    """A kept submission as an officer sees it: no identities, only what was decided."""

    submission: str
    record: str
    form: str
    channel: str
    language: str
    result: Mapping[str, Any]


@frozen
class SubmissionList:
    """Kept submissions, oldest first."""

    kind: str
    submissions: tuple[SubmissionSummary, ...]


ERRORS = {
    status: ResponseSpec(ErrorBody, description=text, generate_examples=False)
    for status, text in (
        (400, "Bad request: the JSON, a parameter or the language"),
        (401, "No key, or a key the service does not know"),
        (403, "The key lacks the role"),
        (413, "The body is larger than the service accepts"),
        (429, "Too many submissions from this key, address or sender"),
    )
}
SUBMIT_RESPONSES = {
    **ERRORS,
    422: ResponseSpec(
        Refused,
        description="Refused: every problem, in the submitter's language",
        generate_examples=False,
    ),
}

LanguageQuery = Annotated[
    str | None,
    QueryParameter(name="lang", description="answer in this language (one the programme declares)"),
]
KeyHeader = Annotated[str | None, HeaderParameter(name="X-API-Key", description="an API key")]
IdempotencyHeader = Annotated[
    str | None,
    HeaderParameter(
        name="Idempotency-Key",
        description="the client's id for this submission: a retry with it is never kept twice",
    ),
]


def _language(service: Service, request: Request[Any, Any, Any]) -> str:
    """The asker's language, falling back quietly (for error bodies)."""
    try:
        return service.intake.language(
            request.query_params.get("lang"), request.headers.get("accept-language")
        )
    except ShopperkitError:
        return service.intake.languages.fallback


HTTP_ERRORS: dict[int, tuple[str, dict[str, Any]]] = {
    400: ("json_invalid", {"reason": ""}),
    403: ("csrf_invalid", {}),
    404: ("not_found", {}),
    405: ("method_not_allowed", {}),
    413: ("request_too_large", {"limit": ""}),
}
"""The code of each HTTP error the framework raises (others are ``request_refused``)."""

UNAVAILABLE = frozenset({"store_unavailable", "store_busy"})
"""Store errors that say "try again later" (503), not "your request is wrong"."""


def _error_handlers(service: Service) -> dict[type[Exception], Callable[..., Response[Any]]]:
    def body(
        request: Request[Any, Any, Any], code: str, params: Mapping[str, Any], where: str | None
    ) -> ErrorBody:
        message = service.intake.say(code, params, _language(service, request))
        return ErrorBody(ErrorDetail(code, message, where))

    def shopperkit_error(request: Request[Any, Any, Any], error: ShopperkitError) -> Response[Any]:
        status = error.status if isinstance(error, ServiceError) else 400
        if error.code in UNAVAILABLE:
            status = 503
        return Response(body(request, error.code, error.params, error.where), status_code=status)

    def http_error(request: Request[Any, Any, Any], error: HTTPException) -> Response[Any]:
        code, params = HTTP_ERRORS.get(error.status_code, ("request_refused", {"status": ""}))
        known = {"status": error.status_code, "reason": str(error.detail)}
        known["limit"] = service.settings.max_body
        shown = body(request, code, {**params, **known}, None)
        return Response(shown, status_code=error.status_code)

    def unexpected(request: Request[Any, Any, Any], error: Exception) -> Response[Any]:
        params = {"reason": type(error).__name__}
        return Response(body(request, "service_failed", params, None), status_code=500)

    return {ShopperkitError: shopperkit_error, HTTPException: http_error, Exception: unexpected}


async def _submitted(
    service: Service,
    request: Request[Any, Any, Any],
    kind: str,
    lang: str | None,
    api_key: str | None,
    idempotency_key: str | None,
    *,
    card: bool = False,
    text: bool = False,
) -> Response[Any]:
    """Receive the request's body as a submission of ``kind`` and answer with the outcome."""
    key = service.key(api_key)
    language = service.intake.language(lang, request.headers.get("accept-language"))
    record = service.parse_body(await request.body())
    address = request.client.host if request.client else ""
    outcome = await service.receive(
        kind, idempotency_key, record, language, key=key, address=address, card=card, text=text
    )
    headers = {"Idempotent-Replayed": "true"} if outcome.replayed else {}
    return Response(outcome.body, status_code=outcome.status, headers=headers)


def api_handlers(service: Service) -> list[BaseRouteHandler]:
    """The API's route handlers for ``service``."""

    @get(f"{API}/health", responses=ERRORS, tags=["service"])
    async def health() -> Health:
        """Whether the service and its store answer."""
        service.store.database.ping()
        return Health("ok", "ok")

    @get(f"{API}/version", tags=["service"])
    async def version() -> Version:
        """shopperkit's version, the store's schema and the programme served."""
        return Version(
            __version__,
            service.store.database.version(),
            service.programme.id,
            service.programme.version,
            service.intake.languages.declared,
        )

    @get(f"{API}/forms", responses=ERRORS, tags=["forms"])
    async def forms(request: Request[Any, Any, Any], lang: LanguageQuery = None) -> FormList:
        """The programme's forms, titled in the asked language."""
        language = service.intake.language(lang, request.headers.get("accept-language"))
        return FormList(
            language,
            tuple(
                FormSummary(form.id, form.version, form.text(form.title, language))
                for form in service.intake.forms.values()
            ),
        )

    @get(f"{API}/forms/{{form_id:str}}", responses=ERRORS, tags=["forms"])
    async def form(
        request: Request[Any, Any, Any],
        form_id: Annotated[str, PathParameter(description="the form's id")],
        lang: LanguageQuery = None,
    ) -> LocalisedForm:
        """One form localised to the asked language: sections, questions, options and
        ``show_if`` conditions."""
        language = service.intake.language(lang, request.headers.get("accept-language"))
        shown = service.intake.form(form_id, language)
        return LocalisedForm(
            shown["id"],
            shown["version"],
            shown["language"],
            shown["direction"],
            shown["title"],
            tuple(shown["languages"]),
            tuple(shown["sections"]),
        )

    @post(
        f"{API}/evaluations",
        responses=SUBMIT_RESPONSES,
        status_code=201,
        tags=["submissions"],
    )
    async def evaluation(
        request: Request[Any, Any, Any],
        lang: LanguageQuery = None,
        api_key: KeyHeader = None,
        idempotency_key: IdempotencyHeader = None,
        card: Annotated[
            bool, QueryParameter(description="also answer with every item's contribution")
        ] = False,
        text: Annotated[
            bool, QueryParameter(description="also answer with the score card as text")
        ] = False,
    ) -> Response[EvaluationAccepted]:
        """Submit one evaluation (``evaluation.schema.json``): checked against its form,
        kept once per ``Idempotency-Key`` and scored; answered with the score card, or with
        every problem."""
        return await _submitted(
            service, request, "evaluation", lang, api_key, idempotency_key, card=card, text=text
        )

    @post(
        f"{API}/applications",
        responses=SUBMIT_RESPONSES,
        status_code=201,
        tags=["submissions"],
    )
    async def application(
        request: Request[Any, Any, Any],
        lang: LanguageQuery = None,
        api_key: KeyHeader = None,
        idempotency_key: IdempotencyHeader = None,
    ) -> Response[VerdictBody]:
        """Apply to a recruited programme (``applicant.schema.json``): screened, kept once
        per ``Idempotency-Key``, answered with the verdict in the applicant's language."""
        return await _submitted(service, request, "application", lang, api_key, idempotency_key)

    @get(f"{API}/aggregates", responses=ERRORS, tags=["results"])
    async def aggregates(
        by: Annotated[str, QueryParameter(description="group keys, comma-separated")] = "",
    ) -> Published:
        """Published aggregates of the accepted evaluations: groups of fewer than the
        service's minimum evaluations or shoppers are withheld; no identities."""
        keys = check_keys([part.strip() for part in by.split(",") if part.strip()])
        # Counting reads every kept evaluation: off the event loop, so submissions go on.
        document = await anyio.to_thread.run_sync(service.aggregates, keys)
        return Published(
            document["programme"],
            tuple(document["by"]),
            document["min_group"],
            tuple(document["groups"]),
            document["withheld"],
            document["aggregation"],
        )

    @get(f"{API}/submissions", responses=ERRORS, tags=["officers"])
    async def submissions(
        api_key: KeyHeader = None,
        kind: Annotated[
            str, QueryParameter(description="evaluation or application")
        ] = "evaluation",
    ) -> SubmissionList:
        """Kept submissions of one kind, for officers (``officer`` key): what was decided,
        never who submitted."""
        service.require(api_key, "officer")
        if kind not in ("evaluation", "application"):
            raise ServiceError(
                400,
                "value_not_allowed",
                {"value": kind, "allowed": ["evaluation", "application"]},
                where="kind",
            )
        shown = tuple(
            SubmissionSummary(
                str(result.get("submission", "")),
                str(data.get("id", "")),
                str(data.get("form", "")),
                str(data.get("channel", "")),
                str(data.get("language", "")),
                {k: v for k, v in result.items() if k != "submission"},
            )
            for data, result in service.store.submissions(service.programme.id, kind)
        )
        return SubmissionList(kind, shown)

    return [health, version, forms, form, evaluation, application, aggregates, submissions]


def create_app(
    settings: ServiceSettings,
    *,
    store: Store | None = None,
    registry: Registry | None = None,
    extra: Sequence[Extra] = (),
) -> Litestar:
    """The service for ``settings``: the API, and whatever ``extra`` adds (the web form, the
    chat webhook), on ``store`` (opened from ``settings.store_url`` when not given)."""
    kept = store or Store(settings.store_url)
    service = Service(settings, kept, registry)
    handlers: list[BaseRouteHandler] = api_handlers(service)
    for more in extra:
        handlers.extend(more(service))

    async def start() -> None:
        # What is loaded by now lives as long as the service: the collector skips it.
        gc.collect()
        gc.freeze()
        await service.writer.start()

    async def stop() -> None:
        await service.writer.stop()
        if store is None:
            kept.close()

    app = Litestar(
        route_handlers=handlers,
        on_startup=[start],
        on_shutdown=[stop],
        exception_handlers=_error_handlers(service),  # type: ignore[arg-type]
        cors_config=CORSConfig(allow_origins=list(settings.cors_origins))
        if settings.cors_origins
        else None,
        csrf_config=CSRFConfig(
            secret=settings.csrf_secret or secrets.token_urlsafe(32),
            exclude=["^/api/", "^/whatsapp/", "^/schema"],
            cookie_samesite="strict",
        ),
        openapi_config=OpenAPIConfig(
            title="shopperkit",
            version=__version__,
            description="Submissions, forms and published results of one Mystery Shopper "
            "programme.",
        ),
        request_max_body_size=settings.max_body,
        debug=False,
    )
    app.state.service = service
    return app


def openapi_document(programme: str = "uae") -> dict[str, Any]:
    """The service's OpenAPI description (published with the docs as ``openapi.json``)."""
    import tempfile

    from shopperkit.store import Database

    with tempfile.TemporaryDirectory(prefix="shopperkit-openapi-") as folder:
        url = f"sqlite:///{folder}/openapi.db"
        Database(url).upgrade()
        store = Store(url)
        try:
            app = create_app(ServiceSettings(url, programme, csrf_secret="-"), store=store)
            document: dict[str, Any] = app.openapi_schema.to_schema()
            return document
        finally:
            store.close()
