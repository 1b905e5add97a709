"""The web shell: `create_app()` builds the Flask app (patient pre-screen now; practitioner and API later).

Blueprints per audience: `patient` (the pre-screen form), `health` (/healthz). Templates and static files live
in the top-level `web/` folder (in the wheel as `suitability/_data/web`), under `templates/<blueprint>/`.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from .. import clock
from ..errors import SuitabilityError
from . import database, errors, i18n, rules_serving, security, sessions
from .assets import web_dir
from .body_limit import BoundedBody
from .config import APP_NAME, clinic_timezone, instance_path, load_config, secret_key, switched_on

log = logging.getLogger(__name__)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """The app factory (flaskr): defaults, then SUITABILITY_* env (or `test_config`), then the blueprints."""
    folder = web_dir()
    app = Flask(APP_NAME, instance_path=instance_path(test_config), instance_relative_config=True,
                template_folder=str(folder / "templates"), static_folder=str(folder / "static"))
    load_config(app.config, test_config)
    zone = clinic_timezone(app.config)  # an unknown SUITABILITY_TIMEZONE stops the app here, naming it
    # every time shown to a person: in the clinic's zone, with the zone named
    app.jinja_env.filters["local_time"] = lambda moment, **how: clock.shown(moment, zone, **how)
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = secret_key(app.instance_path)

    if app.config["TRUSTED_PROXIES"]:  # behind a TLS-ending proxy: see https, the client and the host it saw
        hops = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    app.wsgi_app = BoundedBody(app.wsgi_app, app.config)  # type: ignore[method-assign]
    security.init_app(app)
    sessions.init_app(app)  # the session cookie without per-value tagging when there is nothing to tag
    errors.init_app(app)
    i18n.init_app(app)  # the page's language: the patient's choice, the browser's, the clinic's default
    database.init_app(app)
    rules_serving.init_app(app)  # an edited rules folder is reloaded; health says if it is stale
    if switched_on(app.config["METRICS"]):  # prometheus_client is imported only when metrics are wanted
        from . import metrics

        metrics.init_app(app)

    from .health import bp as health_bp
    from .patient import bp as patient_bp

    app.register_blueprint(health_bp)
    app.register_blueprint(patient_bp)

    # The practitioner area (/practitioner), behind Flask-Login sign-in.
    from .practitioner import bp as practitioner_bp
    from .practitioner import init_app as init_practitioner

    init_practitioner(app)
    app.register_blueprint(practitioner_bp)

    # JSON API (/api/v1) and FHIR (/fhir); API-key auth, so they are exempt from CSRF there.
    from ..api import init_app as init_api

    init_api(app)
    for name in ("api", "fhir"):  # they authenticate with API keys, never cookies
        security.csrf.exempt(app.blueprints[name])

    app.jinja_env.globals["clinic_name"] = app.config["CLINIC_NAME"]
    app.jinja_env.trim_blocks = app.jinja_env.lstrip_blocks = True
    _warm_up(app)
    return app


def _warm_up(app: Flask) -> None:
    """Load and compile the app's rules now: the first patient does not wait, and a broken rule set is logged."""
    try:
        database.serving_rules(app).screener()
    except SuitabilityError as exc:
        log.error("rule set not loaded at start: %s", exc)


__all__ = ["create_app"]
