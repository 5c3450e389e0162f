"""The wiring create_app does in named steps: flush listeners added once, signal receivers
connected per app."""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import Session

from sharing import create_app
from sharing.adoptions import cascade
from sharing.agreements import events as agreement_events
from sharing.audit.models import AuditEvent, _refuse_bulk_change
from sharing.disposition import directives
from sharing.disposition import events as disposition_events
from sharing.flows import events as flow_events
from sharing.register import changelog, disposals
from sharing.signing import countersigning
from tests.conftest import base_config


def _session_listeners(identifier: str) -> list:
    return list(getattr(Session.dispatch, identifier)._clslevel.get(Session, []))


def test_each_flush_listener_is_added_once_however_many_apps_are_created(app, tmp_path):
    """A second create_app in the process adds no listener a second time."""
    before = {name: _session_listeners(name) for name in ("before_flush", "after_flush")}
    create_app(base_config("sqlite://", tmp_path))
    for name, listeners in before.items():
        assert _session_listeners(name) == listeners
        assert len(set(listeners)) == len(listeners)
    assert changelog._follow_renames in _session_listeners("after_flush")
    assert len(AuditEvent.__mapper__.dispatch.before_update) == 1
    assert event.contains(Session, "do_orm_execute", _refuse_bulk_change)


def test_the_register_follows_flow_and_agreement_signals_of_its_own_app(app, tmp_path):
    """register_events connects the receivers for the app it builds, and only it. Blinker
    keeps a sender's receivers in a set, so they are compared as one."""
    other = create_app(base_config("sqlite://", tmp_path))
    for signal, receivers in (
        (
            flow_events.flow_transitioned,
            [changelog.follow_flow_step, directives.follow_flow_step],
        ),
        (
            agreement_events.agreement_transitioned,
            [
                changelog.follow_agreement_step,
                countersigning.lapse_on_step,
                cascade.follow_base_step,
                directives.follow_agreement_step,
            ],
        ),
        (
            agreement_events.agreements_rolled,
            [changelog.follow_roll, directives.follow_roll, cascade.end_lapsed_offers],
        ),
        (
            agreement_events.agreement_generated,
            [countersigning.lapse_on_generation, cascade.follow_generation],
        ),
        (agreement_events.agreement_renewed_tacitly, [cascade.follow_tacit_renewal]),
        (disposition_events.certificate_accepted, [disposals.follow_certificate]),
    ):
        assert set(signal.receivers_for(app)) == set(receivers)
        assert set(signal.receivers_for(other)) == set(receivers)
        assert list(signal.receivers_for(object())) == []
