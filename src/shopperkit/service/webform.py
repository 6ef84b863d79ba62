"""The web form: any form of the programme as a phone-sized HTML page in any of its
languages, submitted as JSON by a small script and kept through :meth:`Service.receive`
like any other evaluation (channel ``web``).

Add it with ``create_app(settings, extra=[web_form_handlers])``.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Annotated, Any

from babel import Locale
from jinja2 import Environment, FileSystemLoader
from litestar import Request, Response, get, post
from litestar.handlers import BaseRouteHandler
from litestar.params import PathParameter

from shopperkit.service.core import Service, ServiceError

HERE = Path(__file__).parent
FormId = Annotated[str, PathParameter(description="the form's id")]
STATIC_PATH = "/form-static"

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'self'"
)
"""The page runs only the service's own script and style: no inline code, no other site."""

ASSETS = {"form.js": "text/javascript", "form.css": "text/css"}
"""The files under ``static/`` the page loads, with their media types."""

PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


@cache
def templates() -> Environment:
    """The page templates, every value escaped."""
    environment = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=True,
        auto_reload=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["plain"] = plain_number
    return environment


def plain_number(value: float) -> str:
    """A bound as an HTML attribute wants it: ``600``, not ``600.0``."""
    return str(int(value)) if float(value).is_integer() else str(value)


@cache
def static_file(name: str) -> bytes:
    """One of the :data:`ASSETS`, read once."""
    return (HERE / "static" / name).read_bytes()


def language_name(language: str) -> str:
    """A language's name in itself (``العربية``, ``français``)."""
    return Locale.parse(language).get_display_name(language) or language


def words(service: Service, language: str) -> dict[str, str]:
    """The page's own words in ``language`` (the ``service`` catalogue)."""
    intake = service.intake
    return {
        "language": intake.say("web_form_language", {}, language),
        "visit": intake.say("web_form_visit", {}, language),
        "entity": intake.say("web_form_entity", {}, language),
        "centre": intake.say("web_form_centre", {}, language),
        "service": intake.say("web_form_service", {}, language),
        "choose": intake.say("web_form_choose", {}, language),
        "visited_at": intake.say("web_form_visited_at", {}, language),
        "required": intake.say("web_form_required", {}, language),
        "not_applicable": intake.say("web_form_not_applicable", {}, language),
        "comment": intake.say("web_form_comment", {}, language),
        "submit": intake.say("web_form_submit", {}, language),
        "sending": intake.say("web_form_sending", {}, language),
        "thanks": intake.say("web_form_thanks", {}, language),
        "problems": intake.say("web_form_problems", {}, language),
        "unreachable": intake.say("web_form_unreachable", {}, language),
        "script_needed": intake.say("web_form_script_needed", {}, language),
    }


def _name(names: Mapping[str, str], language: str, fallback: str) -> str:
    return names.get(language) or names.get("en") or names.get(fallback) or ""


def places(service: Service, language: str) -> dict[str, list[dict[str, Any]]]:
    """The directory's centres and services, named in ``language`` (else English), or empty
    lists when the programme ships no directory."""
    directory = service.intake.registry.directory(service.programme)
    if directory is None:
        return {"centres": [], "services": []}
    fallback = service.intake.languages.fallback
    return {
        "centres": [
            {
                "id": centre.id,
                "entity": centre.entity,
                "name": _name(centre.name, language, fallback),
                "services": " ".join(centre.services),
            }
            for centre in directory.centres
        ],
        "services": [
            {"id": item.id, "entity": item.entity, "name": _name(item.name, language, fallback)}
            for item in directory.services
        ],
    }


def render_page(service: Service, form_id: str, language: str) -> str:
    """The HTML page of form ``form_id`` in ``language``."""
    form = service.intake.form(form_id, language)
    shown = form["language"]
    page = templates().get_template("form.html")
    return page.render(
        form=form,
        programme=service.programme.id,
        languages=[(code, language_name(code)) for code in form["languages"]],
        words=words(service, shown),
        places=places(service, shown),
    )


def web_form_handlers(service: Service) -> list[BaseRouteHandler]:
    """The web form's route handlers: the page, its submission and its script and style."""

    @get("/form/{form_id:str}", include_in_schema=False)
    async def page(request: Request[Any, Any, Any], form_id: FormId) -> Response[str]:
        """Form ``form_id`` as an HTML page in ``?lang=`` (else the browser's language)."""
        language = service.intake.language(
            request.query_params.get("lang"), request.headers.get("accept-language")
        )
        html = render_page(service, form_id, language)
        return Response(html, media_type="text/html; charset=utf-8", headers=PAGE_HEADERS)

    @post("/form/{form_id:str}/submit", include_in_schema=False, status_code=201)
    async def submit(request: Request[Any, Any, Any], form_id: FormId) -> Response[Any]:
        """An evaluation sent by the page (JSON, the CSRF token in ``X-CSRFToken``, the
        page's submission id in ``Idempotency-Key``), taken as an evaluation of the form in
        the address: the score card, or every problem."""
        language = service.intake.language(
            request.query_params.get("lang"), request.headers.get("accept-language")
        )
        service.intake.form(form_id, language)
        record = service.parse_body(await request.body())
        if isinstance(record, dict):
            record = {**record, "form": form_id}
        outcome = await service.receive(
            "evaluation",
            request.headers.get("idempotency-key"),
            record,
            language,
            key=None,
            address=request.client.host if request.client else "",
            channel="web",
            text=True,  # the page shows the score card as text
        )
        headers = {"Idempotent-Replayed": "true"} if outcome.replayed else {}
        return Response(outcome.body, status_code=outcome.status, headers=headers)

    @get(f"{STATIC_PATH}/{{name:str}}", include_in_schema=False)
    async def asset(name: Annotated[str, PathParameter()]) -> Response[bytes]:
        """The page's script and style sheet."""
        if name not in ASSETS:
            raise ServiceError(404, "not_found")
        return Response(
            static_file(name),
            media_type=ASSETS[name],
            headers={"Cache-Control": "max-age=300", "X-Content-Type-Options": "nosniff"},
        )

    return [page, submit, asset]
