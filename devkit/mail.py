"""A real local SMTP server (aiosmtpd) that keeps what it receives, for `tablefor dev` and tests.

    with MailCatcher(on_mail=print) as catcher:   # catcher.url is smtp://127.0.0.1:PORT
        ...
        mail = catcher.wait_for("asha@example.com", timeout=10)
        mail.link   # the sign-in link in its text

`tls_context` makes it speak TLS from the first byte (an `smtps://` server); `starttls_context`
makes it offer STARTTLS and refuse mail without it; `users` ({login: password}) makes it require
AUTH (over TLS). It listens on 127.0.0.1 only, on a free port
chosen first (aiosmtpd 1.4.6 cannot bind port 0), or the `port` given (to come back after
`stop()` where a client expects it).
"""

from __future__ import annotations

import re
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from types import TracebackType
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

_LINK = re.compile(r"https?://\S+/signin/link#token=[A-Za-z0-9_-]+(?:&next=\S+)?")


@dataclass(frozen=True, slots=True)
class CaughtMail:
    sender: str
    recipients: tuple[str, ...]
    message: EmailMessage
    secure: bool  # arrived over TLS (implicit or STARTTLS)

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        return self._part("plain")

    @property
    def html(self) -> str:
        return self._part("html")

    @property
    def link(self) -> str | None:
        """The sign-in link the mail carries, if any."""
        found = _LINK.search(self.text)
        return found.group(0) if found else None

    def _part(self, subtype: str) -> str:
        part = self.message.get_body(preferencelist=(subtype,))
        return "" if part is None else str(part.get_content())


class _Keeper:
    def __init__(self, catcher: MailCatcher) -> None:
        self._catcher = catcher

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        parsed = message_from_bytes(raw, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        mail = CaughtMail(
            sender=str(envelope.mail_from),
            recipients=tuple(str(r) for r in envelope.rcpt_tos),
            message=parsed,
            secure=session.ssl is not None or _over_tls(server),
        )
        self._catcher.keep(mail)
        return "250 Message accepted for delivery"


def _over_tls(server: SMTP) -> bool:
    """Implicit TLS (smtps) leaves `session.ssl` unset; the transport knows."""
    transport = server.transport
    return transport is not None and transport.get_extra_info("ssl_object") is not None


class MailCatcher:
    def __init__(
        self,
        *,
        on_mail: Callable[[CaughtMail], None] | None = None,
        tls_context: ssl.SSLContext | None = None,
        starttls_context: ssl.SSLContext | None = None,
        users: dict[str, str] | None = None,
        port: int | None = None,
    ) -> None:
        self._on_mail = on_mail
        self._tls = tls_context
        self._starttls = starttls_context
        self._users = users
        self.port = port or free_port()
        self.mails: list[CaughtMail] = []
        self._lock = threading.Condition()
        self._controller: Controller | None = None

    @property
    def url(self) -> str:
        scheme = "smtps" if self._tls else "smtp"
        return f"{scheme}://127.0.0.1:{self.port}"

    def start(self) -> str:
        smtp_options: dict[str, Any] = {}
        if self._starttls is not None:
            smtp_options = {"tls_context": self._starttls, "require_starttls": True}
        if self._users is not None:
            smtp_options |= {"authenticator": self._authenticate, "auth_required": True}
        self._controller = Controller(
            _Keeper(self),
            hostname="127.0.0.1",
            port=self.port,
            ssl_context=self._tls,
            server_hostname="localhost",
            ready_timeout=10,
            **smtp_options,
        )
        self._controller.start()
        return self.url

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        users = self._users or {}
        if not isinstance(data, LoginPassword):
            return AuthResult(success=False, handled=False)
        login, password = data.login.decode(), data.password.decode()
        return AuthResult(success=users.get(login) == password, handled=False)

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def keep(self, mail: CaughtMail) -> None:
        with self._lock:
            self.mails.append(mail)
            self._lock.notify_all()
        if self._on_mail is not None:
            self._on_mail(mail)

    def wait_for(self, recipient: str, *, timeout: float, after: int = 0) -> CaughtMail:
        """The first mail to `recipient` among those caught after the first `after`."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                for mail in self.mails[after:]:
                    if recipient in mail.recipients:
                        return mail
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no mail to {recipient} within {timeout} s")
                self._lock.wait(left)

    def __enter__(self) -> MailCatcher:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
