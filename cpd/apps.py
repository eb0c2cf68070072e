from django.apps import AppConfig


class CpdConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cpd"
    verbose_name = "CPD"

    def ready(self) -> None:
        from academy.files.registry import register_file_owner
        from academy.navigation import register_nav
        from academy.registry.demo import register_demo_loader
        from academy.registry.home_panels import register_home_panel

        from . import panels, selectors
        from .compliance import selectors as compliance_selectors
        from .demo import load_cpd_demo
        from .peer.demo import load_peer_demo
        from .peer.emails import register_peer_emails
        from .reminders.registration import register_reminders

        register_nav(label="My CPD", url_name="cpd:ledger", order=40, personal=True)
        register_nav(
            label="CPD compliance",
            url_name="cpd:compliance",
            order=45,
            roles=compliance_selectors.VIEWER_ROLES,
        )
        register_file_owner(selectors.FILE_OWNER_KIND, can_read=selectors.cpd_file_readable)
        register_home_panel(
            name="cpd.progress",
            title="Your CPD this registration year",
            template="cpd/panels/progress.html",
            order=40,
            context=panels.progress_context,
            personal=True,
        )
        register_demo_loader(load_cpd_demo, order=40)
        register_peer_emails()
        register_demo_loader(load_peer_demo, order=41)
        register_reminders()
