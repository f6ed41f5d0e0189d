"""`xietong serve`: the project's WSGI app in gunicorn, a production server.

Workers are processes with a fixed pool of threads each (gunicorn's gthread worker). Django keeps
one database connection per thread, so a server never holds more than workers x threads
connections however many requests arrive; Django's development server starts a thread per
request instead, and with persistent connections each of them left one open.
"""

from __future__ import annotations

import os

DEFAULT_WORKERS = 2
DEFAULT_THREADS = 4


def serving_problem(settings) -> str | None:
    """Why these settings must not serve anyone, or None. The demo and DEBUG runs keep a random
    key in the data directory; anything else needs SECRET_KEY from the environment."""
    if settings.DEBUG or getattr(settings, "DEMO", False):
        return None
    if getattr(settings, "SECRET_KEY_SOURCE", "environment") != "environment":
        return (
            "SECRET_KEY is not set in the environment, and this is neither the demo nor a DEBUG "
            "run: refusing to serve. Set SECRET_KEY to a long random string (e.g. SECRET_KEY="
            "$(python -c 'import secrets; print(secrets.token_urlsafe(50))')), or use "
            "`xietong demo` for the demo, or DEBUG=1 for development."
        )
    return None


def gunicorn_options(
    *,
    host: str,
    port: int,
    workers: int = DEFAULT_WORKERS,
    threads: int = DEFAULT_THREADS,
    timeout: int = 120,
) -> dict:
    if workers < 1 or threads < 1:
        raise ValueError("--workers and --threads must be at least 1")
    return {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "timeout": timeout,  # a large statistics import may take a while
        "graceful_timeout": 30,
        "accesslog": "-",
        "errorlog": "-",
        "proc_name": "xietong",
        "post_worker_init": _post_worker_init,
        "forwarded_allow_ips": os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1"),
    }


def _post_worker_init(worker) -> None:
    """Each web process, once the app is loaded, computes the gap dashboards' landing views in
    a background thread (evaluation.warm), so the first visitor after a start does not."""
    if os.environ.get("XIETONG_WARM", "1") == "0":
        return
    from xietong.evaluation.warm import warm_on_start

    warm_on_start()


def run_gunicorn(options: dict) -> None:
    """Run gunicorn's master in this process until it is stopped (SIGINT/SIGTERM)."""
    from django.db import connections
    from gunicorn.app.base import BaseApplication

    class XietongServer(BaseApplication):
        def load_config(self):
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            from xietong.wsgi import application

            return application

    connections.close_all()  # workers fork from this process: never share its connections
    XietongServer().run()
