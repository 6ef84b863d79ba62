"""The web form: every form in every language as an escaped, phone-sized page under a strict
Content-Security-Policy; submissions guarded by the CSRF cookie and kept once per page; and,
in Debian's Chromium, show_if applied live, answers sent and the score shown and stored."""

from __future__ import annotations

import json
import os
import re
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from attrs import evolve
from litestar import Litestar
from litestar.testing import TestClient
from markupsafe import escape

from shopperkit.forms.load import load_form
from shopperkit.forms.localise import localised
from shopperkit.i18n.catalogues import LANGUAGES
from shopperkit.model.forms import Form
from shopperkit.model.programme import Programme
from shopperkit.model.services import Directory
from shopperkit.registry import Registry
from shopperkit.service import ServiceSettings, create_app
from shopperkit.service.webform import web_form_handlers
from shopperkit.store import Store
from shopperkit.store.database import Database
from tests.browser import CHROMIUM_FLAGS, chromium
from tests.postgres import free_port

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = json.loads(
    (ROOT / "examples" / "uae" / "evaluations.jsonl").read_text(encoding="utf-8").splitlines()[0]
)
ARTIFACTS = ROOT / "build" / "test-artifacts"
CHROMEDRIVER = Path("/usr/bin/chromedriver")
HOSTILE = "</textarea><script>alert('x')</script>\"'&"
UAE_FORMS = [form.id for form in Registry().forms("uae")]


def store_url(folder: Path) -> str:
    """A fresh SQLite store in ``folder``, its schema made."""
    url = f"sqlite:///{folder / 'store.db'}"
    Database(url).upgrade()
    return url


def app_on(url: str, store: Store, registry: Registry | None = None) -> Litestar:
    return create_app(
        ServiceSettings(url, "uae"), store=store, registry=registry, extra=[web_form_handlers]
    )


@pytest.fixture
def url(tmp_path: Path) -> str:
    return store_url(tmp_path)


@pytest.fixture
def store(url: str) -> Iterator[Store]:
    kept = Store(url)
    yield kept
    kept.close()


@pytest.fixture
def client(url: str, store: Store) -> Iterator[TestClient[Litestar]]:
    with TestClient(app_on(url, store)) as shown:
        yield shown


def record(**changes: Any) -> dict[str, Any]:
    """The first example evaluation, sent from the web."""
    return {**EXAMPLE, "id": "web-0001", "channel": "web", **changes}


def submit(client: TestClient[Litestar], data: Any, submission: str, language: str = "en") -> Any:
    """Open the page (which sets the CSRF cookie), then send ``data`` as the page does."""
    client.get(f"/form/uae-visit?lang={language}")
    return client.post(
        f"/form/uae-visit/submit?lang={language}",
        content=json.dumps(data),
        headers={
            "Content-Type": "application/json",
            "X-CSRFToken": client.cookies.get("csrftoken") or "",
            "Idempotency-Key": submission,
        },
    )


def kept(store: Store) -> list[tuple[Any, Any]]:
    return list(store.submissions("uae", "evaluation"))


# --- the page ---------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("form_id", UAE_FORMS)
def test_every_form_renders_in_every_language(
    client: TestClient[Litestar], form_id: str, language: str
) -> None:
    response = client.get(f"/form/{form_id}?lang={language}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    page = response.text
    direction = "rtl" if language in ("ar", "ur") else "ltr"
    assert f'<html lang="{language}" dir="{direction}">' in page
    assert 'name="viewport"' in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page), "no inline script"
    assert not re.search(r"\son[a-z]+=", page), "no inline handlers"
    shown = localised(Registry().form(form_id), language)
    assert str(escape(shown["title"])) in page
    for section in shown["sections"]:
        assert str(escape(section["title"])) in page
        for question in section["questions"]:
            assert str(escape(question["text"])) in page
            assert f'data-question="{question["id"]}"' in page
            for option in question.get("options", []):
                assert str(escape(option["label"])) in page
    for other in LANGUAGES:
        assert f'href="?lang={other}"' in page
    assert 'id="centre"' in page
    assert 'id="service"' in page
    assert 'type="datetime-local"' in page


def test_the_page_uses_the_right_inputs(client: TestClient[Litestar]) -> None:
    page = client.get("/form/uae-visit?lang=en").text
    assert 'type="radio" name="service_completed" value="yes"' in page
    assert 'type="checkbox" name="payment_channels" value="card"' in page
    assert 'name="waiting_minutes" type="number"' in page
    assert 'min="0" max="600"' in page
    assert '<textarea id="a-improvement_suggestion"' in page
    assert 'type="radio" name="waiting_informed" value="na"' in page
    assert 'data-show-if="service_completed" data-show-in=\'["yes"]\' hidden' in page
    assert "Customer Happiness Centre - Dubai" in page
    arabic = client.get("/form/uae-visit?lang=ar").text
    assert "مركز خدمة المتعاملين - دبي" in arabic
    assert "لا ينطبق" in arabic
    hindi = client.get("/form/uae-visit?lang=hi").text
    assert "Customer Happiness Centre - Dubai" in hindi, "English when the language has no name"


