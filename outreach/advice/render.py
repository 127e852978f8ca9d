"""Topic text as simple HTML for on-screen reading (Qt's rich text subset; no Qt here)."""

from __future__ import annotations

from html import escape

from outreach.advice.library import AdviceLibrary
from outreach.advice.model import Topic
from outreach.i18n import is_rtl


def _contact_lines(library: AdviceLibrary, contact_id: str, lang: str) -> str:
    contact = library.contacts.get(contact_id)
    if contact is None:
        return ""
    rows = [f"<b>{escape(contact.name)}</b>"]
    description = library.contact_text(contact_id, "description", lang)
    if description:
        rows.append(escape(description))
    routes = []
    for key, phrase in (("phone", "phone"), ("sms", "sms"), ("textphone", "textphone")):
        value = getattr(contact, key)
        if value:
            # Numbers are left-to-right even inside right-to-left text.
            routes.append(
                f"{escape(library.phrase(phrase, lang))}: <span dir='ltr'>{escape(value)}</span>"
            )
    if contact.url:
        routes.append(
            f"{escape(library.phrase('web', lang))}: "
            f"<a href='{escape(contact.url)}'><span dir='ltr'>{escape(contact.url.removeprefix('https://'))}</span></a>"
        )
    if contact.email:
        routes.append(
            f"{escape(library.phrase('email', lang))}: <span dir='ltr'>{escape(contact.email)}</span>"
        )
    hours = library.contact_text(contact_id, "hours", lang)
    if hours:
        routes.append(f"{escape(library.phrase('hours', lang))}: {escape(hours)}")
    if routes:
        rows.append(" · ".join(routes))
    return "<br/>".join(rows)


def topic_html(library: AdviceLibrary, topic: Topic, lang: str, base_pt: int = 11) -> str:
    """The topic in ``lang`` (English if it has no such text) as an HTML fragment."""
    text = topic.text(lang) or topic.english
    lang = text.lang
    direction = "rtl" if is_rtl(lang) else "ltr"
    align = "right" if direction == "rtl" else "left"
    font = library.font_for(lang)
    family = f"font-family: '{font}';" if font else ""
    scale = 1.15 if font else 1.0
    body_pt = round(base_pt * scale, 1)
    parts = [
        f"<div dir='{direction}' align='{align}' style=\"{family} font-size: {body_pt}pt;\">",
        f"<h2 style='margin-bottom: 4px'>{escape(text.title)}</h2>",
        f"<p style='font-size: {body_pt + 1}pt'>{escape(text.summary)}</p>",
        f"<h3>{escape(library.phrase('steps', lang))}</h3><ul>",
        *(f"<li style='margin-bottom: 4px'>{escape(step)}</li>" for step in text.steps),
        "</ul>",
        f"<h3>{escape(library.phrase('if_it_happens', lang))}</h3><ul>",
        *(f"<li style='margin-bottom: 4px'>{escape(item)}</li>" for item in text.if_it_happens),
        "</ul>",
        f"<h3>{escape(library.phrase('who_can_help', lang))}</h3>",
        f"<p>{escape(text.who_can_help)}</p>",
    ]
    for contact_id in topic.signposts:
        block = _contact_lines(library, contact_id, lang)
        if block:
            parts.append(f"<p style='margin-top: 6px'>{block}</p>")
    parts.append("</div>")
    return "\n".join(parts)
