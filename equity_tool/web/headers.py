"""Security headers on every response."""

from flask import Flask, Response, current_app, request

# Only files from this site may run or style a page, so injected markup cannot run script.
# Inline <script>, inline style="" and htmx's hx-on need 'unsafe-…' sources: use classes and
# files in static/ instead.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# A year, as browsers' preload lists ask; only sent in production, which is served over HTTPS.
STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"


def add_security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    # The public register marks its pages `public` itself: the same for everyone, no session.
    shared = request.blueprint == "public" and response.cache_control.public
    if request.endpoint != "static" and not shared:
        # Pages, fragments and downloads show people's names, drafts and answers: no browser
        # or proxy may keep them, so nothing is left to read after sign-out on a shared machine.
        # The sign-in page is included, as it shows the email typed back.
        response.headers["Cache-Control"] = "private, no-store"
    if current_app.config.get("EQUITY_TOOL_ENV") == "production":
        response.headers.setdefault("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY)
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)
