"""Web security: sessions, CSRF, flash messages, one-time tokens, TOTP, rate limits, headers, hosts."""

from surge.http.uploads import secure_filename
from surge.security._context import current_request
from surge.security.csrf import (
    CSRF,
    AuthCookieProvider,
    CSRFError,
    csrf_exempt,
    csrf_input,
    csrf_token,
    rotate_csrf_token,
    verify_csrf_token,
)
from surge.security.flash import FlashMessage, flash, get_flashed_messages, remove_flashed_message
from surge.security.headers import SecurityHeaders
from surge.security.hosts import AllowedHosts, InvalidHost
from surge.security.limits import Limit, parse_limit
from surge.security.otp import (
    generate_totp_secret,
    totp_now,
    totp_provisioning_uri,
    verify_totp,
    verify_totp_once,
)
from surge.security.rate_limit import RateLimiter, RateLimitExceeded, rate_limit
from surge.security.redirects import login_redirect_target, safe_redirect_target, url_is_safe
from surge.security.session import Session, SessionNamespace, SessionNamespaceError, UnavailableSession
from surge.security.sessions import Sessions
from surge.security.stores import MemoryStore, RedisStore, SecurityStore, StoreUnavailable
from surge.security.tokens import OneTimeTokens

__all__ = [
    "AllowedHosts",
    "AuthCookieProvider",
    "CSRF",
    "CSRFError",
    "FlashMessage",
    "InvalidHost",
    "Limit",
    "MemoryStore",
    "OneTimeTokens",
    "RateLimitExceeded",
    "RateLimiter",
    "RedisStore",
    "SecurityHeaders",
    "SecurityStore",
    "Session",
    "SessionNamespace",
    "SessionNamespaceError",
    "Sessions",
    "StoreUnavailable",
    "UnavailableSession",
    "csrf_exempt",
    "csrf_input",
    "csrf_token",
    "current_request",
    "flash",
    "generate_totp_secret",
    "get_flashed_messages",
    "login_redirect_target",
    "parse_limit",
    "rate_limit",
    "remove_flashed_message",
    "rotate_csrf_token",
    "safe_redirect_target",
    "secure_filename",
    "totp_now",
    "totp_provisioning_uri",
    "url_is_safe",
    "verify_csrf_token",
    "verify_totp",
    "verify_totp_once",
]
