"""Sending e-mail over SMTP (aiosmtplib): `smtp://` upgrades with STARTTLS whenever the server
offers it, `smtps://` speaks TLS from the first byte. Credentials ride in the URL's user part."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from urllib.parse import unquote, urlsplit

import aiosmtplib

from core.errors import TableforError
from core.settings import MailSettings
from renderer.sign_in_mail import SignInMail


class MailNotConfigured(TableforError):
    """No TABLEFOR_SMTP_URL: sign-in mails cannot be sent (a dead letter says so)."""


class Mailer:
    def __init__(self, settings: MailSettings) -> None:
        self._settings = settings
        self._sender = settings.mail_from

    async def send(self, *, to: str, mail: SignInMail) -> None:
        """Hand the mail to the SMTP server; aiosmtplib's errors (and OSError) mean retry."""
        url = self._settings.smtp_url
        if url is None:
            raise MailNotConfigured("TABLEFOR_SMTP_URL is not set: sign-in mails cannot be sent")
        parts = urlsplit(url)
        implicit_tls = parts.scheme == "smtps"
        ca_file = self._settings.ca_file
        await aiosmtplib.send(
            self._message(to, mail),
            hostname=parts.hostname,
            port=parts.port or (465 if implicit_tls else 25),
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            use_tls=implicit_tls,
            start_tls=False if implicit_tls else None,  # None: when the server offers it
            cert_bundle=str(ca_file) if ca_file else None,
            timeout=self._settings.timeout,
        )

    def _message(self, to: str, mail: SignInMail) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self._sender
        message["To"] = to
        message["Subject"] = mail.subject
        message["Date"] = formatdate(localtime=False)
        domain = parseaddr(self._sender)[1].rpartition("@")[2] or None
        message["Message-ID"] = make_msgid(domain=domain)
        message["Auto-Submitted"] = "auto-generated"
        message.set_content(mail.text)
        message.add_alternative(mail.html, subtype="html")
        return message
