"""The accounts queue's task: sending sign-in mails. (A deleted account's published objects are
storage removals, like a deleted invite's: workers/removals.py.)

It takes an id, is safe to run twice, and leaves its debt in PostgreSQL until it is paid (an
unsent request), which the sweep turns back into jobs.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any
from urllib.parse import urlsplit

from cdn import layout
from core import jobs
from core.creators import SIGN_IN_LINK_LIFETIME_S, SIGN_IN_LINK_MINUTES
from core.db import dead_letters, sign_in
from core.db.pool import connection
from core.observability import report_dead_letter
from core.secrets import digest, new_secret
from renderer.sign_in_mail import render_sign_in_mail
from workers.deps import Deps
from workers.mail import MailNotConfigured

log = logging.getLogger("tablefor.worker")

TASKS = frozenset({jobs.SIGN_IN_MAIL})


async def send_sign_in_mail(
    ctx: dict[str, Any], *, sign_in_id: str, request_id: str | None = None
) -> dict[str, Any]:
    """Issue the sign-in request's token (a new one each attempt) and mail the link.
    (`request_id` is the HTTP request that asked, for the logs: the worker binds it.)"""
    deps: Deps = ctx["deps"]
    token = new_secret()
    async with connection(deps.pool) as conn:
        mailing = await sign_in.issue(
            conn,
            request_id=uuid.UUID(sign_in_id),
            token_hash=digest(token),
            lifetime_s=SIGN_IN_LINK_LIFETIME_S,
        )
    if mailing is None:
        return {"skipped": "already sent, used or unknown"}
    public_url = deps.settings.api.public_url
    mail = render_sign_in_mail(
        link=layout.sign_in_link_url(public_url, token, mailing.next_path),
        valid_minutes=SIGN_IN_LINK_MINUTES,
        site=urlsplit(public_url).netloc,
    )
    try:
        await deps.mailer.send(to=mailing.email, mail=mail)
    except MailNotConfigured as error:  # retrying cannot help
        await give_up(deps, jobs.SIGN_IN_MAIL, {"sign_in_id": sign_in_id}, error.detail, 1)
        return {"failed": error.detail}
    async with connection(deps.pool) as conn:
        await sign_in.mark_sent(conn, request_id=uuid.UUID(sign_in_id))
    log.info("sign-in mail sent", extra={"sign_in_id": sign_in_id})
    return {"sent": True}


async def give_up(
    deps: Deps, task: str, arguments: dict[str, Any], error: str, attempts: int
) -> None:
    """A dead letter of its own, and the debt parked until someone replays it: a sign-in
    request stops being sent (a link already out stops working)."""
    async with connection(deps.pool) as conn:
        await dead_letters.record_separately(
            conn, task=task, arguments=arguments, error=error, attempts=attempts
        )
        sign_in_id = arguments.get("sign_in_id")
        if task == jobs.SIGN_IN_MAIL and isinstance(sign_in_id, str):
            await sign_in.mark_failed(conn, request_id=uuid.UUID(sign_in_id))
    log.warning("dead letter", extra={"task": task, "error": error[-500:]})
    report_dead_letter(task, None, error)
