"""Signals the agreements package sends, so that packages above it can follow the lifecycle
without agreements importing them. Receivers are connected in create_app's register_events
step and listed in docs/ARCHITECTURE.md; sent through core.signals.announce, with the app as
sender."""

from __future__ import annotations

from blinker import Namespace

signals = Namespace()

# After a lifecycle step has changed the agreement, inside its transaction and before its
# audit event. Keywords: agreement, action (the TRANSITIONS key), today.
agreement_transitioned = signals.signal("agreement-transitioned")

# After the daily roll has taken its steps, inside its transaction. Keywords: steps (the
# (agreement, action) pairs it took), today.
agreements_rolled = signals.signal("agreements-rolled")

# After a new version of the agreement's document was rendered and stored on the row, inside
# the generation's transaction and before its audit event. Keywords: agreement, today, actor.
# Signatures given on the earlier document lapse (signing.services.lapse_on_generation).
agreement_generated = signals.signal("agreement-generated")

# After the daily roll renewed an agreement tacitly (its expiry moved by renewal terms),
# inside the roll's transaction and before its audit event. Keywords: agreement, today.
# Adoptions of it move their expiry with it (adoptions.cascade).
agreement_renewed_tacitly = signals.signal("agreement-renewed-tacitly")