def test_the_script_and_style_are_served(client: TestClient[Litestar]) -> None:
    script = client.get("/form-static/form.js")
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    assert "randomUUID" in script.text
    assert client.get("/form-static/form.css").status_code == 200
    missing = client.get("/form-static/secrets.txt")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"


def test_an_unknown_form_or_language_is_refused(client: TestClient[Litestar]) -> None:
    assert client.get("/form/nope?lang=en").json()["error"]["code"] == "form_unknown"
    undeclared = client.get("/form/uae-visit?lang=de").json()["error"]["code"]
    assert undeclared == "programme_language_undeclared"


class HostileRegistry(Registry):
    """The installed plugins, plus a form and centre names written to break out of HTML."""

    def __init__(self, form: Form) -> None:
        super().__init__()
        self.hostile = form

    def forms(self, programme: str | Programme) -> tuple[Form, ...]:
        return (*super().forms(programme), self.hostile)

    def directory(self, programme: str | Programme) -> Directory | None:
        shipped = super().directory(programme)
        assert shipped is not None
        centres = tuple(evolve(c, name={"en": HOSTILE + c.id}) for c in shipped.centres)
        return evolve(shipped, centres=centres)


def test_hostile_texts_are_escaped(tmp_path: Path, url: str, store: Store) -> None:
    source = ROOT / "plugins/shopperkit-uae/src/shopperkit_uae/forms/uae-quick.yaml"
    text = source.read_text(encoding="utf-8").replace("id: uae-quick", "id: hostile-quick")
    text = text.replace("en: Quick rating", f"en: {json.dumps(HOSTILE)}")
    text = text.replace("en: Parking", f"en: {json.dumps(HOSTILE)}")
    text = text.replace('"Thumbs up: good"', json.dumps("<img src=x onerror=alert(1)>"))
    path = tmp_path / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    registry = HostileRegistry(load_form(path))
    with TestClient(app_on(url, store, registry)) as client:
        page = client.get("/form/hostile-quick?lang=en").text
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "</textarea><script>" not in page
    assert str(escape(HOSTILE)) in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert str(escape(HOSTILE + "ctr-icp-dubai")) in page


# --- submitting -------------------------------------------------------------------------------


def test_a_submission_without_the_csrf_token_is_refused(
    client: TestClient[Litestar], store: Store
) -> None:
    client.get("/form/uae-visit?lang=ar")
    refused = client.post(
        "/form/uae-visit/submit?lang=ar",
        content=json.dumps(record()),
        headers={"Content-Type": "application/json", "Idempotency-Key": "s-1"},
    )
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "csrf_invalid"
    forged = client.post(
        "/form/uae-visit/submit?lang=ar",
        content=json.dumps(record()),
        headers={"X-CSRFToken": "forged", "Idempotency-Key": "s-1"},
    )
    assert forged.status_code == 403
    assert kept(store) == []


def test_a_submission_is_kept_once_and_a_retry_adds_nothing(
    client: TestClient[Litestar], store: Store
) -> None:
    first = submit(client, record(), "page-1")
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["status"] == "accepted"
    assert body["text"]
    [(data, result)] = kept(store)
    assert data["id"] == "web-0001"
    assert data["channel"] == "web"
    assert result["score"]["overall"] == body["score"]["overall"]
    again = submit(client, record(), "page-1")
    assert again.status_code == 200
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == body
    assert len(kept(store)) == 1


def test_problems_come_back_in_the_language_with_their_json_paths(
    client: TestClient[Litestar], store: Store
) -> None:
    answers = {k: v for k, v in EXAMPLE["answers"].items() if k != "waiting_minutes"}
    refused = submit(client, record(answers=answers), "page-2", language="ar")
    assert refused.status_code == 422
    problems = refused.json()["problems"]
    assert any(p["where"] == "$.answers.waiting_minutes" for p in problems)
    assert all(p["message"] and p["code"] for p in problems)
    assert kept(store) == []


def test_the_page_names_the_form_it_was_opened_for(
    client: TestClient[Litestar], store: Store
) -> None:
    accepted = submit(client, record(form="uae-quick"), "page-3")
    assert accepted.status_code == 201, accepted.text
    [(data, _)] = kept(store)
    assert data["form"] == "uae-visit"


