"""Printed leaflets and business security reports (ReportLab; no Qt)."""

from outreach.leaflets.compose import (
    Layout,
    Leaflet,
    LeafletError,
    LeafletRequest,
    OfficerContact,
    render_leaflet,
)
from outreach.leaflets.fonts import FontMissingError

__all__ = [
    "FontMissingError",
    "Layout",
    "Leaflet",
    "LeafletError",
    "LeafletRequest",
    "OfficerContact",
    "render_leaflet",
]
