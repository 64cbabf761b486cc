"""Deploy checks for services whose development defaults would fail quietly in production."""

import environ
from django.conf import settings
from django.core.checks import Warning, register

from devtools.pgcluster import Cluster


@register("services", deploy=True)
def check_shared_services(app_configs, **kwargs):
    warnings = []
    embedded = environ.Env.db_url_config(Cluster(settings.BASE_DIR / ".pg").url)
    database = settings.DATABASES["default"]
    same_place = all(database.get(key) == embedded[key] for key in ("NAME", "USER", "HOST"))
    if same_place and database["OPTIONS"].get("host") == embedded["OPTIONS"]["host"]:
        warnings.append(
            Warning(
                "The database is the project-local development cluster.",
                hint="Set DATABASE_URL to the production PostgreSQL database.",
                id="blog.W001",
            )
        )
    if settings.CACHES["default"]["BACKEND"].endswith(("LocMemCache", "DummyCache")):
        warnings.append(
            Warning(
                "The cache is off or private to each process, so the comment rate limit does "
                "not hold across workers.",
                hint="Set CACHE_URL to a shared cache, e.g. rediscache://host:6379/1.",
                id="blog.W002",
            )
        )
    return warnings
