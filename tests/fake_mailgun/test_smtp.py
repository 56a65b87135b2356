"""SMTP capture: what ``smtplib`` sends lands in the mailbox with the right fields."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

import httpx
import pytest

from fake_mailgun import Running


def _send(mailgun: Running, message: EmailMessage, *, login: bool = False) -> None:
    with smtplib.SMTP("127.0.0.1", mailgun.smtp_port or 0, timeout=10) as smtp:
        if login:
            smtp.login("postmaster@mg.example.test", "any password")
        smtp.send_message(message)


def _wait(control: httpx.Client, to: str) -> dict[str, object]:
    response = control.get("/__harness/messages/wait", params={"to": to, "timeout": 5})
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def test_plain_text_message_is_captured(mailgun: Running, control: httpx.Client, address: str) -> None:
    msg = EmailMessage()
    msg["From"] = "Logto <no-reply@mg.example.test>"
    msg["To"] = address
    msg["Subject"] = "Your sign-in code"
    msg.set_content("Your verification code is 305917. It expires in 10 minutes.")
    _send(mailgun, msg)

    got = _wait(control, address)
    assert got["source"] == "smtp"
    assert got["from"] == "Logto <no-reply@mg.example.test>"
    assert got["to"] == [address]
    assert got["subject"] == "Your sign-in code"
    assert "305917" in str(got["text"])
    assert got["html"] == ""
    assert got["code"] == "305917"
    assert got["envelope_from"] == "no-reply@mg.example.test"


def test_html_alternative_cc_and_bcc(mailgun: Running, control: httpx.Client, address: str) -> None:
    cc, bcc = f"cc-{address}", f"bcc-{address}"
    msg = EmailMessage()
    msg["From"] = "a@example.test"
    msg["To"] = f"Alice <{address}>"
    msg["Cc"] = cc
    msg["Subject"] = "Welcome"
    msg.set_content("Open https://app.example.test/verify?token=abc to continue.")
    msg.add_alternative(
        '<p>Click <a href="https://app.example.test/verify?token=abc">here</a></p>', subtype="html"
    )
    with smtplib.SMTP("127.0.0.1", mailgun.smtp_port or 0, timeout=10) as smtp:
        smtp.send_message(msg, to_addrs=[address, cc, bcc])

    got = _wait(control, bcc)
    assert got["to"] == [address]
    assert got["cc"] == [cc]
    assert got["bcc"] == [bcc]
    assert '<a href="https://app.example.test/verify?token=abc">' in str(got["html"])
    assert got["links"] == ["https://app.example.test/verify?token=abc"]
    assert got["code"] is None
    assert _wait(control, address)["id"] == got["id"], "one message, found under every recipient"


def test_utf8_subject_and_body_with_auth(mailgun: Running, control: httpx.Client, address: str) -> None:
    msg = EmailMessage()
    msg["From"] = "Équipe Logto <équipe@mg.example.test>"
    msg["To"] = address
    msg["Subject"] = "Votre code de vérification est 771204 ✅"
    msg.set_content("Bienvenue ! Code : 771204 — à bientôt.")
    _send(mailgun, msg, login=True)

    got = _wait(control, address)
    assert got["subject"] == "Votre code de vérification est 771204 ✅"
    assert "Bienvenue ! Code : 771204 — à bientôt." in str(got["text"])
    assert got["from"] == "Équipe Logto <équipe@mg.example.test>"
    assert got["code"] == "771204"


def test_attachment_is_captured_and_downloadable(
    mailgun: Running, control: httpx.Client, address: str
) -> None:
    payload = bytes(range(256)) * 40
    msg = EmailMessage()
    msg["From"] = "a@example.test"
    msg["To"] = address
    msg["Subject"] = "Invoice"
    msg.set_content("See attached.")
    msg.add_attachment(payload, maintype="application", subtype="pdf", filename="invoice.pdf")
    _send(mailgun, msg)

    got = _wait(control, address)
    attachments = got["attachments"]
    assert isinstance(attachments, list)
    assert [(a["filename"], a["content_type"], a["size"]) for a in attachments] == [
        ("invoice.pdf", "application/pdf", len(payload))
    ]
    download = control.get(attachments[0]["url"])
    assert download.content == payload
    raw = control.get(f"/__harness/messages/{got['id']}/raw")
    assert raw.headers["content-type"] == "message/rfc822"
    assert b"Subject: Invoice" in raw.content


def test_broken_mime_is_kept_with_defects(mailgun: Running, control: httpx.Client, address: str) -> None:
    raw = (
        f"From: a@example.test\r\nTo: {address}\r\nSubject: broken 662211\r\n"
        'Content-Type: multipart/mixed; boundary="never-closed"\r\n\r\n'
        "--never-closed\r\nContent-Type: text/plain\r\n\r\ncode 662211\r\n"
    )
    with smtplib.SMTP("127.0.0.1", mailgun.smtp_port or 0, timeout=10) as smtp:
        smtp.sendmail("a@example.test", [address], raw.encode())

    got = _wait(control, address)
    assert got["subject"] == "broken 662211"
    assert got["code"] == "662211"
    assert got["defects"], "the parser's complaints are reported, the message is not dropped"


@pytest.mark.usefixtures("clean_faults")
def test_smtp_fault_rejects_then_recovers(mailgun: Running, control: httpx.Client, address: str) -> None:
    control.post("/__harness/faults", json={"target": "smtp", "status": 451, "count": 1}).raise_for_status()
    msg = EmailMessage()
    msg["From"] = "a@example.test"
    msg["To"] = address
    msg["Subject"] = "retry me"
    msg.set_content("hello")
    with pytest.raises(smtplib.SMTPDataError) as rejected:
        _send(mailgun, msg)
    assert rejected.value.smtp_code == 451
    assert control.get("/__harness/messages", params={"to": address}).json()["total"] == 0

    _send(mailgun, msg)
    assert _wait(control, address)["subject"] == "retry me"


def test_encoded_name_with_a_comma_is_one_recipient(
    mailgun: Running, control: httpx.Client, address: str
) -> None:
    """Clients RFC 2047-encode a non-ASCII name; once decoded it may hold a comma, which must not split
    the address list (addresses are read before the names are decoded), and the header's text quotes it."""
    message = EmailMessage()
    message["From"] = "shop@example.test"
    message["To"] = f'"Ré, Zoé" <{address}>'
    message["Subject"] = "names"
    message.set_content("hello")
    assert b"=?utf-8?" in bytes(message)
    _send(mailgun, message)
    got = _wait(control, address)
    assert got["to"] == [address]
    assert got["headers"]["To"] == f'"Ré, Zoé" <{address}>'  # as the API intake shows it
