"""Signals the disposition package sends, so that packages above it (the public register's
changelog) can follow a certificate's acceptance without disposition importing them. Sent
through core.signals.announce, with the app as sender; receivers are connected in create_app's
register_events step."""

from __future__ import annotations

from blinker import Namespace

signals = Namespace()

# After the privacy office accepted a certificate of disposition, inside the acceptance's
# transaction. Keywords: directive (its disposed_on set), today.
certificate_accepted = signals.signal("certificate-accepted")
