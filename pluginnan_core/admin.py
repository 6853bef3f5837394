# Admin login for the upload page: constant-time password check, an exponential delay between
# wrong attempts per session, a lockout after repeated failures, and a process-wide brake.
"""Login throttling, kept out of Streamlit so it can be tested with a fake clock.

Why throttle: the upload page replaces the figures politicians see, behind one shared
password. Each wrong password doubles the wait before the next attempt in that browser session
(1, 2, 4, 8 s ...); after `MAX_FAILURES` wrong passwords the session is locked for
`LOCKOUT_SECONDS`. Because a new session resets its own counters, a process-wide guard also
refuses every attempt for a while once too many wrong passwords arrive from all sessions
together. An attempt made while waiting is refused without checking the password.
"""

from __future__ import annotations

import hmac
import os
import threading
import time
from collections import deque
from dataclasses import dataclass, field

ENV_PASSWORD = "PLUGINNAN_ADMIN_PASSWORD"
MAX_FAILURES = 5
LOCKOUT_SECONDS = 15 * 60
BASE_DELAY = 1.0
MAX_DELAY = 60.0
GLOBAL_WINDOW = 10 * 60
GLOBAL_LIMIT = 30


@dataclass
class LoginState:
    """One browser session's login record (kept in st.session_state)."""

    failures: int = 0
    next_try_at: float = 0.0
    locked_until: float = 0.0
    logged_in: bool = False


@dataclass(frozen=True)
class LoginResult:
    """What happened: code is ok | wrong | wait | locked | not_configured; wait in seconds."""

    code: str
    wait: float = 0.0
    failures: int = 0

    @property
    def ok(self) -> bool:
        return self.code == "ok"


@dataclass
class GlobalGuard:
    """Wrong passwords across all sessions of this process, in a sliding window."""

    window: float = GLOBAL_WINDOW
    limit: int = GLOBAL_LIMIT
    _times: deque[float] = field(default_factory=deque)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def blocked_for(self, now: float) -> float:
        with self._lock:
            while self._times and self._times[0] <= now - self.window:
                self._times.popleft()
            if len(self._times) >= self.limit:
                return self._times[0] + self.window - now
            return 0.0

    def failed(self, now: float) -> None:
        with self._lock:
            self._times.append(now)


GUARD = GlobalGuard()


def configured_password(secrets: object | None = None) -> str:
    """The admin password: $PLUGINNAN_ADMIN_PASSWORD, else the same key in a secrets mapping."""
    value = os.environ.get(ENV_PASSWORD, "")
    if value:
        return value
    try:
        return str(secrets.get(ENV_PASSWORD) or "") if secrets is not None else ""  # type: ignore[attr-defined]
    except Exception:  # no secrets.toml is the normal case
        return ""


def attempt(state: LoginState, given: str, expected: str, *, now: float | None = None,
            guard: GlobalGuard | None = None) -> LoginResult:
    """Check one login attempt against the throttle, then the password (in constant time)."""
    now = time.monotonic() if now is None else now
    guard = GUARD if guard is None else guard
    if not expected:
        return LoginResult("not_configured")
    if now < state.locked_until:
        return LoginResult("locked", state.locked_until - now, state.failures)
    if now < state.next_try_at:
        return LoginResult("wait", state.next_try_at - now, state.failures)
    blocked = guard.blocked_for(now)
    if blocked > 0:
        return LoginResult("locked", blocked, state.failures)
    if hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8")):
        state.failures, state.next_try_at, state.locked_until, state.logged_in = 0, 0.0, 0.0, True
        return LoginResult("ok")
    guard.failed(now)
    state.failures += 1
    state.logged_in = False
    if state.failures >= MAX_FAILURES:
        state.locked_until = now + LOCKOUT_SECONDS
        state.failures = 0
        return LoginResult("locked", LOCKOUT_SECONDS, MAX_FAILURES)
    delay = min(BASE_DELAY * 2 ** (state.failures - 1), MAX_DELAY)
    state.next_try_at = now + delay
    return LoginResult("wrong", delay, state.failures)
