"""LDAP / Active Directory bind against a real slapd started by the tests (tests/identity_servers.py)."""
from sqlalchemy import select

from qms.audit.models import AuditEntry
from qms.auth.models import ExternalIdentity, User
from qms.permissions import Role
from tests.identity_servers import LDAP_ADMIN, LDAP_ADMIN_PASSWORD, LDAP_SUFFIX, ldap_directory  # noqa: F401


def _app(app_factory, directory, **extra):
    return app_factory(LDAP_URL=directory.url, LDAP_BIND_DN=LDAP_ADMIN, LDAP_BIND_PASSWORD=LDAP_ADMIN_PASSWORD,
                       LDAP_BASE_DN=f"ou=people,{LDAP_SUFFIX}", LDAP_GROUP_BASE_DN=f"ou=groups,{LDAP_SUFFIX}",
                       LDAP_ROLE_MAP="qms-coordinators=coordinator,qms-hr=hr", **extra)


def _login(client, email, password):
    return client.post("/login", data={"email": email, "password": password})


def test_directory_password_logs_in_and_groups_give_roles(app_factory, ldap_directory):  # noqa: F811
    app = _app(app_factory, ldap_directory, SSO_JIT_ACCOUNTS=True)
    client = app.test_client()
    with app.app_context():
        assert _login(client, "anna@example.test", "wrong password").status_code == 200
        response = _login(client, "Anna@Example.test", "anna-directory-password")
        assert response.status_code == 302 and response.headers["Location"] == "/"
        assert client.get("/account").status_code == 200
        from qms.extensions import db

        user = db.session.scalar(select(User).where(User.email == "anna@example.test"))
        assert user.role_set == {Role.COORDINATOR} and user.password_hash is None
        link = db.session.scalar(select(ExternalIdentity).where(ExternalIdentity.user_id == user.id))
        assert (link.provider, link.subject) == ("ldap", f"uid=anna,ou=people,{LDAP_SUFFIX}")

        # Anna moves from the coordinators to HR in the directory: her roles follow at the next login.
        ldap_directory.modify(f"dn: cn=qms-coordinators,ou=groups,{LDAP_SUFFIX}\nchangetype: modify\n"
                              f"delete: member\nmember: uid=anna,ou=people,{LDAP_SUFFIX}\n"
                              f"-\nadd: member\nmember: {LDAP_ADMIN}\n\n"
                              f"dn: cn=qms-hr,ou=groups,{LDAP_SUFFIX}\nchangetype: modify\n"
                              f"add: member\nmember: uid=anna,ou=people,{LDAP_SUFFIX}\n")
        try:
            other = app.test_client()
            assert _login(other, "anna@example.test", "anna-directory-password").status_code == 302
            db.session.expire_all()
            assert db.session.get(User, user.id).role_set == {Role.HR}
            changes = db.session.scalars(select(AuditEntry).where(AuditEntry.entity_type == "user_role")).all()
            assert {e.action for e in changes} >= {"create", "delete"}
        finally:
            ldap_directory.modify(f"dn: cn=qms-hr,ou=groups,{LDAP_SUFFIX}\nchangetype: modify\n"
                                  f"delete: member\nmember: uid=anna,ou=people,{LDAP_SUFFIX}\n\n"
                                  f"dn: cn=qms-coordinators,ou=groups,{LDAP_SUFFIX}\nchangetype: modify\n"
                                  f"add: member\nmember: uid=anna,ou=people,{LDAP_SUFFIX}\n")


def test_no_account_without_just_in_time_and_no_anonymous_bind(app_factory, ldap_directory):  # noqa: F811
    app = _app(app_factory, ldap_directory)
    client = app.test_client()
    with app.app_context():
        from qms.extensions import db

        assert _login(client, "bram@example.test", "bram-directory-password").status_code == 200
        assert db.session.scalar(select(User).where(User.email == "bram@example.test")) is None
        # An invited account with the same (directory-verified) address is linked at its first login.
        db.session.add(User(email="bram@example.test", name="Bram", active=True))
        db.session.commit()
        assert _login(client, "bram@example.test", "").status_code == 200  # empty password: never a bind
        assert _login(client, "bram@example.test", "bram-directory-password").status_code == 302


def test_local_login_switched_off_for_directory_users(app_factory, ldap_directory, password_hash):  # noqa: F811
    """With SSO_LOCAL_LOGIN off, a linked account's old local password no longer opens it; the directory does."""
    from qms.auth.models import ExternalIdentity

    app = _app(app_factory, ldap_directory, SSO_LOCAL_LOGIN=False)
    with app.app_context():
        from qms.extensions import db

        user = User(email="anna@example.test", name="Anna", active=True, password_hash=password_hash)
        db.session.add(user)
        db.session.flush()
        db.session.add(ExternalIdentity(user_id=user.id, provider="ldap", subject=f"uid=anna,ou=people,{LDAP_SUFFIX}"))
        db.session.commit()
        assert _login(app.test_client(), "anna@example.test", "correct horse battery").status_code == 200
        assert _login(app.test_client(), "anna@example.test", "anna-directory-password").status_code == 302
