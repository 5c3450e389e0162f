"""Signals the flows package sends, so that packages above it can follow a flow without flows
importing them. Receivers are connected in create_app's register_events step and listed in
docs/ARCHITECTURE.md; sent through core.signals.announce, with the app as sender."""

from __future__ import annotations

from blinker import Namespace

signals = Namespace()

# After a review step has changed the flow, inside its transaction and before its audit
# event. Keywords: flow (the DataFlow), action (the TRANSITIONS key), today (the city's date).
flow_transitioned = signals.signal("flow-transitioned")
