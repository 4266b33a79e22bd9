"""Sign-in mails: the worker's task over real SMTP (plain, STARTTLS, TLS), retries, dead letters."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx
import msgspec
import psycopg
import pytest
from aiosmtplib import SMTPException

from core.db import dead_letters
from core.db.pool import connection
from core.settings import MailSettings, Settings
from devkit.mail import MailCatcher
from renderer.sign_in_mail import render_sign_in_mail
from tablefor.cli.reports import replay_dead_letter
from tablefor.devparts import dev_mail
from tests.conftest import MAIL_FROM
from tests.support.certificates import self_signed, server_context
from tests.support.processes import eventually
from workers import accounts
from workers.mail import Mailer

LINK = re.compile(r"^http://invites\.test/signin/link#token=([A-Za-z0-9_-]{43})(&next=(\S+))?$")


def request_ids(database_url: str) -> list[str]:
    with psycopg.connect(database_url) as conn:
        rows = conn.execute("SELECT id FROM sign_in_requests ORDER BY created_at").fetchall()
    return [str(row[0]) for row in rows]


async def test_the_worker_mails_a_link_that_signs_in(
    api: httpx.AsyncClient, deps: Any, mail_catcher: MailCatcher, database_url: str
) -> None:
    asked = await api.post("/api/auth/email", json={"email": "New@Example.com", "next": "/new"})
    assert asked.status_code == 202
    assert await deps.queues.accounts.count("queued") == 1  # the API enqueued the mail
    (request_id,) = request_ids(database_url)

    result = await accounts.send_sign_in_mail({"deps": deps}, sign_in_id=request_id)

    assert result == {"sent": True}
    mail = mail_catcher.wait_for("new@example.com", timeout=5)
    assert mail.sender == "signin@invites.test"
    assert mail.message["From"] == MAIL_FROM
    assert mail.subject == "Your Tablefor sign-in link"
    assert "15 minutes" in mail.text and "15 minutes" in mail.html
    link = mail.link
    assert link is not None
    found = LINK.match(link)
    assert found is not None, link
    assert unquote(found.group(3)) == "/new"
    assert link.replace("&", "&amp;") in mail.html
    signed = await api.post("/api/auth/link", json={"token": found.group(1)})
    assert signed.status_code == 200
    assert signed.json()["creator"]["email"] == "new@example.com"
    again = await accounts.send_sign_in_mail({"deps": deps}, sign_in_id=request_id)
    assert again == {"skipped": "already sent, used or unknown"}


async def test_a_failed_attempt_is_retried_and_only_the_last_link_works(
    api: httpx.AsyncClient, deps: Any, mail_catcher: MailCatcher, database_url: str
) -> None:
    await api.post("/api/auth/email", json={"email": "a@example.com"})
    (request_id,) = request_ids(database_url)
    mail_catcher.stop()  # the SMTP server is down

    with pytest.raises((SMTPException, OSError)):
        await accounts.send_sign_in_mail({"deps": deps}, sign_in_id=request_id)

    with MailCatcher(port=mail_catcher.port) as back:  # back up, where the worker expects it
        assert await accounts.send_sign_in_mail({"deps": deps}, sign_in_id=request_id)
        mail = back.wait_for("a@example.com", timeout=5)
    assert mail.link is not None
    token = mail.link.split("token=")[1]
    assert (await api.post("/api/auth/link", json={"token": token})).status_code == 200


async def test_a_dead_lettered_mail_stops_until_it_is_replayed(
    api: httpx.AsyncClient, deps: Any, database_url: str, worker_env: dict[str, str]
) -> None:
    await api.post("/api/auth/email", json={"email": "a@example.com"})
    (request_id,) = request_ids(database_url)

    await accounts.give_up(
        deps, "sign_in_mail", {"sign_in_id": request_id}, "SMTPConnectError: refused", 6
    )

    async with connection(deps.pool) as conn:
        letters = await dead_letters.list_open(conn)
    assert [(letter.task, letter.attempts) for letter in letters] == [("sign_in_mail", 6)]
    assert letters[0].arguments == {"sign_in_id": request_id}  # no address, no token
    with psycopg.connect(database_url) as conn:
        state = conn.execute("SELECT failed_at IS NOT NULL FROM sign_in_requests").fetchone()
    assert state == (True,)
    message = await replay_dead_letter(Settings.from_env(worker_env), letters[0].id)
    assert "the sign-in mail is queued" in message
    assert await accounts.send_sign_in_mail({"deps": deps}, sign_in_id=request_id) == {"sent": True}


async def test_without_an_smtp_server_configured_the_mail_is_dead_lettered_at_once(
    api: httpx.AsyncClient, deps: Any, database_url: str
) -> None:
    await api.post("/api/auth/email", json={"email": "a@example.com"})
    (request_id,) = request_ids(database_url)
    unconfigured = dataclasses.replace(
        deps, mailer=Mailer(msgspec.structs.replace(deps.settings.mail, smtp_url=None))
    )

    result = await accounts.send_sign_in_mail({"deps": unconfigured}, sign_in_id=request_id)

    assert result == {"failed": "TABLEFOR_SMTP_URL is not set: sign-in mails cannot be sent"}
    async with connection(deps.pool) as conn:
        assert [letter.task for letter in await dead_letters.list_open(conn)] == ["sign_in_mail"]


def _mail_settings(url: str, ca_file: Path | None = None) -> MailSettings:
    return MailSettings(
        smtp_url=url,
        mail_from=MAIL_FROM,
        ca_file=ca_file,
        timeout=5.0,
        attempts=1,
        retry_delay=0.0,
        retry_cap=0.0,
    )


MAIL = render_sign_in_mail(
    link="http://invites.test/signin/link#token=x", valid_minutes=15, site="x"
)


async def test_smtps_speaks_tls_and_checks_the_certificate(tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)
    with MailCatcher(tls_context=server_context(cert, key)) as catcher:
        await Mailer(_mail_settings(catcher.url, ca_file=cert)).send(to="a@example.com", mail=MAIL)
        with pytest.raises((SMTPException, OSError)):  # an unknown CA is refused
            await Mailer(_mail_settings(catcher.url)).send(to="b@example.com", mail=MAIL)

    assert catcher.url.startswith("smtps://")
    assert catcher.wait_for("a@example.com", timeout=5).secure
    assert all("b@example.com" not in mail.recipients for mail in catcher.mails)


async def test_smtp_upgrades_with_starttls_and_logs_in(tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)
    catcher = MailCatcher(starttls_context=server_context(cert, key), users={"app": "s3cr:t"})
    with catcher:
        url = catcher.url.replace("smtp://", "smtp://app:s3cr%3At@")
        await Mailer(_mail_settings(url, ca_file=cert)).send(to="a@example.com", mail=MAIL)
        wrong = Mailer(_mail_settings(catcher.url.replace("smtp://", "smtp://app:no@"), cert))
        with pytest.raises(SMTPException):
            await wrong.send(to="b@example.com", mail=MAIL)

    mail = catcher.wait_for("a@example.com", timeout=5)
    assert mail.secure
    assert all("b@example.com" not in m.recipients for m in catcher.mails)


async def test_tablefor_dev_prints_each_caught_sign_in_link() -> None:
    lines: list[str] = []
    with dev_mail({}, say=lines.append) as mail_env:
        settings = _mail_settings(mail_env["TABLEFOR_SMTP_URL"])
        link = "http://127.0.0.1:8080/signin/link#token=" + "A" * 43
        mail = render_sign_in_mail(link=link, valid_minutes=15, site="127.0.0.1:8080")
        await Mailer(settings).send(to="asha@example.com", mail=mail)
        await eventually(lambda: lines, timeout=5, what="the printed link")

    assert lines == [f"sign-in link for asha@example.com: {link}"]
    assert mail_env["TABLEFOR_MAIL_FROM"]
