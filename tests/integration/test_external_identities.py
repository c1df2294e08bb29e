"""External identities (OpenID Connect, LDAP): the first sign-in links to an account by verified e-mail, but an
account already linked to one external identity is never taken over by another carrying the same address (ASVS
5.0 6.8.1)."""
import pytest
from sqlalchemy import select

from qms.auth import external
from qms.auth.models import ExternalIdentity
from qms.permissions import Role


def test_the_first_sign_in_links_by_verified_e_mail_and_then_by_subject(db, make_user):
    user = make_user(Role.STAFF, email="fatima@schoon.example")
    assert external.sign_in("oidc", "https://id.example|abc", "Fatima@schoon.example", "Fatima", None, "").id == user.id
    # later sign-ins find the link, whatever address the provider sends then
    assert external.sign_in("oidc", "https://id.example|abc", "", "Fatima", None, "").id == user.id
    links = db.session.scalars(select(ExternalIdentity).where(ExternalIdentity.user_id == user.id)).all()
    assert [(x.provider, x.subject) for x in links] == [("oidc", "https://id.example|abc")]


@pytest.mark.parametrize("provider, subject", [("ldap", "uid=fatima,ou=people,dc=schoon,dc=example"),
                                               ("oidc", "https://other-idp.example|abc"),
                                               ("oidc", "https://id.example|someone-else")])
def test_an_account_linked_to_one_identity_is_not_taken_over_by_another(db, make_user, provider, subject):
    user = make_user(Role.ADMIN, email="fatima@schoon.example")
    external.sign_in("oidc", "https://id.example|abc", "fatima@schoon.example", "Fatima", None, "")
    db.session.commit()
    with pytest.raises(external.NoAccount) as refused:
        external.sign_in(provider, subject, "fatima@schoon.example", "Fatima", None, "")
    assert "already linked" in refused.value.reason
    db.session.rollback()
    assert db.session.scalars(select(ExternalIdentity.subject).where(ExternalIdentity.user_id == user.id)).all() == [
        "https://id.example|abc"]


def test_an_unverified_address_never_links(db, make_user):
    make_user(Role.ADMIN, email="fatima@schoon.example")
    with pytest.raises(external.NoAccount):
        external.sign_in("oidc", "https://id.example|x", "fatima@schoon.example", "F", None, "", email_verified=False)
