from tests.conftest import create_event, person, submit_form


async def test_form_flow_smoke(client):
    event = await create_event(client)
    resp = await submit_form(client, event["slug"], person(1))
    assert resp.status == 303, await resp.text()
    manage = await client.get(resp.headers["Location"])
    assert manage.status == 200
    assert "persona1@example.org" in await manage.text()
