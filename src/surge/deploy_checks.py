"""Production checks: settings that are fine on a laptop and dangerous on the internet.

``surge check --deploy`` prints them, and an app started with ``DEBUG`` off logs them as
warnings. They never stop an app from starting: a ported app keeps running as it did, and
its operator learns what to change. Each warning names the config key and the fix.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from surge.config import BaseConfig
from surge.openapi.controller import openapi_enabled

if TYPE_CHECKING:
    from loguru import Logger

__all__ = [
    "DeployTarget",
    "DeployWarning",
    "MIN_SECRET_KEY_BYTES",
    "SAMPLE_SECRET_KEYS",
    "deploy_warnings",
    "log_deploy_warnings",
]

MIN_SECRET_KEY_BYTES = 32

SAMPLE_SECRET_KEYS = frozenset(
    {
        # published in Surge's README, docs, demo and project template, and in the seeds they
        # follow: anyone can sign cookies and tokens with these
        "some-super-secret-key",
        "change-me",
        "change-me-to-a-long-random-string",
        "change-me-to-a-secret-of-32-bytes-or-more",
        "change-me-in-production",
        "demo-secret-key-change-me",
        "your-secret-key",
        "secret",
    }
)
"""Secret keys printed in Surge's docs, README, demo and templates: never secret."""


class DeployTarget(Protocol):
    """What the checks read of an app: its config and its extensions."""

    @property
    def debug(self) -> bool: ...

    @property
    def config(self) -> BaseConfig: ...

    @property
    def extensions(self) -> Mapping[str, object]: ...

    def get_conf(self, config_name: str, default: Any = ...) -> Any: ...


@dataclass(frozen=True, slots=True)
class DeployWarning:
    """One finding: the config ``key``, what is wrong, and how to fix it."""

    key: str
    problem: str
    fix: str

    def __str__(self) -> str:
        return f"{self.key}: {self.problem} Fix: {self.fix}"


def _secret_key(secret: object) -> Iterator[DeployWarning]:
    if not secret:
        yield DeployWarning(
            "SECRET_KEY",
            "is not set; sessions, CSRF tokens and signed cookies cannot be trusted.",
            'set it from the environment to a random value: python -c "import secrets; print(secrets.token_urlsafe(48))"',
        )
    elif str(secret) in SAMPLE_SECRET_KEYS:
        yield DeployWarning(
            "SECRET_KEY",
            "is a sample key published in Surge's documentation; anyone can forge your cookies and tokens.",
            "generate a new random key (secrets.token_urlsafe(48)) and set it from the environment.",
        )
    elif len(str(secret).encode("utf-8")) < MIN_SECRET_KEY_BYTES:
        yield DeployWarning(
            "SECRET_KEY",
            f"is shorter than {MIN_SECRET_KEY_BYTES} bytes and can be guessed.",
            "use at least 32 random bytes, e.g. secrets.token_urlsafe(48), set from the environment.",
        )


def _allowed_hosts(app: DeployTarget) -> Iterator[DeployWarning]:
    hosts = app.get_conf("ALLOWED_HOSTS", None)
    if not hosts or "*" in hosts:
        yield DeployWarning(
            "ALLOWED_HOSTS",
            "is not set (or is '*'): any Host header is accepted, so forged hosts reach links and caches.",
            'set ALLOWED_HOSTS = ["example.com"] and list an AllowedHosts() (surge.security) in EXTENSIONS.',
        )
    elif "allowed_hosts" not in app.extensions:
        yield DeployWarning(
            "ALLOWED_HOSTS",
            "is set but nothing enforces it.",
            "list an AllowedHosts() extension (surge.security) in EXTENSIONS.",
        )


def _cors(config: BaseConfig) -> Iterator[DeployWarning]:
    if config.CORS_ENABLED and "*" in config.CORS_ALLOW_ORIGINS:
        yield DeployWarning(
            "CORS_ALLOW_ORIGINS",
            "is ['*']: every website may call your API from its visitors' browsers (without credentials).",
            'list the origins of your front ends, e.g. CORS_ALLOW_ORIGINS = ["https://app.example.com"].',
        )


def _insecure_cookies(config: BaseConfig) -> Iterator[DeployWarning]:
    for name, value in config.model_dump().items():
        if name.endswith("COOKIE_SECURE") and value is False:
            yield _cookie_warning(name)
        elif isinstance(value, dict):
            for key, inner in value.items():
                if str(key).endswith("COOKIE_SECURE") and inner is False:
                    yield _cookie_warning(f"{name}.{key}")


def _cookie_warning(key: str) -> DeployWarning:
    return DeployWarning(
        key,
        "is False: the cookie is sent over plain HTTP too, where anyone on the path can steal it.",
        f"set {key} = True and serve the app over HTTPS.",
    )


def _docs_ui(app: DeployTarget, config: BaseConfig) -> Iterator[DeployWarning]:
    if openapi_enabled(app):
        key = "DEBUG" if app.debug and not config.OPEN_API_IN_PRODUCTION else "OPEN_API_IN_PRODUCTION"
        yield DeployWarning(
            "OPEN_API",
            f"the OpenAPI spec and docs UI are public at {config.OPEN_API_URL} (because of {key}).",
            "set OPEN_API_IN_PRODUCTION = False (the default) with DEBUG off, or OPEN_API = False.",
        )


def deploy_warnings(app: DeployTarget) -> list[DeployWarning]:
    """Every production problem of ``app``'s settings, in a stable order.

    Keys listed in ``SILENCED_DEPLOY_CHECKS`` (``"*"`` for all) are left out: a public API
    may want ``CORS_ALLOW_ORIGINS = ["*"]`` on purpose.
    """
    config = app.config
    silenced = set(config.SILENCED_DEPLOY_CHECKS)
    if "*" in silenced:
        return []
    return [warning for warning in _all_warnings(app, config) if warning.key not in silenced]


def _all_warnings(app: DeployTarget, config: BaseConfig) -> list[DeployWarning]:
    found: list[DeployWarning] = []
    if app.debug:
        found.append(
            DeployWarning(
                "DEBUG",
                "is on: tracebacks, local variables and settings are shown to any client.",
                "set DEBUG=false in the production environment (DEBUG defaults to True, as the seed says).",
            )
        )
    found.extend(_secret_key(config.SECRET_KEY))
    found.extend(_allowed_hosts(app))
    found.extend(_cors(config))
    found.extend(_insecure_cookies(config))
    found.extend(_docs_ui(app, config))
    return found


def log_deploy_warnings(app: DeployTarget, logger: Logger) -> list[DeployWarning]:
    """Log each warning of :func:`deploy_warnings` once (at startup with DEBUG off)."""
    found = deploy_warnings(app)
    for warning in found:
        logger.warning(f"Deploy check: {warning}")
    return found
