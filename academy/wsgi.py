"""The WSGI application gunicorn serves. Without DJANGO_SETTINGS_MODULE it runs the production
settings, which refuse to start without their required variables: a container never falls back
to the developer's settings (DEBUG on, a published key, MFA relaxed). `manage.py runserver`
keeps the local settings as its default."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "academy.settings.production")
application = get_wsgi_application()
