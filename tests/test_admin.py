# Login throttling for the upload page, with a fake clock: exponential delay per session,
# lockout after repeated failures, the process-wide brake, and the constant-time check.
"""pluginnan_core.admin."""

from __future__ import annotations

from pluginnan_core import admin


def test_right_password_logs_in_and_resets() -> None:
    state, guard = admin.LoginState(), admin.GlobalGuard()
    assert admin.attempt(state, "fel", "hemligt", now=0, guard=guard).code == "wrong"
    result = admin.attempt(state, "hemligt", "hemligt", now=10, guard=guard)
    assert result.ok and state.logged_in and state.failures == 0


def test_wrong_passwords_double_the_wait_then_lock() -> None:
    state, guard = admin.LoginState(), admin.GlobalGuard()
    now, waits = 0.0, []
    for _ in range(admin.MAX_FAILURES - 1):
        result = admin.attempt(state, "fel", "hemligt", now=now, guard=guard)
        assert result.code == "wrong"
        waits.append(result.wait)
        early = admin.attempt(state, "hemligt", "hemligt", now=now + result.wait / 2, guard=guard)
        assert early.code == "wait" and not state.logged_in, "an attempt while waiting is not even checked"
        now += result.wait
    assert waits == [1.0, 2.0, 4.0, 8.0]
    locked = admin.attempt(state, "fel", "hemligt", now=now, guard=guard)
    assert locked.code == "locked" and locked.wait == admin.LOCKOUT_SECONDS
    assert admin.attempt(state, "hemligt", "hemligt", now=now + 60, guard=guard).code == "locked"
    assert admin.attempt(state, "hemligt", "hemligt", now=now + admin.LOCKOUT_SECONDS + 1, guard=guard).ok


def test_process_wide_brake_across_sessions() -> None:
    guard = admin.GlobalGuard(window=600, limit=3)
    for i in range(3):
        assert admin.attempt(admin.LoginState(), "fel", "x", now=i, guard=guard).code == "wrong"
    fresh = admin.LoginState()
    assert admin.attempt(fresh, "x", "x", now=5, guard=guard).code == "locked"
    assert admin.attempt(fresh, "x", "x", now=700, guard=guard).ok


def test_not_configured_and_password_sources(monkeypatch) -> None:
    assert admin.attempt(admin.LoginState(), "", "", now=0).code == "not_configured"
    monkeypatch.delenv(admin.ENV_PASSWORD, raising=False)
    assert admin.configured_password({admin.ENV_PASSWORD: "från-secrets"}) == "från-secrets"
    assert admin.configured_password(None) == ""
    monkeypatch.setenv(admin.ENV_PASSWORD, "från-miljö")
    assert admin.configured_password({admin.ENV_PASSWORD: "från-secrets"}) == "från-miljö"
