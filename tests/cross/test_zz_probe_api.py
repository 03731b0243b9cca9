import pytest
from tests.cross.test_api_junk_params import LISTS, JUNK, _query_names, junk_client  # noqa
pytestmark = pytest.mark.django_db

def test_probe(junk_client):
    bad = []
    for _m, path, op in LISTS:
        for name in _query_names(op):
            for value in JUNK:
                r = junk_client.get(path, {name: value})
                if r.status_code >= 500 or (r.status_code >= 400 and not r["Content-Type"].startswith("application/json")):
                    bad.append((path, name, value, r.status_code))
    print("\nBAD", len(bad))
    seen=set()
    for b in bad:
        if (b[0],b[1]) not in seen:
            seen.add((b[0],b[1])); print(b)
