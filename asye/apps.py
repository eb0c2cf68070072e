from django.apps import AppConfig


class AsyeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "asye"
    verbose_name = "ASYE"

    def ready(self) -> None:
        from academy.files.registry import register_file_owner
        from academy.navigation import register_nav
        from academy.reference_data import register_deployment_wide_verb
        from academy.registry.demo import register_demo_loader
        from academy.registry.home_panels import register_home_panel
        from academy.registry.used_in import CPD_RECORD, register_used_in
        from academy.roles import STAFF_ROLES, Role

        from . import navigation
        from .agreement.demo import load_agreement_demo
        from .cohorts.demo import load_cohorts_demo
        from .cohorts.jobs import FILE_OWNER_KIND as COHORT_IMPORT_FILES
        from .cohorts.selectors import cohort_import_file_readable
        from .demo import load_asye_demo
        from .evidence.citations.demo import load_citation_demo
        from .evidence.citations.used_in import cited_as_evidence
        from .evidence.selectors import FILE_OWNER_KIND, evidence_file_readable
        from .export.portfolio import register_portfolio_sections
        from .export.sections import register_section
        from .feedback.demo import load_feedback_demo
        from .feedback.emails import register_feedback_emails
        from .final.demo import load_final_demo
        from .final.export import SECTION as FINAL_SECTION
        from .funding.demo import load_funding_demo
        from .moderation.export import SECTION as MODERATION_SECTION
        from .reminder_demo import load_reminder_demo
        from .reminders import register_asye_reminders
        from .reviews.demo import load_reviews_demo
        from .services import PROGRAMME_VERSION_PUBLISH
        from .supervision.demo import load_supervision_demo
        from .year.home import shows_year, year_context

        # A new programme version reaches every organisation: every academy admin's log shows it.
        register_deployment_wide_verb(PROGRAMME_VERSION_PUBLISH)
        register_nav(
            label="My ASYE",
            url_name="asye:my_record",
            order=20,
            roles={Role.NQSW},
            condition=navigation.has_own_record,
        )
        register_nav(
            label="My NQSWs", url_name="asye:assigned", order=25, roles={Role.ASSESSOR, Role.LINE_MANAGER}
        )
        register_nav(
            label="Supervision",
            url_name="asye:supervision_overview",
            order=27,
            roles={Role.ASSESSOR, Role.LINE_MANAGER},
        )
        register_nav(
            label="Reviews",
            url_name="asye:reviews_assigned",
            order=28,
            roles={Role.ASSESSOR, Role.LINE_MANAGER},
        )
        register_nav(label="ASYE records", url_name="asye:records", order=30, roles=STAFF_ROLES)
        register_nav(label="Cohorts", url_name="asye:cohorts", order=31, roles=STAFF_ROLES)
        register_nav(label="ASYE funding", url_name="asye:funding", order=33, roles=STAFF_ROLES)
        register_nav(label="ASYE programmes", url_name="asye:programmes", order=92, roles=STAFF_ROLES)
        register_nav(
            label="Evidence to review",
            url_name="asye:evidence_queue",
            order=26,
            roles={Role.ASSESSOR},
            count=navigation.evidence_waiting,
            count_label="waiting for you",
        )
        register_demo_loader(load_asye_demo, order=30)
        register_demo_loader(load_agreement_demo, order=31)
        register_demo_loader(load_feedback_demo, order=32)
        register_demo_loader(load_supervision_demo, order=33)
        register_demo_loader(load_citation_demo, order=45)  # after the CPD demo (40)
        register_demo_loader(load_reviews_demo, order=34)
        register_demo_loader(load_cohorts_demo, order=35)
        register_demo_loader(load_final_demo, order=36)  # the year's end (asye/final/)
        register_demo_loader(load_funding_demo, order=38)  # registration and funding (asye/funding/)
        register_file_owner(FILE_OWNER_KIND, can_read=evidence_file_readable)
        register_file_owner(COHORT_IMPORT_FILES, can_read=cohort_import_file_readable)
        register_home_panel(
            name="asye.year",
            title="Your ASYE year",
            template="asye/year/panel.html",
            order=5,
            condition=shows_year,
            context=year_context,
        )
        register_feedback_emails()
        register_asye_reminders()
        register_demo_loader(load_reminder_demo, order=900)  # before the core's reminders (1000)
        register_used_in(kind=CPD_RECORD, name="asye.evidence", provider=cited_as_evidence)
        register_portfolio_sections()  # the portfolio PDF's sections (asye/export/)
        register_section(FINAL_SECTION)  # the final assessment's part of the PDF (asye/final/)
        register_section(MODERATION_SECTION)  # the moderation outcome's part (asye/moderation/)
        self._ready_moderation()

    def _ready_moderation(self) -> None:
        """Moderation panels, the year's end and the certificate (asye/moderation/)."""
        from academy.navigation import register_nav
        from academy.registry.demo import register_demo_loader
        from academy.roles import STAFF_ROLES, Role

        from .moderation.demo import load_moderation_demo
        from .moderation.reminders import register_moderation_reminders

        register_nav(
            label="Moderation",
            url_name="asye:moderation_panels",
            order=31,
            roles={Role.MODERATOR, *STAFF_ROLES},
        )
        register_moderation_reminders()
        register_demo_loader(load_moderation_demo, order=37)
