import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xietong.settings")
application = get_wsgi_application()


def _refuse_insecure() -> None:
    """Any server that loads this module (gunicorn directly, `xietong serve`, runserver) refuses
    to start without a real SECRET_KEY unless it is the demo or a DEBUG run."""
    from django.conf import settings

    from xietong.server import serving_problem

    problem = serving_problem(settings)
    if problem:
        raise ImproperlyConfigured(problem)


_refuse_insecure()
