"""The lot picker (issue #22 page budget): document lines and the lot status page pick a lot
by typing, never from a <select> of every lot; the endpoint answers lot number and material
code prefixes, then any part of a lot number, and only to users who may view lots."""

import pytest

from erp.inventory.selectors_pickers import lot_picker_search

pytestmark = pytest.mark.django_db


@pytest.fixture
def lots(plant, receive):
    return {
        "r1": receive(plant["resin"], plant["a"], "10", lot="R-2601"),
        "r2": receive(plant["resin"], plant["a"], "10", lot="R-2602"),
        "p1": receive(plant["pigment"], plant["a"], "5", lot="P-2601"),
    }


def test_search_by_lot_number_material_code_and_part_of_a_number(lots):
    assert [o.code for o in lot_picker_search("R-26", 20)] == ["R-2601", "R-2602"]
    assert [o.code for o in lot_picker_search("RM-PIG", 20)] == ["P-2601"]
    assert [o.code for o in lot_picker_search("2601", 20)] == ["P-2601", "R-2601"]
    option = lot_picker_search("P-2601", 20)[0]
    assert option.name == "RM-PIGMENT RM-PIGMENT"
    assert "待检" in option.specification  # pigment needs QC on receipt
    assert len(lot_picker_search("", 2)) == 2  # newest first, limited


def test_endpoint_needs_lot_view_permission(client, make_user, lots):
    client.force_login(make_user("nobody"))
    assert client.get("/masterdata/pick/lot/", {"q": "R-"}).status_code == 403
    client.force_login(make_user("keeper2", "warehouse"))
    response = client.get("/masterdata/pick/lot/", {"q": "R-"})
    assert response.status_code == 200
    assert "R-2601" in response.content.decode()


def test_issue_form_renders_a_lot_picker_not_every_lot(client, keeper, lots):
    client.force_login(keeper)
    html = client.get("/inventory/other-issues/new/").content.decode()
    assert 'hx-get="/masterdata/pick/lot/"' in html
    assert "R-2602" not in html  # no option list of lots in the page
    assert "批号或物料编码" in html
