"""The application factory: a table of contents of how the app is put together."""

from __future__ import annotations

from typing import Any

from flask import Flask


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder="../templates",
        static_folder="static",
        instance_relative_config=True,
    )
    from sharing.config import load_config

    load_config(app, config)
    register_url_converters(app)
    register_extensions(app)
    register_listeners(app)
    register_blueprints(app)
    register_security(app)
    register_errors(app)
    register_templating(app)
    register_commands(app)
    register_events(app)
    register_audit_vocabulary(app)
    return app


def register_url_converters(app: Flask) -> None:
    """`<int:...>` in every route stops at the largest id a key column holds (404 above it)."""
    from sharing.core.converters import init_converters

    init_converters(app)


def register_extensions(app: Flask) -> None:
    from sharing.auth.session import init_login
    from sharing.core.database import init_database
    from sharing.extensions import bootstrap, csrf, migrate
    from sharing.reports.import_runner import init_import_runner

    init_database(app)
    import sharing.models  # noqa: F401  - every model registered before migrations run
    from sharing.extensions import db

    migrate.init_app(app, db, directory=str(app.root_path + "/migrations"), render_as_batch=True)
    csrf.init_app(app)
    bootstrap.init_app(app)
    init_login(app)
    init_import_runner(app)


def register_listeners(app: Flask) -> None:
    """The SQLAlchemy listeners that act on every flush or statement, each declared in its
    package's LISTENERS. They sit on the Session class and the AuditEvent mapper, which are
    global to the process, so each is added once however many apps are created.

    - audit.models: audit events refuse updates and deletes, through the ORM and as bulk
      UPDATE or DELETE statements (before_update, before_delete, do_orm_execute).
    - obligations.models: a published policy version and its obligations refuse any change
      (before_flush; first, so that nothing below records a flush it refuses).
    - disclosures.tallies: the accounting report's day tallies follow the disclosure log
      (before_flush, after_flush).
    - register.changelog: the register listing's sort and search keys follow renames of
      organisations, departments and flows (after_flush).
    - reports.tallies: the dashboard's status tallies follow agreements, attestation
      requests and flows (before_flush, after_flush).
    """
    from sharing.audit import models as audit_models
    from sharing.core.database import listen_once
    from sharing.disclosures import tallies as disclosure_tallies
    from sharing.obligations import models as obligation_models
    from sharing.register import changelog
    from sharing.reports import tallies as status_tallies

    for listeners in (
        audit_models.LISTENERS,
        obligation_models.LISTENERS,
        disclosure_tallies.LISTENERS,
        changelog.LISTENERS,
        status_tallies.LISTENERS,
    ):
        for target, identifier, fn in listeners:
            listen_once(target, identifier, fn)


def register_blueprints(app: Flask) -> None:
    from sharing.adoptions.offer_views import bp as adoptions_bp
    from sharing.agreements.views import bp as agreements_bp
    from sharing.algorithms.views import bp as algorithms_bp
    from sharing.attestations.views import bp as attestations_bp
    from sharing.audit.views import bp as audit_bp
    from sharing.auth.views import bp as auth_bp
    from sharing.concerns.views import bp as concerns_bp
    from sharing.core.views import bp as core_bp
    from sharing.disclosures.views import bp as disclosures_bp
    from sharing.disposition.directive_views import bp as disposition_bp
    from sharing.flows.views import bp as flows_bp
    from sharing.inbox.views import bp as inbox_bp
    from sharing.mail.views import bp as mail_bp
    from sharing.negotiation.views import bp as negotiation_bp
    from sharing.obligations.views import bp as obligations_bp
    from sharing.portal.views import bp as portal_bp
    from sharing.register.views import bp as register_bp
    from sharing.renewals.views import bp as renewals_bp
    from sharing.reports.dashboard_views import bp as dashboard_bp
    from sharing.reports.views import bp as reports_bp
    from sharing.settings.views import bp as settings_bp
    from sharing.signing.views import bp as signing_bp
    from sharing.vendors.views import bp as vendors_bp

    for blueprint in (
        core_bp,
        dashboard_bp,
        auth_bp,
        inbox_bp,
        audit_bp,
        mail_bp,
        vendors_bp,
        flows_bp,
        algorithms_bp,
        reports_bp,
        obligations_bp,
        agreements_bp,
        adoptions_bp,
        negotiation_bp,
        attestations_bp,
        portal_bp,
        signing_bp,
        renewals_bp,
        disclosures_bp,
        disposition_bp,
        register_bp,
        concerns_bp,
        settings_bp,
    ):
        app.register_blueprint(blueprint)


def register_security(app: Flask) -> None:
    from sharing.core.security import init_security

    init_security(app)


def register_errors(app: Flask) -> None:
    from sharing.core.error_pages import init_error_pages

    init_error_pages(app)


def register_templating(app: Flask) -> None:
    """Filters and globals for every page (core/templating.py, with the Role groups), then
    the globals a feature package adds: agreements' AgreementStatus groups
    (agreements/templating.py), renewals' reminder history (renewals/templating.py),
    signing's signature history and state (signing/templating.py), negotiation's exceptions
    and returned copies on the agreement page (negotiation/templating.py), the
    navigation's unread count (inbox/templating.py), the public pages' check for the
    concerns form (register/templating.py), the agreement page's offer and adoptions
    (adoptions/templating.py), its disposition directives (disposition/templating.py), and
    the flows an attestation covers with, on an adoption's page, its base's attestation
    (attestations/templating.py)."""
    from sharing.adoptions import templating as adoptions_templating
    from sharing.agreements import templating as agreements_templating
    from sharing.attestations import templating as attestations_templating
    from sharing.core.templating import init_templating
    from sharing.disposition import templating as disposition_templating
    from sharing.inbox import templating as inbox_templating
    from sharing.negotiation import templating as negotiation_templating
    from sharing.register import templating as register_templating
    from sharing.renewals import templating as renewals_templating
    from sharing.signing import templating as signing_templating

    init_templating(app)
    agreements_templating.init_templating(app)
    renewals_templating.init_templating(app)
    signing_templating.init_templating(app)
    inbox_templating.init_templating(app)
    negotiation_templating.init_templating(app)
    register_templating.init_templating(app)
    adoptions_templating.init_templating(app)
    disposition_templating.init_templating(app)
    attestations_templating.init_templating(app)


