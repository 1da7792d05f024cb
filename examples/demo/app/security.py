"""The demo's web security extensions (listed in EXTENSIONS, configured in configs.py)."""

from surge.security import CSRF, RateLimiter, SecurityHeaders, Sessions

security_headers = SecurityHeaders()
limiter = RateLimiter()
sessions = Sessions()
csrf = CSRF()
