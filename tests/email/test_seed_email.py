"""The seed README's e-mail client.

The seed's own code is written into a throw-away ``app`` package (``seed_project``) and driven
as a user would, against real parts: an aiosmtpd server on 127.0.0.1."""

from __future__ import annotations

import email
import email.policy
from typing import Any

import pytest

from surge.testing import TestClient

from surge_testkit import free_port


class Inbox:
    """aiosmtpd handler keeping every envelope."""

    def __init__(self) -> None:
        self.envelopes: list[Any] = []
        self.logins: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.envelopes.append(envelope)
        return "250 Message accepted"

    def message(self, index: int = -1) -> Any:
        content = self.envelopes[index].content.replace(b"\r\n", b"\n")
        return email.message_from_bytes(content, policy=email.policy.default)


@pytest.fixture
def smtp_inbox():
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    inbox = Inbox()

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (b"mailer", b"s3cret")
        if ok:
            inbox.logins.append(auth_data.login)
        return AuthResult(success=ok, handled=False)

    controller = Controller(
        inbox, hostname="127.0.0.1", port=free_port(), authenticator=authenticator, auth_require_tls=False
    )
    controller.start()
    inbox.port = controller.port  # type: ignore[attr-defined]
    yield inbox
    controller.stop()


async def test_email_client_of_the_seed(project, smtp_inbox):
    project.write(
        "extensions.py",
        """
        from surge.email import EmailClient

        email_client: EmailClient = EmailClient(configs_name = "EMAIL_CLIENT") #configs_name="EMAIL_CLIENT" is the default and can be omitted
        """,
    )
    project.write("templates/emails/welcome.html", "<h1>Welcome, {{ name }}!</h1><p>Enjoy &amp; have fun.</p>")
    project.write(
        "api/mail_api.py",
        """
        from surge import Request, Response
        from surge.controller import Controller, path, post
        from app.extensions import email_client

        @path("/api/v1/mail")
        class MailApi(Controller):
            @post("/")
            async def send(self, req: Request) -> Response:
                #inside endpoint method:
                await email_client.send_email("ann@example.com", "Plain subject", "Plain body",
                                              attachments={"report.txt": b"report data"})
                await email_client.send_email_with_template(["bob@example.com", "carol@example.com"], "Welcome",
                                                            "emails/welcome.html", context={"name": "Bob"})
                return req.response.json({"sent": 2})
        """,
    )
    project.config(
        f"""
        EMAIL_CLIENT: dict[str, str|int|bool] = {{
            "SENDER_NAME_OR_ADDRESS": "Seed Team <team@example.com>",
            "SMTP_SERVER": "127.0.0.1",
            "SMTP_PORT": {smtp_inbox.port},
            "USERNAME": "mailer",
            "PASSWORD": "s3cret",
            "USE_TLS": False,
        }}
        EXTENSIONS: list[str] = ['app.extensions:email_client']
        CONTROLLERS: list[str] = ['app.api.mail_api:MailApi']
        DEBUG: bool = False
        """
    )
    app = project.application()
    async with TestClient(app) as client:
        res = await client.post("/api/v1/mail")
        assert res.status_code == 200 and res.json() == {"sent": 2}
    assert smtp_inbox.logins == [b"mailer", b"mailer"]  # USERNAME / PASSWORD were used
    plain, templated = smtp_inbox.message(0), smtp_inbox.message(1)
    assert plain["From"] == "Seed Team <team@example.com>" and plain["To"] == "ann@example.com"
    assert plain["Subject"] == "Plain subject"
    assert plain.get_body(("plain",)).get_content().strip() == "Plain body"
    assert {part.get_filename(): part.get_content() for part in plain.iter_attachments()} == {
        "report.txt": "report data"
    }
    assert smtp_inbox.envelopes[1].rcpt_tos == ["bob@example.com", "carol@example.com"]
    assert "<h1>Welcome, Bob!</h1>" in templated.get_body(("html",)).get_content()


def test_email_client_use_tls_defaults_to_true(project):
    project.write("extensions.py", "from surge.email import EmailClient\nemail_client = EmailClient()\n")
    project.config(
        """
        EMAIL_CLIENT: dict[str, Any] = {"SENDER_NAME_OR_ADDRESS": "team@example.com", "SMTP_SERVER": "smtp.example.com",
                                        "SMTP_PORT": 587, "USERNAME": "team@example.com", "PASSWORD": "x"}
        EXTENSIONS: list[str] = ['app.extensions:email_client']
        """
    )
    project.application()
    settings = project.module("extensions").email_client.settings
    assert settings.start_tls is True and settings.implicit_tls is False
