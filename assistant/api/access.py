"""One access policy for every face the server has: the JSON API, the web UI and every Gradio
endpoint (queue, upload, file routes). With keys configured every route that reads or changes
data needs one, sent as `X-API-Key` or, in a browser, held by an HTTP-only session cookie set by
the login form; a read-only key may read and ask, never upload, delete or administer.

`AccessGate` is the ASGI middleware in front of the whole app; `AccessPolicy` holds the keys,
the web sessions and the uploads each caller made, and the UI's handlers ask it the same
questions the gate does."""

from __future__ import annotations

import hashlib
import hmac
import html
import json
import secrets
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Literal
from urllib.parse import parse_qs, unquote

from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.services.audit import AuditLog
from assistant.settings import Settings

Role = Literal["full", "readonly", "open"]
SESSION_COOKIE = "ia_session"
PUBLIC_PATHS = {"/healthz", "/readyz", "/docs", "/redoc", "/openapi.json", "/favicon.ico"}
PUBLIC_PREFIXES = ("/docs-static/",)
FILE_ROUTE_PREFIXES = (
    "/file=",
    "/file/",
    "/gradio_api/file=",
    "/gradio_api/file/",
    "/proxy=",
    "/gradio_api/proxy=",
)
UPLOAD_ROUTES = {"/upload", "/gradio_api/upload"}
_MAX_FORM = 4096
_MAX_UPLOADS_PER_CALLER = 50


@dataclass(frozen=True)
class Caller:
    """Who is calling: a salted fingerprint of the key (never the key itself) and its role."""

    who: str
    role: Role

    @property
    def readonly(self) -> bool:
        return self.role == "readonly"


ANONYMOUS = Caller(who="anonymous", role="open")


def _salt(settings: Settings) -> bytes:
    """The configured salt, or a random one kept (owner-only) in the data directory, so
    fingerprints stay comparable across restarts but cannot be matched to keys elsewhere."""
    if settings.fingerprint_salt:
        return settings.fingerprint_salt.encode()
    path = settings.data_dir / "fingerprint.salt"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip().encode()


def _file_target(path: str) -> str:
    for prefix in FILE_ROUTE_PREFIXES:
        if path.startswith(prefix):
            return unquote(path[len(prefix) :])
    return ""


