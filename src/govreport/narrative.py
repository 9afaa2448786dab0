"""Kept for old imports: the page code lives in :mod:`govreport.report` (split along the page's sections).

``build.py`` and ``publish.py`` import ``term``, ``template_name``, ``headline``,
``anchor_for``, ``agencies_with_years``, ``available_years`` and
``comparison_frame`` from here; new code imports from ``govreport.report``.
"""
from __future__ import annotations

from .report import *  # noqa: F401,F403
from .report import __all__  # noqa: F401
