"""Figures of the user tools (report curves, attention maps, inference timelines).

Modules import matplotlib only when used; nothing here is registered.
"""
