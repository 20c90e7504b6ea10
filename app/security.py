"""What the app tells browsers (security headers, the cookie's Secure flag) and how far it trusts the
network (X-Forwarded-For only from TRUSTED_PROXIES proxies)."""

from werkzeug.middleware.proxy_fix import ProxyFix

# Pages load only their own scripts, styles and images (the screen's QR code is a data: image), and only
# this site may frame them: the one-tap /c page cannot be laid under another site's button.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
)

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    # frame-ancestors, for browsers too old to read it.
    "X-Frame-Options": "SAMEORIGIN",
}


def init_app(app) -> None:
    app.config["SESSION_COOKIE_SECURE"] = (app.config.get("BASE_URL") or "").startswith("https://")
    hops = app.config.get("TRUSTED_PROXIES") or 0
    if hops:
        # The client is the address the outermost trusted proxy saw, `hops` places from the right of
        # X-Forwarded-For; whatever a client wrote to the left of it is ignored.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops)
    app.after_request(_add_headers)


def _add_headers(response):
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if response.mimetype == "text/html":
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    return response
