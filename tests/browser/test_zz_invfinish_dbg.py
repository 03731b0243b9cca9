import pytest
from tests.browser.test_inventory_browser import *  # noqa

def test_dbg(client, plant):
    from erp.iam.models import User
    client.force_login(User.objects.get(username="wang.fang"))
    r = client.get("/inventory/other-receipts/new/")
    import re
    print(r.status_code, re.findall(r'id="(id_[^"]+)"', r.content.decode())[:30])
