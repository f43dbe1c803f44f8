from . import context


def client_ip(request) -> str | None:
    # Behind a reverse proxy the deployment must set SOCORG_TRUST_X_FORWARDED_FOR; we never trust the header blindly.
    from django.conf import settings

    if getattr(settings, "SOCORG_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Gives every request an id (honouring an incoming X-Request-ID) and exposes it to the audit log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")[:64]
        ctx = context.RequestContext(ip=client_ip(request), request=request)
        if incoming:
            ctx.request_id = incoming
        request.request_id = ctx.request_id
        token = context.activate(ctx)
        try:
            response = self.get_response(request)
        finally:
            context.deactivate(token)
        response["X-Request-ID"] = ctx.request_id
        return response


class NoStoreDownloadsMiddleware:
    """Every file the platform hands out (exports, reports, attachments, one-time passwords) carries
    `Cache-Control: no-store`: no browser or proxy keeps a copy of personal data on disk. Views that show revealed
    personal data mark their response the same way (mark_no_store)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.has_header("Content-Disposition"):
            mark_no_store(response)
        return response


def mark_no_store(response):
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return response
