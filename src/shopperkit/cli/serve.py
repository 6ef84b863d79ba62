"""``shopperkit serve``: the HTTP service of a workspace (API, web form, chat webhook)."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from shopperkit.cli.workspaces import add_store_options, store_url
from shopperkit.errors import InputError

if TYPE_CHECKING:
    from shopperkit.service import ServiceSettings
    from shopperkit.service.app import Extra

NAME = "serve"
HELP = "run the service: the API apps call, the web form and the WhatsApp webhook"

SECRET_ENVS = {
    "csrf_secret": "SHOPPERKIT_CSRF_SECRET",
    "whatsapp_app_secret": "SHOPPERKIT_WHATSAPP_APP_SECRET",
    "whatsapp_verify_token": "SHOPPERKIT_WHATSAPP_VERIFY_TOKEN",
    "pseudonym_secret": "SHOPPERKIT_PSEUDONYM_SECRET",
}
"""Secrets come from the environment, never from the command line (which others can see)."""
SENDER_ENVS = ("SHOPPERKIT_WHATSAPP_PHONE_NUMBER_ID", "SHOPPERKIT_WHATSAPP_TOKEN")
"""The business phone number's id and the access token the chat answers through."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``[--host H] [--port N] [--programme P] [--cors ORIGIN]... [--min-group K]``."""
    add_store_options(parser)
    parser.add_argument("--programme", help="programme to serve (default: the workspace's)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on")
    parser.add_argument(
        "--cors", action="append", default=[], help="an origin whose pages may call the API"
    )
    parser.add_argument(
        "--min-group",
        type=int,
        default=5,
        help="published aggregates withhold groups of fewer evaluations or shoppers",
    )
    parser.add_argument(
        "--proxy", action="store_true", help="trust X-Forwarded-For from a reverse proxy"
    )
    parser.add_argument(
        "--openapi",
        action="store_true",
        help="print the service's OpenAPI description (JSON) and stop",
    )


def settings_of(args: argparse.Namespace) -> ServiceSettings:
    """The service's settings from the arguments, the workspace and the environment."""
    from shopperkit.service import ServiceSettings

    url, programme = store_url(args)
    chosen = args.programme or programme
    if not chosen:
        raise InputError("workspace_missing", where="--programme")
    secret = {name: os.environ.get(env) or None for name, env in SECRET_ENVS.items()}
    return ServiceSettings(
        url,
        chosen,
        cors_origins=tuple(args.cors),
        min_group=args.min_group,
        csrf_secret=secret["csrf_secret"],
        whatsapp_app_secret=secret["whatsapp_app_secret"],
        whatsapp_verify_token=secret["whatsapp_verify_token"],
        pseudonym_secret=secret["pseudonym_secret"],
    )


def run(args: argparse.Namespace) -> int:
    """Serve until stopped (Ctrl-C or SIGTERM)."""
    if args.openapi:
        import json

        from shopperkit.service.app import openapi_document

        document = openapi_document(args.programme or "uae")
        print(json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True))
        return 0
    import uvicorn

    from shopperkit.service.app import create_app
    from shopperkit.service.chat import GraphTransport, chat_handlers
    from shopperkit.service.webform import web_form_handlers

    extra: list[Extra] = [web_form_handlers]
    phone, token = (os.environ.get(name) for name in SENDER_ENVS)
    if phone and token:
        extra.append(chat_handlers(GraphTransport(phone, token)))
    app = create_app(settings_of(args), extra=extra)
    print(f"shopperkit: serving on http://{args.host}:{args.port}", file=sys.stderr)
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        log_level="warning",
        proxy_headers=args.proxy,
        forwarded_allow_ips="*" if args.proxy else None,
    )
    return 0
