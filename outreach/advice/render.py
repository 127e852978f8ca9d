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
    body = round(base_pt * (1.1 if font else 1.0), 1)
    spacing = f"line-height: {round(library.line_spacing(lang) * 100)}%;"
    heading = f"font-weight: 600; {spacing}"
    parts = [
        f"<div dir='{direction}' align='{align}' style=\"{family} font-size: {body}pt;"
        f' font-weight: 400;">',
        f"<p style='font-size: {round(body * 1.45, 1)}pt; {heading} margin-bottom: 6px'>"
        f"{escape(text.title)}</p>",
        f"<p style='font-size: {round(body * 1.08, 1)}pt; {spacing}'>{escape(text.summary)}</p>",
    ]

    def section(title: str) -> str:
        return (
            f"<p style='font-size: {round(body * 1.15, 1)}pt; {heading}"
            f" margin-top: 10px; margin-bottom: 2px'>{escape(title)}</p>"
        )

    def bullets(items: tuple[str, ...]) -> list[str]:
        return [
            "<ul>",
            *(f"<li style='{spacing} margin-bottom: 3px'>{escape(item)}</li>" for item in items),
            "</ul>",
        ]

    parts += [
        section(library.phrase("steps", lang)),
        *bullets(text.steps),
        section(library.phrase("if_it_happens", lang)),
        *bullets(text.if_it_happens),
        section(library.phrase("who_can_help", lang)),
        f"<p style='{spacing}'>{escape(text.who_can_help)}</p>",
    ]
    for contact_id in topic.signposts:
        block = _contact_lines(library, contact_id, lang)
        if block:
            parts.append(f"<p style='margin-top: 6px; {spacing}'>{block}</p>")
    parts.append("</div>")
    return "\n".join(parts)
