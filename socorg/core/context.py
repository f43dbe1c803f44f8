"""Per-request context (request id, client IP, user) that the audit log reads without threading the request through
every service call. A contextvar, so it is correct under threads and async workers alike."""

import contextvars
import uuid
from dataclasses import dataclass, field


@dataclass
class RequestContext:
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    ip: str | None = None
    request: object | None = None

    @property
    def user(self):
        # request.user is attached by AuthenticationMiddleware after ours, so read it when needed.
        user = getattr(self.request, "user", None)
        return user if getattr(user, "is_authenticated", False) else None


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar("socorg_request", default=None)


def current() -> RequestContext | None:
    return _current.get()


def activate(ctx: RequestContext) -> contextvars.Token:
    return _current.set(ctx)


def deactivate(token: contextvars.Token) -> None:
    _current.reset(token)
