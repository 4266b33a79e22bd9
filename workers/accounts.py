"""The accounts queue's tasks: sending sign-in mails, and erasing a deleted creator's objects.

Both take ids (or nothing), are safe to run twice, and leave their debt in PostgreSQL until it
is paid (an unsent request, an erasure row), which the sweep turns back into jobs.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any
from urllib.parse import urlsplit

from cdn import layout
from cdn.purge.base import PurgeRequest
from core import jobs
from core.creators import SIGN_IN_LINK_LIFETIME_S, SIGN_IN_LINK_MINUTES
from core.db import dead_letters, erasures, sign_in
from core.db.erasures import Erasure
from core.db.pool import connection
from core.observability import report_dead_letter
from core.secrets import digest, new_secret
from renderer.sign_in_mail import render_sign_in_mail
from workers.deps import Deps, Publisher
from workers.mail import MailNotConfigured

log = logging.getLogger("tablefor.worker")

TASKS = frozenset({jobs.SIGN_IN_MAIL, jobs.ERASE})
# The second pass of an erasure waits out any publish that was running when the invite went
# (a publish job's timeout): whatever it wrote after the first pass is deleted then.
SECOND_PASS_S = jobs.PUBLISH_TIMEOUT + 15
ERASE_BATCH = 100


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


async def erase(ctx: dict[str, Any]) -> dict[str, Any]:
    """Delete the objects of gone invites from storage and the edge, in two passes each."""
    deps: Deps = ctx["deps"]
    async with connection(deps.pool) as conn:
        due = await erasures.due(conn, limit=ERASE_BATCH)
    for erasure in due:
        await erase_one(deps.publisher, erasure)
    if len(due) == ERASE_BATCH:
        await deps.queues.request_erase()
    return {"erased": len(due)}


async def erase_one(publisher: Publisher, erasure: Erasure) -> list[str]:
    """One pass: storage first, then the edge, then the debt (postponed or paid)."""
    slug = erasure.slug
    deleted = await publisher.storage.delete_prefix(layout.invite_prefix(slug))
    if erasure.passes == 0 or deleted:
        keyed = PurgeRequest(keys=(layout.slug_key(slug),), paths=layout.invite_paths(slug))
        await publisher.purger.purge(keyed)
        # Content-hashed objects (OG images) carry no surrogate key: every deleted object goes
        # by its path as well.
        if deleted:
            await publisher.purger.purge(PurgeRequest(paths=tuple(map(layout.path_of, deleted))))
    async with connection(publisher.pool) as conn:
        if erasure.passes == 0:
            await erasures.postpone(conn, erasure_id=erasure.id, after_s=SECOND_PASS_S)
        else:
            await erasures.done(conn, erasure_id=erasure.id)
    log.info(
        "erased",
        extra={"slug": slug, "pass": erasure.passes + 1, "objects_deleted": len(deleted)},
    )
    return deleted


async def give_up(
    deps: Deps, task: str, arguments: dict[str, Any], error: str, attempts: int
) -> None:
    """A dead letter of its own, and the debt parked until someone replays it: a sign-in
    request stops being sent (a link already out stops working); due erasures stay recorded
    but the sweep leaves them alone."""
    async with connection(deps.pool) as conn:
        await dead_letters.record_separately(
            conn, task=task, arguments=arguments, error=error, attempts=attempts
        )
        sign_in_id = arguments.get("sign_in_id")
        if task == jobs.SIGN_IN_MAIL and isinstance(sign_in_id, str):
            await sign_in.mark_failed(conn, request_id=uuid.UUID(sign_in_id))
        elif task == jobs.ERASE:
            await erasures.park_due(conn)
    log.warning("dead letter", extra={"task": task, "error": error[-500:]})
    report_dead_letter(task, None, error)