# --- in a real browser ------------------------------------------------------------------------


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Store]]:
    """The real app under uvicorn on 127.0.0.1, stopped at the end of the test."""
    import uvicorn

    url = store_url(tmp_path)
    store = Store(url)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app_on(url, store), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive(), "the server stopped"
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", store
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        store.close()


@pytest.fixture
def browser() -> Iterator[Any]:
    """Debian's headless Chromium driven through Debian's chromedriver."""
    if not CHROMEDRIVER.exists() and not os.environ.get("CI"):
        pytest.skip("/usr/bin/chromedriver is missing: apt-get install chromium chromium-driver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    with tempfile.TemporaryDirectory() as profile:
        options = webdriver.ChromeOptions()
        options.binary_location = chromium()
        for flag in (*CHROMIUM_FLAGS, "--disable-dev-shm-usage", "--window-size=412,915"):
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={profile}")
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        driver = webdriver.Chrome(
            service=Service(executable_path=str(CHROMEDRIVER)), options=options
        )
        try:
            yield driver
        finally:
            driver.quit()


def choose(driver: Any, question: str, value: Any) -> None:
    from selenium.webdriver.common.by import By

    for one in value if isinstance(value, list) else [value]:
        driver.find_element(By.CSS_SELECTOR, f'input[name="{question}"][value="{one}"]').click()


def shot(driver: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / f"web-form-{name}.png"))


@pytest.mark.parametrize(("language", "completed"), [("en", "yes"), ("ar", "no")])
def test_a_shopper_fills_in_the_form_in_a_browser(
    served: tuple[str, Store], browser: Any, language: str, completed: str
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as shown
    from selenium.webdriver.support.ui import Select, WebDriverWait

    base, store = served
    driver = browser
    wait = WebDriverWait(driver, 20)
    driver.get(f"{base}/form/uae-visit?lang={language}")
    root = driver.find_element(By.TAG_NAME, "html")
    assert root.get_attribute("lang") == language
    assert root.get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    shot(driver, f"{language}-opened")

    completion = driver.find_element(By.ID, "q-completion_minutes")
    assert not completion.is_displayed()
    choose(driver, "service_completed", "no")
    assert not completion.is_displayed()
    choose(driver, "service_completed", "yes")
    assert completion.is_displayed(), "shown once its show_if holds"

    Select(driver.find_element(By.ID, "centre")).select_by_value(EXAMPLE["centre"])
    Select(driver.find_element(By.ID, "service")).select_by_value(EXAMPLE["service"])
    answers = {**EXAMPLE["answers"], "service_completed": completed}
    for question, value in answers.items():
        field = driver.find_element(By.ID, f"q-{question}")
        if not field.is_displayed():
            continue
        if field.get_attribute("data-type") in ("number", "duration"):
            field.find_element(By.TAG_NAME, "input").send_keys(str(value))
        elif field.get_attribute("data-type") == "text":
            field.find_element(By.TAG_NAME, "textarea").send_keys(str(value))
        else:
            choose(driver, question, value)
    assert completion.is_displayed() == (completed == "yes")

    # Sent without the visit's date: the problem shows beside that field, in the language.
    driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    place = driver.find_element(By.CSS_SELECTOR, '[data-where="$.visited_at"] .problem')
    wait.until(lambda _: place.is_displayed())
    assert place.text
    shot(driver, f"{language}-problem")

    date = driver.find_element(By.ID, "visited_at")
    driver.execute_script("arguments[0].value = arguments[1]", date, "2026-11-30T10:30")
    # Two submits at once (a double click) still keep one evaluation.
    driver.execute_script(
        "const f = document.getElementById('evaluation'); f.requestSubmit(); f.requestSubmit();"
    )
    result = driver.find_element(By.ID, "result")
    wait.until(shown.visibility_of(result))
    card = driver.find_element(By.ID, "card").text
    shot(driver, f"{language}-scored")

    [(data, stored)] = kept(store)
    assert data["language"] == language
    assert data["channel"] == "web"
    assert data["shopper"].startswith("web-")
    assert data["centre"] == EXAMPLE["centre"]
    assert data["entity"] == EXAMPLE["entity"]
    assert ("completion_minutes" in data["answers"]) == (completed == "yes")
    assert isinstance(stored["score"]["overall"], int | float)
    assert card.strip() == stored["text"].strip()
    assert "shopper" not in stored["score"]
    blocked = [e for e in driver.get_log("browser") if "Content Security Policy" in e["message"]]
    assert blocked == [], "the page needs nothing its policy forbids"