class AccessPolicy:
    """Keys and roles, web sessions, and the files each caller uploaded through the UI."""

    def __init__(self, settings: Settings, audit: AuditLog | None = None) -> None:
        self.full = list(settings.api_keys)
        self.readonly = list(settings.readonly_api_keys)
        self.salt = _salt(settings)
        self.audit = audit
        self.session_seconds = settings.session_hours * 3600
        self.file_roots: list[Path] = []
        """Folders the UI's file routes may serve from (Gradio's own upload cache)."""
        self._sessions: dict[str, tuple[Caller, float]] = {}
        self._uploads: dict[str, list[str]] = {}
        self._lock = threading.Lock()

    @property
    def keyed(self) -> bool:
        return bool(self.full or self.readonly)

    def fingerprint(self, key: str) -> str:
        digest = hmac.new(self.salt, key.encode("utf-8", "replace"), hashlib.sha256)
        return "key:" + digest.hexdigest()[:16]

    def for_key(self, key: str | None) -> Caller | None:
        """The caller a key stands for; None for a missing or unknown key (with keys set)."""
        if not self.keyed:
            return ANONYMOUS
        if not key:
            return None
        given = key.encode("utf-8", "replace")
        roles: tuple[tuple[Role, list[str]], ...] = (
            ("full", self.full),
            ("readonly", self.readonly),
        )
        for role, keys in roles:
            if any(hmac.compare_digest(given, k.encode()) for k in keys):
                return Caller(who=self.fingerprint(key), role=role)
        return None

    def for_request(
        self, headers: Mapping[str, str], cookies: Mapping[str, str], cookie_ok: bool = True
    ) -> Caller | None:
        """The caller behind a request: its `X-API-Key` header, else (for the web UI) its
        session cookie."""
        if not self.keyed:
            return ANONYMOUS
        key = headers.get("x-api-key")
        if key:
            return self.for_key(key)
        if cookie_ok:
            return self.session(cookies.get(SESSION_COOKIE))
        return None

    # web sessions --------------------------------------------------------------------------

    def login(self, key: str) -> str | None:
        """A new session token for a valid key (the key itself never goes into a cookie)."""
        caller = self.for_key(key)
        if caller is None or not self.keyed:
            return None
        token = secrets.token_urlsafe(32)
        now = time.time()
        with self._lock:
            self._sessions = {t: s for t, s in self._sessions.items() if s[1] > now}
            self._sessions[token] = (caller, now + self.session_seconds)
        return token

    def session(self, token: str | None) -> Caller | None:
        with self._lock:
            held = self._sessions.get(token or "")
        if held is None or held[1] < time.time():
            return None
        return held[0]

    def logout(self, token: str | None) -> None:
        with self._lock:
            self._sessions.pop(token or "", None)

    # files uploaded through the UI ---------------------------------------------------------

    def remember_uploads(self, caller: Caller, paths: Iterable[str]) -> None:
        with self._lock:
            held = self._uploads.setdefault(caller.who, [])
            held.extend(str(Path(p).resolve()) for p in paths)
            del held[:-_MAX_UPLOADS_PER_CALLER]

    def take_upload(self, caller: Caller, path: str) -> Path | None:
        """The file if this caller uploaded it through the UI (then forgotten: it is read once);
        None for any other path, so no handler can be pointed at a file on the server."""
        resolved = str(Path(path).resolve())
        with self._lock:
            held = self._uploads.get(caller.who, [])
            if resolved not in held:
                return None
            held.remove(resolved)
        return Path(resolved)

    def may_serve(self, target: str) -> bool:
        """Whether a UI file route may serve `target`: a file the app wrote in its own cache,
        never a URL (no fetching on a caller's behalf) nor any other path."""
        if not target or "://" in target or target.startswith("//"):
            return False
        path = Path(target).resolve()
        return path.is_file() and any(path.is_relative_to(root) for root in self.file_roots)

    # audit ---------------------------------------------------------------------------------

    def record(self, caller: Caller, action: str, subject: str, outcome: str = "") -> None:
        if self.audit is not None:
            self.audit.event(caller.who, caller.role, action, subject, outcome)

    def record_refusal(self, key: str | None, subject: str, outcome: str) -> None:
        if self.audit is not None:
            who = self.fingerprint(key) if key else "none"
            self.audit.event(who, "none", "auth_failure", subject, outcome)


# --- the gate -------------------------------------------------------------------------------

LOGIN_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Inspection Assistant: sign in</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body {{ font-family: system-ui, sans-serif; background: #f8fafc; display: grid;
       place-items: center; min-height: 100vh; margin: 0; }}
form {{ background: white; padding: 2rem; border-radius: 8px; box-shadow: 0 1px 4px #0002;
       width: min(24rem, 90vw); }}
input {{ width: 100%; padding: .5rem; margin: .5rem 0 1rem; box-sizing: border-box; }}
button {{ padding: .5rem 1.25rem; background: #2563eb; color: white; border: 0;
         border-radius: 4px; }}