def register_commands(app: Flask) -> None:
    from sharing.agreements.cli import agreements_cli
    from sharing.algorithms.cli import algorithms_cli
    from sharing.attestations.cli import attestations_cli
    from sharing.auth.cli import users_cli
    from sharing.backup.cli import backup_command, restore_command
    from sharing.concerns.cli import concerns_cli
    from sharing.demo.cli import demo_cli
    from sharing.disclosures.cli import disclosures_cli
    from sharing.flows.cli import flows_cli
    from sharing.inbox.cli import inbox_cli
    from sharing.mail.cli import mail_cli
    from sharing.obligations.cli import obligations_cli
    from sharing.renewals.cli import reminders_cli
    from sharing.reports.cli import reports_cli

    for group in (
        users_cli,
        demo_cli,
        mail_cli,
        inbox_cli,
        flows_cli,
        obligations_cli,
        agreements_cli,
        attestations_cli,
        algorithms_cli,
        disclosures_cli,
        reminders_cli,
        reports_cli,
        concerns_cli,
        backup_command,
        restore_command,
    ):
        app.cli.add_command(group)


def register_events(app: Flask) -> None:
    """Connect, for this app, the receivers of the signals a package sends so that packages
    above it can act without being imported by it (docs/ARCHITECTURE.md lists them). Each
    receiver runs inside the sender's transaction; what it returns joins the sender's audit
    event.

    - flows.events.flow_transitioned → register.changelog.follow_flow_step: approval and
      retirement put a flow's arrangement on the register or take it off.
    - agreements.events.agreement_transitioned → register.changelog.follow_agreement_step:
      activation, expiry, termination and renewal do the same for the flows covered.
    - agreements.events.agreements_rolled → register.changelog.follow_roll: the daily roll
      reconciles the whole register.
    - agreements.events.agreement_generated → signing.countersigning.lapse_on_generation:
      signatures on the earlier document lapse.
    - agreements.events.agreement_transitioned → signing.countersigning.lapse_on_step:
      terminating an agreement lapses its signatures.
    - signing.events.signature_holds → negotiation.queries.signature_holds: a returned copy
      not yet decided and regenerated holds back sending and countersigning.
    - agreements.events.agreement_transitioned → adoptions.cascade.follow_base_step: a base's
      termination, expiry, notice window and renewal reach its adoptions; a renewal amendment
      of a base sent for signature is told to the adopters.
    - agreements.events.agreement_renewed_tacitly → adoptions.cascade.follow_tacit_renewal:
      adoptions' expiry moves with their base's.
    - agreements.events.agreement_generated → adoptions.cascade.follow_generation: a renewal
      amendment of a base, once generated, is told to the adopters.
    - agreements.events.agreements_rolled → adoptions.cascade.end_lapsed_offers: an offer
      past its last day ends.
    - disposition.events.certificate_accepted → register.disposals.follow_certificate: the
      public changelog records the day the City's data were disposed of.
    - agreements.events.agreement_transitioned, agreements.events.agreements_rolled and
      flows.events.flow_transitioned → disposition.directives (follow_agreement_step,
      follow_roll, follow_flow_step): an agreement that expires or is terminated, or a flow
      retired under an agreement in force, issues a disposition directive to the vendor.
    """
    from sharing.adoptions import cascade
    from sharing.agreements import events as agreement_events
    from sharing.disposition import directives
    from sharing.disposition import events as disposition_events
    from sharing.flows import events as flow_events
    from sharing.negotiation import queries as negotiation_queries
    from sharing.register import changelog, disposals
    from sharing.signing import countersigning
    from sharing.signing import events as signing_events

    flow_events.flow_transitioned.connect(changelog.follow_flow_step, sender=app)
    agreement_events.agreement_transitioned.connect(changelog.follow_agreement_step, sender=app)
    agreement_events.agreements_rolled.connect(changelog.follow_roll, sender=app)
    agreement_events.agreement_generated.connect(countersigning.lapse_on_generation, sender=app)
    agreement_events.agreement_transitioned.connect(countersigning.lapse_on_step, sender=app)
    signing_events.signature_holds.connect(negotiation_queries.signature_holds, sender=app)
    agreement_events.agreement_transitioned.connect(cascade.follow_base_step, sender=app)
    agreement_events.agreement_renewed_tacitly.connect(cascade.follow_tacit_renewal, sender=app)
    agreement_events.agreement_generated.connect(cascade.follow_generation, sender=app)
    disposition_events.certificate_accepted.connect(disposals.follow_certificate, sender=app)
    agreement_events.agreement_transitioned.connect(directives.follow_agreement_step, sender=app)
    agreement_events.agreements_rolled.connect(directives.follow_roll, sender=app)
    agreement_events.agreements_rolled.connect(cascade.end_lapsed_offers, sender=app)
    flow_events.flow_transitioned.connect(directives.follow_flow_step, sender=app)


def register_audit_vocabulary(app: Flask) -> None:
    """The words the audit trail shows for each object type (audit_vocabulary.py): labels,
    names looked up by id, field and value labels. Audit imports no domain package, so the
    domain's words reach it from here."""
    from sharing.audit_vocabulary import register_audit_vocabulary as register

    register(app)
