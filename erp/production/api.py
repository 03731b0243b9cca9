from ninja import Router

from erp.core.doc_kit.api import kit_api_register_app

router = Router(tags=["production"])
kit_api_register_app(router, "production")
