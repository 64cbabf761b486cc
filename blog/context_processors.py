from django.conf import settings


def site(request):
    """Site identity for every template: header, titles, Open Graph tags."""
    return {"site_name": settings.SITE_NAME, "site_description": settings.SITE_DESCRIPTION}
