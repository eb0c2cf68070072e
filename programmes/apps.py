from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "programmes"

    def ready(self) -> None:
        from academy.navigation import register_nav
        from academy.registry.demo import register_demo_loader
        from academy.registry.digest import register_digest_section
        from academy.registry.home_panels import register_home_panel
        from academy.registry.reminders import register_reminder_producer
        from academy.registry.scale import register_scale_seeder
        from academy.roles import Role
        from academy.schedules import register_periodic

        from . import reminders, scale_seed
        from .demo import load_programmes_demo
        from .news import panels as news_panels
        from .tasks import OFFER_PRODUCER

        register_nav(label="Programmes", url_name="programmes:catalogue", order=50)
        register_nav(label="My bookings", url_name="programmes:my_bookings", order=51)
        register_nav(
            label="Bookings to approve", url_name="programmes:approvals", order=52, roles={Role.LINE_MANAGER}
        )
        register_reminder_producer(
            name=OFFER_PRODUCER,
            produce=reminders.places_offered,
            kinds=[reminders.PLACE_OFFERED],
            description="Programmes: a place offered from a waiting list, to the person next in line.",
        )
        register_reminder_producer(
            name="programmes.sessions_tomorrow",
            produce=reminders.sessions_tomorrow,
            kinds=[reminders.SESSION_TOMORROW],
            description="Programmes: a session tomorrow, to each person booked on it.",
        )
        register_reminder_producer(
            name="programmes.sessions_cancelled",
            produce=reminders.sessions_cancelled,
            kinds=[reminders.SESSION_CANCELLED],
            description="Programmes: a session the academy cancelled, to everyone booked or waiting.",
        )
        register_reminder_producer(
            name="programmes.approvals_waiting",
            produce=reminders.approvals_waiting,
            kinds=[reminders.APPROVAL_WAITING],
            description="Programmes: a booking waiting for approval, to the line managers who decide it.",
        )
        register_periodic(
            name="programmes-waitlist-sweep", task="programmes.tasks.waitlist_sweep", every_seconds=300
        )
        register_demo_loader(load_programmes_demo, order=60)
        register_scale_seeder(
            name="programmes", seed=scale_seed.seed_programmes_scale, models=scale_seed.SEEDED_MODELS
        )
        register_home_panel(
            name="programmes.news",
            title="Academy news",
            template="programmes/news/panel.html",
            order=30,
            context=news_panels.news_context,
        )
        register_digest_section(name="programmes.news", title="Academy news", items=news_panels.digest_news)
