from django.conf import settings


def shell(request):
    """What every page of the shell needs: instance banner and company name."""
    from erp.core.selectors import company_get

    return {
        "erp_test_instance": settings.ERP_TEST_INSTANCE,
        "erp_instance": settings.ERP_INSTANCE,
        "company": company_get(),
    }
