"""How the service runs: its store, programme, bounds and limits."""

from __future__ import annotations

from attrs import frozen


@frozen
class ServiceSettings:
    """Settings of :func:`shopperkit.service.create_app`.

    - ``store_url``: the workspace store (``sqlite:///...`` or ``postgresql://...``).
    - ``programme``: the programme whose forms and rules the service serves.
    - ``max_body``: the largest request body accepted, in bytes (``request_too_large``).
    - ``max_depth``: the deepest nesting of JSON arrays and objects accepted
      (``json_too_deep``).
    - ``anonymous_limit``, ``key_limit``, ``sender_limit``: rate limits (``"120/minute"``)
      for public submissions without a key (per client address), with an ``app`` key (per
      key), and per sender (the evaluation's shopper, the applicant, the chat number) whoever
      submits.
    - ``min_group``: published aggregates withhold groups of fewer evaluations than this.
    - ``cors_origins``: other origins whose pages may call the API from a browser.
    - ``csrf_secret``: signs the web form's CSRF cookie (set it in production; a random one
      is made otherwise, so forms opened before a restart must be reloaded).
    - ``whatsapp_app_secret``, ``whatsapp_verify_token``: check webhook signatures and
      answer the subscription check (the chat endpoints are off without them);
      ``pseudonym_secret`` keys the pseudonyms that stand in for chat numbers.
    - ``batch``: how many submissions one transaction keeps at most.
    """

    store_url: str
    programme: str
    max_body: int = 256 * 1024
    max_depth: int = 32
    anonymous_limit: str = "120/minute"
    key_limit: str = "6000/minute"
    sender_limit: str = "30/minute"
    min_group: int = 5
    cors_origins: tuple[str, ...] = ()
    csrf_secret: str | None = None
    whatsapp_app_secret: str | None = None
    whatsapp_verify_token: str | None = None
    pseudonym_secret: str | None = None
    batch: int = 256
