"""What the subcommands share: Django's setup, migrations, progress bars and the acting user."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def load_settings():
    """Django's settings, or a plain message and exit status 2 when they refuse to load (no
    SECRET_KEY in production)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xietong.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        settings.INSTALLED_APPS  # noqa: B018 - loads the settings module
    except ImproperlyConfigured as exc:
        print(f"xietong: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    return settings


def django_setup() -> None:
    import django

    settings = load_settings()
    django.setup()
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        Path(db["NAME"]).parent.mkdir(parents=True, exist_ok=True)


def migrate(verbosity: int = 0) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)


def progress_bar(total: int | None, desc: str):
    from tqdm import tqdm

    return tqdm(
        total=total, desc=desc, unit=" values", unit_scale=True, disable=None, file=sys.stderr
    )


def actor_named(username: str | None):
    if not username:
        return None
    from xietong.accounts.models import User

    user = User.objects.filter(username=username).first()
    if user is None:
        raise SystemExit(f"xietong: no user named {username!r}")
    return user
