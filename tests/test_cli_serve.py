"""``shopperkit serve`` and ``shopperkit keys`` as real processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from shopperkit.store import Store, Workspace
from tests.postgres import free_port
from tests.test_service import quick


def shopperkit(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "shopperkit", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_keys_are_added_listed_and_revoked(tmp_path: Path) -> None:
    Workspace.create(tmp_path, "uae")
    added = shopperkit("keys", "add", "desk", "--role", "officer", cwd=tmp_path)
    assert added.returncode == 0, added.stderr
    secret = added.stdout.strip()
    assert secret.startswith("sk_")
    listed = shopperkit("keys", "list", cwd=tmp_path)
    assert listed.stdout.splitlines() == ["desk\tofficer\tactive"]
    wrong = shopperkit("keys", "add", "x", "--role", "king", cwd=tmp_path)
    assert wrong.returncode == 2
    assert "[key_role_unknown]" in wrong.stderr
    assert shopperkit("keys", "revoke", "desk", cwd=tmp_path).returncode == 0
    assert shopperkit("keys", "list", cwd=tmp_path).stdout.splitlines() == [
        "desk\tofficer\trevoked"
    ]
    again = shopperkit("keys", "revoke", "desk", cwd=tmp_path)
    assert "[key_unknown]" in again.stderr


def test_serve_answers_on_loopback_keeps_submissions_and_stops_on_sigterm(tmp_path: Path) -> None:
    workspace = Workspace.create(tmp_path, "uae")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "shopperkit", "serve", "--port", str(port)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "SHOPPERKIT_CSRF_SECRET": "test-secret"},
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, server.communicate()
            assert time.monotonic() < deadline, "the service did not start"
            time.sleep(0.2)
        answer = httpx.post(
            f"{base}/api/v1/evaluations", json=quick(1), headers={"Idempotency-Key": "one"}
        )
        assert answer.status_code == 201
    finally:
        server.send_signal(signal.SIGTERM)
        _, errors = server.communicate(timeout=60)
    assert server.returncode == 0, errors
    store = Store(workspace.url)
    try:
        assert [data["id"] for data, _ in store.submissions("uae", "evaluation")] == ["q-1"]
    finally:
        store.close()
