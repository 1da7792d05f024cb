"""EmailClient against a real SMTP server (aiosmtpd) on 127.0.0.1: plain, STARTTLS, implicit TLS."""

from __future__ import annotations

import datetime
import email
import email.policy
import ipaddress
import ssl
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from surge import Request
from surge.controller import Controller as SurgeController
from surge.controller import post
from surge.email import EmailClient, EmailHeaderError, EmailSendError, html_to_text
from surge.exceptions import ImproperlyConfigured, SurgeError
from surge.testing import TestClient

from surge_testkit import free_port, make_app


class Inbox:
    """An aiosmtpd handler that keeps every envelope and refuses 'nobody@' recipients."""

    def __init__(self) -> None:
        self.envelopes: list[Any] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address.startswith("nobody@"):
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.envelopes.append(envelope)
        return "250 Message accepted"

    def message(self, index: int = -1) -> EmailMessage:
        content = self.envelopes[index].content.replace(b"\r\n", b"\n")  # SMTP sends CRLF line ends
        return email.message_from_bytes(content, policy=email.policy.default)


def make_certificate(folder) -> tuple[str, str]:
    """A self-signed certificate for 127.0.0.1 (the test's own CA bundle)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return str(cert_path), str(key_path)


def server_context(cert: str, key: str) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def accept_user(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"mailer@example.com" and auth_data.password == b"s3cret"
    return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535 itself


@pytest.fixture
def inbox():
    return Inbox()


@pytest.fixture
def smtp_server(inbox):
    """A plain SMTP server (a local debug server, as in development)."""
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller
    controller.stop()


def client_app(tmp_path, **section: Any):
    (tmp_path / "templates" / "emails").mkdir(parents=True, exist_ok=True)
    settings = {"SENDER_NAME_OR_ADDRESS": "Surge Team <team@example.com>", "SMTP_SERVER": "127.0.0.1"}
    settings.update(section)
    app = make_app(BASE_PATH=str(tmp_path), TEMPLATES_DIR="templates", EMAIL_CLIENT=settings)
    client = EmailClient()
    app.add_extension(client)
    return app, client


async def test_plain_mail_with_cc_bcc_and_attachments(tmp_path, smtp_server, inbox):
    app, mailer = client_app(tmp_path, SMTP_PORT=smtp_server.port, USE_TLS=False)
    async with TestClient(app):
        await mailer.send_email(
            ["ann@example.com", "bob@example.com"],
            "Report ✓",
            "Hello,\nthe report is attached.",
            {"report.pdf": b"%PDF-1.4 data", "notes.txt": b"plain notes", "blob": b"\x00\x01"},
            cc="carol@example.com",
            bcc=["dave@example.com"],
            reply_to="support@example.com",
        )
    envelope = inbox.envelopes[0]
    assert envelope.mail_from == "team@example.com"
    assert envelope.rcpt_tos == ["ann@example.com", "bob@example.com", "carol@example.com", "dave@example.com"]
    message = inbox.message()
    assert message["From"] == "Surge Team <team@example.com>"
    assert message["To"] == "ann@example.com, bob@example.com"
    assert message["Cc"] == "carol@example.com"
    assert message["Reply-To"] == "support@example.com"
    assert message["Bcc"] is None and b"dave@" not in envelope.content
    assert message["Subject"] == "Report ✓"
    assert message["Message-ID"].endswith("@example.com>")
    assert message.get_body(("plain",)).get_content() == "Hello,\nthe report is attached.\n"
    attachments = {part.get_filename(): part for part in message.iter_attachments()}
    assert attachments["report.pdf"].get_content_type() == "application/pdf"
    assert attachments["report.pdf"].get_content() == b"%PDF-1.4 data"
    assert attachments["notes.txt"].get_content_type() == "text/plain"
    assert attachments["blob"].get_content_type() == "application/octet-stream"
    assert attachments["blob"].get_content() == b"\x00\x01"


async def test_template_mail_has_html_and_text_parts(tmp_path, smtp_server, inbox):
    app, mailer = client_app(tmp_path, SMTP_PORT=smtp_server.port, USE_TLS=False)
    templates = tmp_path / "templates" / "emails"
    (templates / "welcome.html").write_text(
        "<html><head><style>p{}</style></head><body><h1>Hi {{ name }}</h1>"
        "<p>Visit <a href='https://example.com/start'>your page</a>.</p><ul><li>one</li></ul></body></html>"
    )
    (templates / "receipt.html").write_text("<p>Total: {{ total }}</p>")
    (templates / "receipt.txt").write_text("Total: {{ total }} <text> & more")
    async with TestClient(app):
        await mailer.send_email_with_template("ann@example.com", "Welcome", "emails/welcome.html",
                                              context={"name": "<Ann>"})
        await mailer.send_email_with_template("ann@example.com", "Receipt", "emails/receipt.html",
                                              {"r.csv": b"a,b"}, {"total": 12})
    welcome = inbox.message(0)
    assert welcome.get_content_type() == "multipart/alternative"
    assert "<h1>Hi &lt;Ann&gt;</h1>" in welcome.get_body(("html",)).get_content()
    text = welcome.get_body(("plain",)).get_content()
    assert "Hi <Ann>" in text and "your page (https://example.com/start)" in text and "- one" in text
    assert "p{}" not in text
    receipt = inbox.message(1)
    assert receipt.get_content_type() == "multipart/mixed"
    assert receipt.get_body(("plain",)).get_content().strip() == "Total: 12 <text> & more"  # no HTML escaping
    assert receipt.get_body(("html",)).get_content().strip() == "<p>Total: 12</p>"
    assert [part.get_filename() for part in receipt.iter_attachments()] == ["r.csv"]


async def test_starttls_with_login(tmp_path, inbox):
    cert, key = make_certificate(tmp_path)
    controller = Controller(
        inbox, hostname="127.0.0.1", port=free_port(), tls_context=server_context(cert, key),
        require_starttls=True, authenticator=accept_user, auth_required=True,
    )
    controller.start()
    try:
        app, mailer = client_app(
            tmp_path, SMTP_PORT=controller.port, USERNAME="mailer@example.com", PASSWORD="s3cret",
            SENDER_NAME_OR_ADDRESS="Mailer", CERT_BUNDLE=cert,
        )
        assert mailer.settings.start_tls and not mailer.settings.implicit_tls
        async with TestClient(app):
            await mailer.send_email("ann@example.com", "Secure", "over STARTTLS")
            assert inbox.message()["From"] == "Mailer <mailer@example.com>"

            app2, wrong = client_app(
                tmp_path, SMTP_PORT=controller.port, USERNAME="mailer@example.com", PASSWORD="nope",
                SENDER_NAME_OR_ADDRESS="Mailer", CERT_BUNDLE=cert,
            )
            with pytest.raises(EmailSendError, match="535"):
                await wrong.send_email("ann@example.com", "Secure", "wrong password")
    finally:
        controller.stop()
    assert len(inbox.envelopes) == 1


async def test_implicit_tls_and_certificate_checks(tmp_path, inbox):
    cert, key = make_certificate(tmp_path)
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), ssl_context=server_context(cert, key))
    controller.start()
    try:
        app, mailer = client_app(tmp_path, SMTP_PORT=controller.port, START_TLS=False, CERT_BUNDLE=cert)
        assert mailer.settings.implicit_tls
        async with TestClient(app):
            await mailer.send_email("ann@example.com", "TLS", "over implicit TLS")
        assert inbox.message()["Subject"] == "TLS"

        _, untrusted = client_app(tmp_path, SMTP_PORT=controller.port, START_TLS=False)
        with pytest.raises(EmailSendError, match=f"127.0.0.1:{controller.port}"):
            await untrusted.send_email("ann@example.com", "TLS", "self-signed, not trusted")
    finally:
        controller.stop()
    assert len(inbox.envelopes) == 1


async def test_failures_raise_a_clear_error(tmp_path, smtp_server, inbox):
    _, mailer = client_app(tmp_path, SMTP_PORT=smtp_server.port, USE_TLS=False)
    with pytest.raises(EmailSendError, match="refused every recipient") as refused_all:
        await mailer.send_email("nobody@example.com", "x", "y")
    assert "nobody@example.com" in refused_all.value.refused

    with pytest.raises(EmailSendError, match="refused some recipients") as refused_some:
        await mailer.send_email(["ann@example.com", "nobody@example.com"], "x", "y")
    assert list(refused_some.value.refused) == ["nobody@example.com"]
    assert inbox.envelopes[-1].rcpt_tos == ["ann@example.com"]

    port = free_port()
    _, offline = client_app(tmp_path, SMTP_PORT=port, USE_TLS=False, TIMEOUT=5)
    with pytest.raises(EmailSendError, match=f"127.0.0.1:{port}"):
        await offline.send_email("ann@example.com", "x", "y")

    _, starttls_missing = client_app(tmp_path, SMTP_PORT=smtp_server.port, TIMEOUT=5)
    with pytest.raises(EmailSendError):
        await starttls_missing.send_email("ann@example.com", "x", "y")  # USE_TLS, but no STARTTLS offered

    with pytest.raises(ValueError, match="recipient"):
        await mailer.send_email([], "x", "y")


@pytest.mark.parametrize(
    ("section", "named"),
    [
        ({"SMTP_PORT": 25}, "EMAIL_CLIENT.SENDER_NAME_OR_ADDRESS"),
        ({"SENDER_NAME_OR_ADDRESS": "a@b.c"}, "EMAIL_CLIENT.SMTP_SERVER"),
        ({"SENDER_NAME_OR_ADDRESS": "Team", "SMTP_SERVER": "h", "SMTP_PORT": 25}, "EMAIL_CLIENT.SENDER_NAME_OR_ADDRESS"),
        ({"SENDER_NAME_OR_ADDRESS": "a@b.c", "SMTP_SERVER": "h", "SMTP_PORT": 0}, "EMAIL_CLIENT.SMTP_PORT"),
        ({"SENDER_NAME_OR_ADDRESS": "a@b.c", "SMTP_SERVER": "h", "SMTP_PORT": 25, "USERNAME": "u"},
         "EMAIL_CLIENT.PASSWORD"),
        ({"SENDER_NAME_OR_ADDRESS": "a@b.c", "SMTP_SERVER": "h", "SMTP_PORT": 25, "USE_SSL": True},
         "EMAIL_CLIENT.USE_SSL"),
        ({"SENDER_NAME_OR_ADDRESS": "Team\nBcc: x@evil.example <a@b.c>", "SMTP_SERVER": "h", "SMTP_PORT": 25},
         "EMAIL_CLIENT.SENDER_NAME_OR_ADDRESS"),
    ],
)
def test_bad_config_names_the_key(section, named):
    app = make_app(EMAIL_CLIENT=section)
    with pytest.raises(ImproperlyConfigured, match=named.replace(".", r"\.")):
        app.add_extension(EmailClient())


def test_missing_section_is_reported():
    with pytest.raises(ImproperlyConfigured, match="EMAIL_CLIENT"):
        make_app().add_extension(EmailClient())


def test_tls_mode_follows_port_by_default(tmp_path):
    _, on_465 = client_app(tmp_path, SMTP_PORT=465)
    _, on_587 = client_app(tmp_path, SMTP_PORT=587)
    _, plain = client_app(tmp_path, SMTP_PORT=587, USE_TLS=False)
    assert (on_465.settings.implicit_tls, on_465.settings.start_tls) == (True, False)
    assert (on_587.settings.implicit_tls, on_587.settings.start_tls) == (False, True)
    assert (plain.settings.implicit_tls, plain.settings.start_tls) == (False, False)


def test_html_to_text():
    assert html_to_text("<p>a &amp; b</p><script>x()</script><p>c<br>d</p>") == "a & b\n\nc\nd\n"
    # Words next to inline tags keep their spaces.
    assert html_to_text("<p>See <b>attached</b>, <i>please</i>.</p>") == "See attached, please.\n"


mailer_under_test = EmailClient()


class MailApi(SurgeController):
    """Sends what the client posts, as a contact form would."""

    @post("/contact")
    async def contact(self, req: Request) -> dict[str, Any]:
        data = await req.json()
        await mailer_under_test.send_email(
            data.get("to", "ann@example.com"),
            data.get("subject", "Hello"),
            "body",
            {data["file"]: b"x"} if "file" in data else None,
            cc=data.get("cc"),
            bcc=data.get("bcc"),
            reply_to=data.get("reply_to"),
        )
        return {"sent": True}


HEADER_BREAKERS = ["\r", "\n", "\r\n", "\x1c", "\x1e", "\u2028", "\u2029", "\x00"]


@pytest.mark.parametrize("breaker", HEADER_BREAKERS)
@pytest.mark.parametrize(
    ("field", "make_payload"),
    [
        ("subject", lambda b: {"subject": f"Hi{b}Bcc: victim@example.com"}),
        ("to_address", lambda b: {"to": f"Ann{b}Bcc: victim@example.com <ann@example.com>"}),
        ("to_address", lambda b: {"to": f"ann@example.com{b}Bcc: victim@example.com"}),
        ("cc", lambda b: {"cc": f"carol@example.com{b}X-Evil: 1"}),
        ("bcc", lambda b: {"bcc": [f"dave@example.com{b}RCPT TO:<victim@example.com>"]}),
        ("reply_to", lambda b: {"reply_to": f"support@example.com{b}X-Evil: 1"}),
        ("attachments", lambda b: {"file": f"a.txt{b}X-Evil: 1"}),
    ],
)
async def test_header_breaking_characters_are_refused_with_422(tmp_path, smtp_server, inbox, breaker, field, make_payload):
    global mailer_under_test
    mailer_under_test = EmailClient()
    (tmp_path / "templates").mkdir(exist_ok=True)
    settings = {"SENDER_NAME_OR_ADDRESS": "Team <team@example.com>", "SMTP_SERVER": "127.0.0.1"}
    settings.update(SMTP_PORT=smtp_server.port, USE_TLS=False)
    app = make_app(MailApi, BASE_PATH=str(tmp_path), EMAIL_CLIENT=settings)
    app.add_extension(mailer_under_test)
    async with TestClient(app) as client:
        res = await client.post("/contact", json=make_payload(breaker))
        assert res.status_code == 422, res.text
        body = res.json()
        assert body["status"] == "error"
        assert field in body["message"]
        assert body["errors"] == [
            {"loc": [field], "msg": "line breaks and control characters are not allowed", "type": "email_header"}
        ]
        assert inbox.envelopes == []  # nothing reached the SMTP server
        ok = await client.post("/contact", json={"subject": "Hi\tthere", "to": "Ann <ann@example.com>"})
        assert ok.status_code == 200
        assert inbox.message()["Subject"] == "Hi\tthere"


async def test_header_error_outside_a_request(tmp_path, smtp_server, inbox):
    app, mailer = client_app(tmp_path, SMTP_PORT=smtp_server.port, USE_TLS=False)
    async with TestClient(app):
        with pytest.raises(EmailHeaderError) as caught:
            await mailer.send_email("ann@example.com", "a\nb", "body")
        assert caught.value.field == "subject"
        assert isinstance(caught.value, SurgeError)
        with pytest.raises(EmailHeaderError, match="recipients"):
            await mailer.send_message(EmailMessage(), ["x@example.com\r\nDATA"])
    assert inbox.envelopes == []
