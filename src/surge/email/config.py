"""The ``EMAIL_CLIENT`` config section and the connection settings derived from it."""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import formataddr, parseaddr

from pydantic import BaseModel, ConfigDict, Field

from surge.email.exceptions import EmailHeaderError
from surge.email.message import check_header
from surge.exceptions.config import ImproperlyConfigured

__all__ = ["EmailClientConfig", "IMPLICIT_TLS_PORT", "SmtpSettings", "smtp_settings"]

IMPLICIT_TLS_PORT = 465
"""The SMTPS port: TLS from the first byte there, STARTTLS on any other (unless ``START_TLS`` says)."""


class EmailClientConfig(BaseModel):
    """Keys of the ``EMAIL_CLIENT`` section."""

    model_config = ConfigDict(extra="forbid")

    SENDER_NAME_OR_ADDRESS: str = Field(
        description="'Name <address>', an address, or a name (the address is then USERNAME)"
    )
    SMTP_SERVER: str = Field(description="Host name of the SMTP server")
    SMTP_PORT: int = Field(ge=1, le=65535, description="Port of the SMTP server")
    USERNAME: str | None = Field(None, description="Login for the SMTP server (with PASSWORD)")
    PASSWORD: str | None = Field(None, description="Password for the SMTP server (with USERNAME)")
    USE_TLS: bool = Field(True, description="Encrypt the connection (implicit TLS on 465, STARTTLS elsewhere)")
    START_TLS: bool | None = Field(
        None, description="With USE_TLS: True forces STARTTLS, False forces implicit TLS, None picks by port"
    )
    VALIDATE_CERTS: bool = Field(True, description="Check the server's TLS certificate")
    CERT_BUNDLE: str | None = Field(None, description="CA bundle (PEM file) to check the server's certificate with")
    TIMEOUT: float = Field(30.0, gt=0, description="Seconds to wait for the server at each step")


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    """What one SMTP conversation needs, decided once at startup."""

    sender_header: str
    envelope_sender: str
    host: str
    port: int
    username: str | None
    password: str | None
    implicit_tls: bool
    start_tls: bool
    validate_certs: bool
    cert_bundle: str | None
    timeout: float


def smtp_settings(config: EmailClientConfig, section: str) -> SmtpSettings:
    """Resolve the sender and the TLS mode.

    Raises:
        ImproperlyConfigured: no sender address can be found, or USERNAME and PASSWORD are
            not given together; the message names the key.
    """
    try:
        check_header("SENDER_NAME_OR_ADDRESS", config.SENDER_NAME_OR_ADDRESS, config.USERNAME)
    except EmailHeaderError as exc:
        raise ImproperlyConfigured(
            f"{section}.SENDER_NAME_OR_ADDRESS and {section}.USERNAME must not contain line breaks or control characters"
        ) from exc
    name, address = parseaddr(config.SENDER_NAME_OR_ADDRESS)
    if "@" not in address:
        name = config.SENDER_NAME_OR_ADDRESS.strip()
        address = config.USERNAME or ""
        if "@" not in address:
            raise ImproperlyConfigured(
                f"{section}.SENDER_NAME_OR_ADDRESS: {config.SENDER_NAME_OR_ADDRESS!r} has no e-mail address, "
                f"and {section}.USERNAME is not one either"
            )
    if (config.USERNAME is None) != (config.PASSWORD is None):
        missing = "PASSWORD" if config.PASSWORD is None else "USERNAME"
        raise ImproperlyConfigured(f"{section}.{missing} is required when the other login key is set")
    if config.USE_TLS:
        start_tls = config.SMTP_PORT != IMPLICIT_TLS_PORT if config.START_TLS is None else config.START_TLS
        implicit = not start_tls
    else:
        start_tls = implicit = False
    return SmtpSettings(
        sender_header=formataddr((name, address)),
        envelope_sender=address,
        host=config.SMTP_SERVER,
        port=config.SMTP_PORT,
        username=config.USERNAME,
        password=config.PASSWORD,
        implicit_tls=implicit,
        start_tls=start_tls,
        validate_certs=config.VALIDATE_CERTS,
        cert_bundle=config.CERT_BUNDLE,
        timeout=config.TIMEOUT,
    )