.error {{ color: #b91c1c; }}
</style></head>
<body><form method="post" action="/login">
<h1 style="font-size:1.25rem">Inspection Assistant</h1>
<p>Enter your API key to use the web app.</p>
<p class="error">{error}</p>
<label for="key">API key</label>
<input id="key" name="key" type="password" autocomplete="current-password" autofocus required>
<input type="hidden" name="next" value="{next}">
<button type="submit">Sign in</button>
</form></body></html>
"""


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": {"status": status, "message": message}}, status_code=status)


def _safe_next(target: str) -> str:
    """Only a path on this server (no scheme, no `//host`), so the login cannot redirect away."""
    return target if target.startswith("/") and not target.startswith("//") else "/"


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}


def _cookies(headers: Mapping[str, str]) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(headers.get("cookie", ""))
    except Exception:  # a malformed Cookie header is no session
        return {}
    return {name: morsel.value for name, morsel in jar.items()}


def writer_only(method: str, path: str) -> bool:
    """Routes that change data (the API checks its own routes with the same rule)."""
    return method == "POST" and path.rstrip("/") in UPLOAD_ROUTES


class AccessGate:
    """ASGI middleware in front of the API and the UI: authenticate, enforce the role, keep file
    routes to files the app wrote, serve the login form, and note UI uploads per caller."""

    def __init__(self, app: ASGIApp, policy: AccessPolicy) -> None:
        self.app = app
        self.policy = policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        method: str = scope.get("method", "GET")
        headers = _headers(scope)
        if path in ("/login", "/logout"):
            response = await self._login(scope, receive, path, method, headers)
            await response(scope, receive, send)
            return
        if path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES):
            await self.app(scope, receive, send)
            return
        caller = self.policy.for_request(
            headers, _cookies(headers), cookie_ok=not path.startswith("/v1/")
        )
        refusal = self._refusal(caller, method, path, headers)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        assert caller is not None
        scope.setdefault("state", {})["caller"] = caller
        if writer_only(method, path):
            await self.app(scope, receive, self._noting_uploads(caller, send))
            return
        await self.app(scope, receive, send)

    def _refusal(
        self, caller: Caller | None, method: str, path: str, headers: Mapping[str, str]
    ) -> Response | None:
        subject = f"{method} {path}"[:300]
        if caller is None:
            key = headers.get("x-api-key")
            self.policy.record_refusal(key, subject, "invalid key" if key else "no key")
            browsing = method == "GET" and "text/html" in headers.get("accept", "")
            if browsing and not path.startswith(("/v1/", "/gradio_api/")):
                return RedirectResponse("/login", status_code=303)
            message = (
                "invalid API key"
                if key
                else "missing API key: send it in the X-API-Key header (or sign in at /login)"
            )
            return _error(401, message)
        if writer_only(method, path) and caller.readonly:
            self.policy.record(caller, "auth_failure", subject, "read-only key")
            return _error(403, "this API key is read-only: it may not upload, delete or administer")
        if path.startswith(FILE_ROUTE_PREFIXES) and not self.policy.may_serve(_file_target(path)):
            return _error(404, "no such file")
        return None

    def _noting_uploads(self, caller: Caller, send: Send) -> Send:
        """Wrap `send` to remember the paths Gradio answers an upload with: those, and only
        those, are files this caller may then hand to the UI's ingest."""
        body: list[bytes] = []
        status = 0

        async def noting(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body" and status == 200:
                body.append(message.get("body", b""))
                if not message.get("more_body"):
                    try:
                        paths = json.loads(b"".join(body))
                    except ValueError:
                        paths = []
                    if isinstance(paths, list):
                        self.policy.remember_uploads(
                            caller, [p for p in paths if isinstance(p, str)]
                        )
            await send(message)

        return noting

    async def _login(
        self, scope: Scope, receive: Receive, path: str, method: str, headers: Mapping[str, str]
    ) -> Response:
        cookies = _cookies(headers)
        if path == "/logout":
            self.policy.logout(cookies.get(SESSION_COOKIE))
            response: Response = RedirectResponse("/login", status_code=303)
            response.delete_cookie(SESSION_COOKIE, path="/")
            return response
        if not self.policy.keyed:
            return RedirectResponse("/", status_code=303)
        if method != "POST":
            return HTMLResponse(LOGIN_PAGE.format(error="", next="/"))
        form = parse_qs((await _read_body(receive, _MAX_FORM)).decode("utf-8", "replace"))
        key = (form.get("key") or [""])[0].strip()
        target = _safe_next((form.get("next") or ["/"])[0])
        token = self.policy.login(key)
        if token is None:
            self.policy.record_refusal(key or None, "POST /login", "invalid key")
            page = LOGIN_PAGE.format(error="That key is not valid.", next=html.escape(target))
            return HTMLResponse(page, status_code=401)
        caller = self.policy.session(token)
        assert caller is not None
        self.policy.record(caller, "login", "web UI")
        response = RedirectResponse(target, status_code=303)
        secure = scope.get("scheme") == "https" or headers.get("x-forwarded-proto") == "https"
        response.set_cookie(
            SESSION_COOKIE,
            token,
            max_age=int(self.policy.session_seconds),
            path="/",
            httponly=True,
            samesite="strict",
            secure=secure,
        )
        return response


async def _read_body(receive: Receive, limit: int) -> bytes:
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if len(body) > limit or not message.get("more_body"):
            return body[:limit]


def caller_of(scope_state: Mapping[str, object] | None) -> Caller | None:
    """The caller the gate attached to a request (None outside the gate)."""
    caller = (scope_state or {}).get("caller")
    return caller if isinstance(caller, Caller) else None
