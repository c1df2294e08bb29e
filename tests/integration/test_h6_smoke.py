import datetime as dt
from qms.permissions import Role
def test_smoke(app, db, make_user, client):
    from qms.api import tokens, offered_scopes
    u = make_user(Role.COORDINATOR)
    from flask import Flask
    with app.test_request_context():
        from flask_login import login_user
        login_user(u)
        offered = {k for k, _ in offered_scopes(u)}
    t, plain = tokens.create(u, "x", {"incidents:read", "incidents:write"}, dt.date.today()+dt.timedelta(days=3), offered)
    db.session.commit()
    r = client.get("/api/v1/openapi.json"); assert r.status_code == 200, r.data
    import json; print(json.dumps(r.json)[:3000])
    r = client.get("/api/v1/incidents", headers={"Authorization": f"Bearer {plain}"}); print(r.status_code, r.json)
    r = client.get("/api/v1/incidents"); print(r.status_code, r.json)
    r = client.post("/api/v1/incidents", json={"type": "near_miss", "occurred_at": "2026-12-01T10:00:00", "description": "x"}, headers={"Authorization": f"Bearer {plain}"}); print(r.status_code, r.json)
    r = client.get("/api/v1/incidents/1", headers={"Authorization": f"Bearer {plain}"}); print(r.status_code, r.json)
    r = client.post("/api/v1/incidents/1/state", json={"state": "closed"}, headers={"Authorization": f"Bearer {plain}"}); print(r.status_code, r.json)
    print(app.view_functions["api_incidents.list_incidents"].__dict__)
