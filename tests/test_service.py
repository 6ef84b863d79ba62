"""The service's API, through Litestar's test client, on SQLite and PostgreSQL stores."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar.testing import TestClient

from shopperkit import Registry, score
from shopperkit.forms.localise import localised
from shopperkit.messages import render
from shopperkit.scoring import Scoring
from shopperkit.service import ServiceSettings, create_app
from shopperkit.store import Database, Store, head_version
from tests.helpers import with_parameter

ROOT = Path(__file__).resolve().parent.parent
VISIT = ROOT / "examples" / "forms" / "example-evaluations.jsonl"


def quick(number: int, thumbs: str = "up", shopper: str | None = None) -> dict[str, Any]:
    """A UAE quick rating."""
    return {
        "id": f"q-{number}",
        "form": "uae-quick",
        "form_version": "2020.1",
        "programme": "uae",
        "shopper": shopper or f"p-{number}",
        "entity": "ent-icp",
        "centre": "ctr-icp-dubai",
        "service": "svc-eid-renewal",
        "channel": "app",
        "visited_at": "2026-09-20T09:15:00+04:00",
        "submitted_at": "2026-09-20T10:00:00+04:00",
        "language": "en",
        "answers": {"thumbs": thumbs},
    }


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry()


def client_for(url: str, registry: Registry, **options: Any) -> Iterator[TestClient[Any]]:
    Database(url).upgrade()
    store = Store(url)
    settings = ServiceSettings(url, options.pop("programme", "uae"), **options)
    try:
        with TestClient(create_app(settings, store=store, registry=registry)) as client:
            yield client
    finally:
        store.close()


@pytest.fixture
def client(db_url: str, registry: Registry) -> Iterator[TestClient[Any]]:
    yield from client_for(db_url, registry, min_group=2)


@pytest.fixture
def sqlite_client(tmp_path: Path, registry: Registry) -> Iterator[TestClient[Any]]:
    yield from client_for(f"sqlite:///{tmp_path / 's.db'}", registry, sender_limit="3/minute")


def store_of(client: TestClient[Any]) -> Store:
    store: Store = client.app.state.service.store
    return store


def stored(client: TestClient[Any], kind: str = "evaluation", programme: str = "uae") -> list[Any]:
    return list(store_of(client).submissions(programme, kind))


def test_health_and_version(client: TestClient[Any]) -> None:
    assert client.get("/api/v1/health").json() == {"status": "ok", "store": "ok"}
    version = client.get("/api/v1/version").json()
    assert version["programme"] == "uae"
    assert version["store_schema"] == head_version()
    assert len(version["languages"]) == 8


@pytest.mark.parametrize("language", ["ar", "en", "ur", "hi", "es", "zh", "fr", "ru"])
def test_forms_come_localised_with_options_and_conditions(
    sqlite_client: TestClient[Any], registry: Registry, language: str
) -> None:
    listed = sqlite_client.get("/api/v1/forms", params={"lang": language}).json()
    assert {form["id"] for form in listed["forms"]} == {"uae-quick", "uae-visit"}
    form = registry.form("uae-visit")
    shown = sqlite_client.get("/api/v1/forms/uae-visit", params={"lang": language}).json()
    assert shown == localised(form, language)
    assert shown["direction"] == ("rtl" if language in ("ar", "ur") else "ltr")
    questions = [q for s in shown["sections"] for q in s["questions"]]
    assert any("show_if" in q for q in questions)
    assert all(
        q["text"] == form.text(form.questions()[q["id"]][1].text, language) for q in questions
    )


def test_a_language_the_programme_does_not_speak_is_a_coded_error(
    sqlite_client: TestClient[Any],
) -> None:
    answer = sqlite_client.get("/api/v1/forms", params={"lang": "de"})
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "programme_language_undeclared"
    # Accept-Language picks the first declared language; an unknown one falls back.
    assert (
        sqlite_client.get("/api/v1/forms", headers={"Accept-Language": "de, fr;q=0.8"}).json()[
            "language"
        ]
        == "fr"
    )
    assert (
        sqlite_client.get("/api/v1/forms", headers={"Accept-Language": "de"}).json()["language"]
        == "en"
    )


def test_an_evaluation_is_scored_kept_once_and_answered_in_its_language(
    client: TestClient[Any], registry: Registry
) -> None:
    record = quick(1)
    first = client.post(
        "/api/v1/evaluations",
        json=record,
        params={"lang": "ru", "text": "true"},
        headers={"Idempotency-Key": "s-1"},
    )
    assert first.status_code == 201
    body = first.json()
    expected = Scoring(registry.forms("uae")).score_data(dict(record))
    assert isinstance(expected, dict)
    assert body["score"]["overall"] == expected["overall"] == 100.0
    assert "shopper" not in body["score"]
    assert body["card"]["overall"] == 100.0
    assert body["card"]["sections"][0]["items"][0]["contribution"] == 100.0
    assert "p-1" not in json.dumps(body)
    assert (
        render(
            "score_card_heading",
            {"evaluation": "q-1", "form": "uae-quick 2020.1", "score": 100},
            "ru",
        ).split("\u2068")[0]
        in body["text"]
    )
    again = client.post(
        "/api/v1/evaluations",
        json=record,
        params={"lang": "ru"},
        headers={"Idempotency-Key": "s-1"},
    )
    assert again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == body
    assert len(stored(client)) == 1
    reused = client.post("/api/v1/evaluations", json=quick(2), headers={"Idempotency-Key": "s-1"})
    assert reused.status_code == 422
    assert reused.json()["error"]["code"] == "submission_conflict"
    assert len(stored(client)) == 1


def test_a_refused_evaluation_lists_every_problem_in_the_submitter_s_language(
    client: TestClient[Any],
) -> None:
    record = quick(3, thumbs="sideways")
    del record["centre"]
    answer = client.post(
        "/api/v1/evaluations",
        json=record,
        params={"lang": "ar"},
        headers={"Idempotency-Key": "s-3"},
    )
    assert answer.status_code == 422
    problems = answer.json()["problems"]
    assert {p["where"] for p in problems} >= {"$.centre", "$.answers.thumbs"}
    for problem in problems:
        assert problem["message"]
        assert problem["message"] != render(problem["code"], {}, "en")
    assert stored(client) == []


def test_submissions_need_an_id_and_bounded_json(sqlite_client: TestClient[Any]) -> None:
    missing = sqlite_client.post("/api/v1/evaluations", json=quick(4))
    assert missing.json()["error"]["code"] == "submission_id_missing"
    deep = sqlite_client.post(
        "/api/v1/evaluations",
        content=b"[" * 200 + b"]" * 200,
        headers={"Idempotency-Key": "d", "Content-Type": "application/json"},
    )
    assert (deep.status_code, deep.json()["error"]["code"]) == (400, "json_too_deep")
    broken = sqlite_client.post(
        "/api/v1/evaluations", content=b'{"id": ', headers={"Idempotency-Key": "b"}
    )
    assert (broken.status_code, broken.json()["error"]["code"]) == (400, "json_invalid")
    big = sqlite_client.post(
        "/api/v1/evaluations",
        content=b'{"x": "' + b"a" * 300_000 + b'"}',
        headers={"Idempotency-Key": "big", "Content-Type": "application/json"},
    )
    assert (big.status_code, big.json()["error"]["code"]) == (413, "request_too_large")
    assert stored(sqlite_client) == []


def test_a_sender_is_rate_limited(sqlite_client: TestClient[Any]) -> None:
    codes = [
        sqlite_client.post(
            "/api/v1/evaluations",
            json=quick(n, shopper="same"),
            headers={"Idempotency-Key": f"r-{n}"},
        ).status_code
        for n in range(5)
    ]
    assert codes == [201, 201, 201, 429, 429]
    limited = sqlite_client.post(
        "/api/v1/evaluations", json=quick(9, shopper="same"), headers={"Idempotency-Key": "r-9"}
    )
    assert limited.json()["error"]["code"] == "rate_limited"
    assert (
        sqlite_client.post(
            "/api/v1/evaluations", json=quick(10), headers={"Idempotency-Key": "r-10"}
        ).status_code
        == 201
    )


def test_officer_endpoints_need_a_key_with_the_role(client: TestClient[Any]) -> None:
    store = store_of(client)
    officer = store.create_key("officer-1", ["officer"])
    app_key = store.create_key("app-1", ["app"])
    assert client.get("/api/v1/submissions").json()["error"]["code"] == "key_required"
    assert client.get("/api/v1/submissions", headers={"X-API-Key": "sk_wrong"}).status_code == 401
    assert client.get("/api/v1/submissions", headers={"X-API-Key": app_key}).status_code == 403
    client.post(
        "/api/v1/evaluations",
        json=quick(5),
        headers={"Idempotency-Key": "o-5", "X-API-Key": app_key},
    )
    listing = client.get("/api/v1/submissions", headers={"X-API-Key": officer})
    assert listing.status_code == 200
    (only,) = listing.json()["submissions"]
    assert only["record"] == "q-5"
    assert "p-5" not in listing.text
    store.revoke_key("officer-1")
    assert store.key(officer) is None
    assert [k.revoked for k in store.api_keys()] == [False, True]


def test_keys_are_kept_hashed(client: TestClient[Any]) -> None:
    store = store_of(client)
    secret = store.create_key("k", ["officer"])
    from sqlalchemy import text

    with store.database.reading() as session:
        rows = [tuple(row) for row in session.execute(text("SELECT * FROM api_keys"))]
    assert secret not in repr(rows)
    assert store.key(secret) is not None


def test_published_aggregates_withhold_small_groups_and_name_nobody(
    client: TestClient[Any],
) -> None:
    for n, (centre, thumbs) in enumerate(
        [
            ("ctr-icp-dubai", "up"),
            ("ctr-icp-dubai", "down"),
            ("ctr-icp-dubai", "up"),
            ("ctr-other", "up"),
        ]
    ):
        record = quick(n) | {"centre": centre, "answers": {"thumbs": thumbs}}
        assert (
            client.post(
                "/api/v1/evaluations", json=record, headers={"Idempotency-Key": f"a-{n}"}
            ).status_code
            == 201
        )
    published = client.get("/api/v1/aggregates", params={"by": "centre"}).json()
    assert published["withheld"] == 1
    (group,) = published["groups"]
    assert group["key"] == {"centre": "ctr-icp-dubai"}
    assert group["overall"]["count"] == 3
    assert group["overall"]["mean"] == pytest.approx(200 / 3)
    assert published["aggregation"] == "mean"
    assert "pooled" not in group["overall"]
    assert "p-0" not in json.dumps(published)
    bad = client.get("/api/v1/aggregates", params={"by": "shopper"})
    assert bad.status_code == 400


def test_published_aggregates_are_scored_by_the_programme_s_aggregation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    registry = Registry()
    plugin, uae = registry.programmes()["uae"]
    monkeypatch.setitem(
        registry.programmes(), "uae", (plugin, with_parameter(uae, "aggregation", "pooled"))
    )
    lines = (ROOT / "examples" / "uae" / "evaluations.jsonl").read_text(encoding="utf-8")
    records = [json.loads(line) for line in lines.splitlines()]
    url = f"sqlite:///{tmp_path / 'pooled.db'}"
    limits = {"anonymous_limit": "1000/minute", "sender_limit": "1000/minute"}
    for client in client_for(url, registry, min_group=2, **limits):
        accepted = []
        for n, record in enumerate(records):
            sent = client.post(
                "/api/v1/evaluations", json=record, headers={"Idempotency-Key": f"p-{n}"}
            )
            assert sent.status_code in (201, 422), sent.text
            if sent.status_code == 201:
                accepted.append(record)
        published = client.get("/api/v1/aggregates", params={"by": "centre"}).json()
    # As `shopperkit score` writes aggregates.json for the same evaluations.
    scored = score(accepted, registry, by=("centre",), aggregation="pooled").document()
    assert scored["aggregation"] == published["aggregation"] == "pooled"
    expected = {group["key"]["centre"]: group for group in scored["groups"]}
    assert published["groups"]
    differ = 0
    for group in published["groups"]:
        want = expected[group["key"]["centre"]]
        for name, summary in [("overall", group["overall"]), *group["sections"].items()]:
            wanted = want["overall"] if name == "overall" else want["sections"][name]
            for field in ("count", "mean", "earned", "possible", "pooled"):
                assert summary[field] == pytest.approx(wanted[field]), (name, field)
        differ += group["overall"]["pooled"] != pytest.approx(group["overall"]["mean"])
    assert differ > 0  # a centre where an item not applicable weighs: pooled is not the mean


def test_applications_are_screened_in_the_applicant_s_language(
    tmp_path: Path, registry: Registry
) -> None:
    for client in client_for(f"sqlite:///{tmp_path / 'q.db'}", registry, programme="qatar-cgb"):
        applicant = {
            "id": "a-1",
            "birth_date": "2010-05-01",
            "nationality": "Qatari",
            "residency": {"status": "citizen"},
            "applied_on": "2022-06-20",
            "declarations": [],
        }
        answer = client.post(
            "/api/v1/applications",
            json=applicant,
            params={"lang": "ar"},
            headers={"Idempotency-Key": "app-1"},
        )
        assert answer.status_code == 201
        verdict = answer.json()
        assert verdict["status"] == "ineligible"
        codes = {reason["code"] for reason in verdict["reasons"]}
        assert "age_below_minimum" in codes
        assert all(
            reason["message"] and not reason["message"].startswith("Applicant")
            for reason in verdict["reasons"]
        )
        bad = client.post(
            "/api/v1/applications", json={"id": "a-2"}, headers={"Idempotency-Key": "app-2"}
        )
        assert bad.status_code == 422
        assert len(stored(client, "application", "qatar-cgb")) == 1


def test_every_route_and_error_is_described_in_the_openapi_document(
    sqlite_client: TestClient[Any],
) -> None:
    document = sqlite_client.get("/schema/openapi.json").json()
    paths = document["paths"]
    assert {"/api/v1/evaluations", "/api/v1/forms/{form_id}", "/api/v1/aggregates"} <= set(paths)
    post = paths["/api/v1/evaluations"]["post"]
    assert {"201", "400", "413", "422", "429"} <= set(post["responses"])
    schemas = document["components"]["schemas"]
    assert {"ErrorBody", "Refused", "EvaluationAccepted"} <= set(schemas)


def test_unknown_addresses_and_methods_answer_with_coded_json(
    sqlite_client: TestClient[Any],
) -> None:
    missing = sqlite_client.get("/nowhere")
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "not_found")
    wrong = sqlite_client.delete("/api/v1/evaluations")
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (405, "method_not_allowed")


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    body=st.recursive(
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.text(),
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
        ),
        max_leaves=30,
    )
)
def test_any_json_body_gets_a_coded_answer_never_a_failure(
    sqlite_client: TestClient[Any], body: Any
) -> None:
    answer = sqlite_client.post(
        "/api/v1/evaluations", json=body, headers={"Idempotency-Key": "fuzz"}
    )
    assert answer.status_code in (400, 422, 429)
    data = answer.json()
    assert "error" in data or data["status"] == "refused"


def test_the_published_openapi_description_is_the_service_s_own() -> None:
    from shopperkit.service.app import openapi_document

    published = json.loads((ROOT / "docs" / "openapi.json").read_text(encoding="utf-8"))
    assert published == json.loads(json.dumps(openapi_document())), (
        "docs/openapi.json is out of date: regenerate it (docs/serve.md says how)"
    )


def test_a_busy_store_answers_503_and_the_retry_is_kept_once(
    sqlite_client: TestClient[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from shopperkit.errors import InputError

    store = store_of(sqlite_client)
    keep = store.keep_submissions

    def busy(*args: Any, **kwargs: Any) -> Any:
        raise InputError("store_busy", {"seconds": 5})

    monkeypatch.setattr(store, "keep_submissions", busy)
    answer = sqlite_client.post(
        "/api/v1/evaluations", json=quick(7), headers={"Idempotency-Key": "busy"}
    )
    assert (answer.status_code, answer.json()["error"]["code"]) == (503, "store_busy")
    monkeypatch.setattr(store, "keep_submissions", keep)
    retry = sqlite_client.post(
        "/api/v1/evaluations", json=quick(7), headers={"Idempotency-Key": "busy"}
    )
    assert retry.status_code == 201
    assert len(stored(sqlite_client)) == 1
