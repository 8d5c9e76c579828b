"""The QBR recap as an RFC 5322 draft mail (``.eml``): text and HTML alternatives and the
plan PDF attached, from a ``RecapView``.

``X-Unsent: 1`` makes mail programs (Outlook, Thunderbird, Apple Mail) open it as a draft to
edit and send. The bytes are reproducible: the Date is the build's today at midnight UTC,
and the Message-ID and the MIME boundaries are derived from the mail's content.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from email import policy
from email.headerregistry import Address as MailAddress
from email.message import EmailMessage
from email.utils import format_datetime

from csplan.render import FORMATS
from csplan.render.html import render as render_template
from csplan.views.recap import Address, RecapView


def _address(person: Address) -> MailAddress:
    user, _at, domain = person.email.rpartition("@")
    return MailAddress(display_name=person.name, username=user, domain=domain)


def text_body(view: RecapView) -> str:
    """Return the plain-text part."""
    lines = [view.greeting, "", view.thanks, ""]
    if view.outcomes:
        lines += [view.outcomes_heading, *(f"- {o}" for o in view.outcomes), ""]
    if view.actions:
        lines.append(view.actions_heading)
        for text, owner, due in view.actions:
            details = ", ".join(x for x in (owner, due) if x)
            lines.append(f"- {text} ({details})" if details else f"- {text}")
        lines.append("")
    if view.goals:
        lines += [view.goals_heading, *(f"- {g}" for g in view.goals), ""]
    lines += [view.next_heading, view.next_qbr, "", view.attached, "", view.closing,
              *view.signature]
    return "\n".join(lines) + "\n"


def render(view: RecapView, ctx) -> bytes:
    """The registry's entry point for ``recap``: the mail, with the plan rendered as PDF."""
    pdf = FORMATS["pdf"]
    attachment = pdf.renderer()(view.plan, ctx)
    html = render_template("recap.html.j2", ctx.brand, {"c": ctx.brand.colours}, recap=view)
    text = text_body(view)
    digest = hashlib.sha256()
    for part in (view.subject, text, html):
        digest.update(part.encode("utf-8") + b"\0")
    digest.update(attachment)
    key = digest.hexdigest()

    mail = EmailMessage(policy=policy.SMTP)
    if view.sender is not None:
        mail["From"] = _address(view.sender)
    if view.to:
        mail["To"] = [_address(p) for p in view.to]
    if view.cc:
        mail["Cc"] = [_address(p) for p in view.cc]
    mail["Subject"] = view.subject
    mail["Date"] = format_datetime(datetime(view.day.year, view.day.month, view.day.day,
                                            tzinfo=timezone.utc))
    domain = view.sender.email.rpartition("@")[2] if view.sender else "csplan.invalid"
    mail["Message-ID"] = f"<{key[:32]}@{domain}>"
    mail["Content-Language"] = view.lang
    mail["X-Unsent"] = "1"
    mail.set_content(text, cte="quoted-printable")
    mail.add_alternative(html, subtype="html", cte="quoted-printable")
    mail.add_attachment(attachment, maintype="application", subtype="pdf",
                        filename=pdf.file_name(view.slug, view.plan))
    for number, part in enumerate(mail.walk()):
        if part.is_multipart():
            part.set_boundary(f"=_csplan_{key[:24]}_{number}")
    return mail.as_bytes(policy=policy.SMTP)
