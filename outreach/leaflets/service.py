"""Leaflets as the app and the command line use them: defaults from settings, saving,
and counting printed copies on an engagement."""

from __future__ import annotations

from pathlib import Path

from outreach.advice.library import AdviceLibrary
from outreach.engagements.service import EngagementService
from outreach.engagements.survey import SurveyService
from outreach.i18n import _
from outreach.leaflets.compose import Leaflet, LeafletError, OfficerContact
from outreach.leaflets.report import ReportRequest, render_report
from outreach.reference import Reference
from outreach.settings import Settings, atomic_write_bytes

REPORTING_CONTACT = "police-online"


def officer_contact(
    settings: Settings | None, reference: Reference | None = None
) -> OfficerContact:
    """The contact block for leaflets, from the officer's settings."""
    if settings is None:
        return OfficerContact()
    team = settings.team
    if team and reference is not None:
        team = reference.name("team", team)
    return OfficerContact(
        name=settings.officer_name,
        team=team,
        phone=settings.officer_phone,
        email=settings.officer_email,
    )


def qr_url(library: AdviceLibrary, settings: Settings | None) -> str:
    """Where the leaflet's QR code leads: the setting, else the force's reporting page."""
    if settings and settings.leaflet_qr_url:
        return settings.leaflet_qr_url
    contact = library.contacts.get(REPORTING_CONTACT)
    return contact.url if contact else ""


def save_pdf(leaflet: Leaflet, path: Path) -> Path:
    """Write the PDF so that a failure leaves no half-written file."""
    try:
        atomic_write_bytes(path, leaflet.pdf)
    except OSError as exc:
        raise LeafletError(
            _("Could not save the leaflet to {path}: {error}").format(
                path=path, error=exc.strerror or exc
            )
        ) from exc
    return path


def record_print(
    engagements: EngagementService, engagement_id: str, leaflet: Leaflet, copies: int
) -> list[int]:
    """Count ``copies`` of ``leaflet`` on the engagement: every topic in every language."""
    items = [(topic, lang) for topic in leaflet.topics for lang in leaflet.languages]
    return engagements.record_leaflet_print(engagement_id, items, copies)


def report_request(
    library: AdviceLibrary,
    engagements: EngagementService,
    surveys: SurveyService,
    survey_id: str,
    lang: str,
    settings: Settings | None = None,
    reference: Reference | None = None,
) -> ReportRequest:
    """What the owner's report for a survey holds (read from the records)."""
    state = surveys.state(survey_id)
    record = engagements.get(state.engagement_id)
    checklist = surveys.checklists[state.sector]
    visit = record.data.starts_at.date()
    result = surveys.result(survey_id, today=visit)
    return ReportRequest(
        business_name=state.business_name,
        sector_name=checklist.name,
        venue=record.data.venue,
        visit_date=visit,
        officer=record.data.officer,
        result=result,
        follow_up_date=state.follow_up_date or result.follow_up_date,
        lang=lang,
        contact=officer_contact(settings, reference),
        qr_url=qr_url(library, settings),
    )


def business_report(
    library: AdviceLibrary,
    engagements: EngagementService,
    surveys: SurveyService,
    survey_id: str,
    lang: str,
    settings: Settings | None = None,
    reference: Reference | None = None,
) -> Leaflet:
    """The owner's report for a survey, in ``lang``."""
    request = report_request(library, engagements, surveys, survey_id, lang, settings, reference)
    return render_report(library, request)
