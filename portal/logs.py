"""Logs as structured lines: one JSON object per line, with the request, person and
organisation each line belongs to.

- `RequestIdMiddleware` (first in MIDDLEWARE) takes a sane incoming `X-Request-ID` or makes
  one, returns it in the response, logs one `nyttig.request` line per request and a
  `nyttig.security` event for every refused authorisation (403).
- `MembershipMiddleware` binds the user and organisation once it knows them (`bind`).
- `ContextFilter` puts those context variables on every record; `JsonFormatter` writes it.
- Sign-ins, sign-outs and failed sign-ins are `nyttig.auth` events (Django's auth signals):
  never a password, and a failed sign-in names the account only as a keyed hash and the
  e-mail's domain (`account_key`), so repeated guesses at one account can be followed
  without the log holding the address someone typed.
- Celery uses the same configuration (`setup_logging`); a task logs with the request id of
  the request that queued it (a message header), else its own task id.

Not imported by settings before Django is set up, except for the classes named in LOGGING,
so nothing here imports a model.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar, Token
from datetime import UTC, datetime
from typing import Any

from celery.signals import before_task_publish, setup_logging, task_postrun, task_prerun
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
user_id: ContextVar[int | None] = ContextVar("user_id", default=None)
organisation_id: ContextVar[int | None] = ContextVar("organisation_id", default=None)

CONTEXT: dict[str, ContextVar[Any]] = {
    "request_id": request_id,
    "user_id": user_id,
    "organisation_id": organisation_id,
}
REQUEST_ID_HEADER = "X-Request-ID"
# What a proxy or load balancer may send: a UUID, a hex or base64url token, «abc-123.4».
SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")
TASK_HEADER = "nyttig_request_id"

auth_log = logging.getLogger("nyttig.auth")
security_log = logging.getLogger("nyttig.security")
request_log = logging.getLogger("nyttig.request")

# The attributes every LogRecord has; anything else on a record was passed as `extra`.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


def bind(*, user: int | None, organisation: int | None) -> None:
    """Name the person and organisation of the current request in every line it logs."""
    user_id.set(user)
    organisation_id.set(organisation)


class ContextFilter(logging.Filter):
    """Adds request_id, user_id and organisation_id (unless the call passed its own)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, var in CONTEXT.items():
            if not hasattr(record, name):
                setattr(record, name, var.get())
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, the context
    and any `extra` fields; an exception as its formatted traceback."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in CONTEXT:
            line[name] = getattr(record, name, None)
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in line:
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class RequestIdMiddleware:
    """Gives every request an id (a sane incoming X-Request-ID, or a new one), returns it,
    and logs the request and any refusal (403) with it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        rid = incoming if SANE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = rid  # type: ignore[attr-defined]
        tokens: list[tuple[ContextVar[Any], Token[Any]]] = [
            (request_id, request_id.set(rid)),
            (user_id, user_id.set(None)),
            (organisation_id, organisation_id.set(None)),
        ]
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = rid
            fields = {"method": request.method, "path": request.path}
            if response.status_code == 403:
                security_log.warning(
                    "Access refused", extra={"event": "access_denied", "status": 403, **fields}
                )
            quiet = response.status_code == 200 and _url_name(request) == "health"
            if quiet:  # the load balancer's and compose's health checks, every 15 s
                return response
            request_log.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "event": "request",
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                    **fields,
                },
            )
            return response
        finally:
            for var, token in reversed(tokens):
                var.reset(token)


def _url_name(request: HttpRequest) -> str | None:
    match = getattr(request, "resolver_match", None)
    return match.url_name if match else None


def account_key(email: str) -> str:
    """A failed sign-in's account without its address: «3f1c…@nittedal.no». The hash is
    keyed with SECRET_KEY, so it cannot be looked up in a list of addresses elsewhere."""
    email = (email or "").strip().lower()
    local, _at, domain = email.rpartition("@")
    digest = hmac.new(settings.SECRET_KEY.encode(), email.encode(), hashlib.sha256)
    return f"{digest.hexdigest()[:12]}@{domain if local else ''}"


@receiver(user_logged_in, dispatch_uid="nyttig-log-login")
def log_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    auth_log.info("Signed in", extra={"event": "login", "user_id": user.pk})


@receiver(user_logged_out, dispatch_uid="nyttig-log-logout")
def log_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    auth_log.info("Signed out", extra={"event": "logout", "user_id": getattr(user, "pk", None)})


@receiver(user_login_failed, dispatch_uid="nyttig-log-login-failed")
def log_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Django has already replaced the password by stars; only the account name is read.
    account = credentials.get("email") or credentials.get("username") or ""
    auth_log.warning(
        "Sign-in failed",
        extra={"event": "login_failed", "account": account_key(str(account))},
    )


# Celery ----------------------------------------------------------------------------------


@setup_logging.connect
def configure_celery_logging(**kwargs: Any) -> None:
    """Celery workers and beat log through settings.LOGGING, as the web does."""
    import logging.config

    logging.config.dictConfig(settings.LOGGING)


@before_task_publish.connect
def pass_request_id(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
    current = request_id.get()
    if headers is not None and current:
        headers[TASK_HEADER] = current


_task_tokens: dict[str, list[tuple[ContextVar[Any], Token[Any]]]] = {}


@task_prerun.connect
def bind_task(task_id: str | None = None, task: Any = None, **kwargs: Any) -> None:
    incoming = getattr(getattr(task, "request", None), TASK_HEADER, None)
    rid = incoming or request_id.get() or f"task-{task_id}"
    _task_tokens[str(task_id)] = [
        (request_id, request_id.set(rid)),
        (user_id, user_id.set(None)),
        (organisation_id, organisation_id.set(None)),
    ]


@task_postrun.connect
def unbind_task(task_id: str | None = None, **kwargs: Any) -> None:
    for var, token in reversed(_task_tokens.pop(str(task_id), [])):
        try:
            var.reset(token)
        except ValueError:  # set in another context (a thread pool); nothing to undo
            var.set(None)
