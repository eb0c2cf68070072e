from django.apps import AppConfig


class PlacementsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "placements"

    def ready(self) -> None:
        from academy.navigation import register_nav
        from academy.registry.demo import register_demo_loader
        from academy.roles import STAFF_ROLES, Role

        from .demo import load_placements_demo
        from .reminders import register_reminders

        register_nav(label="Practice educators", url_name="placements:register", order=60, roles=STAFF_ROLES)
        register_nav(
            label="Your educator entry",
            url_name="placements:my_entry",
            order=61,
            roles={Role.PRACTICE_EDUCATOR},
        )
        register_nav(
            label="Placement requests",
            url_name="placements:requests",
            order=62,
            roles={*STAFF_ROLES, Role.TUTOR},
        )
        register_nav(
            label="Placements",
            url_name="placements:placements",
            order=63,
            roles={*STAFF_ROLES, Role.TUTOR, Role.STUDENT, Role.PRACTICE_EDUCATOR},
        )
        register_nav(label="Placement figures", url_name="placements:figures", order=64, roles=STAFF_ROLES)
        register_demo_loader(load_placements_demo, order=60)
        register_reminders()
