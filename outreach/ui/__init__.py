"""Qt widgets: a thin client of the services in :mod:`outreach`."""

from outreach.ui._pyside import quicken_feature_check

quicken_feature_check()
