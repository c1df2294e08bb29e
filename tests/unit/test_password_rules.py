"""The rules for a new password: length, the common-password list, e-mail and company name."""
from qms.auth.passwords import MIN_LENGTH, RECOMMENDED_LENGTH, common_passwords, password_problem


def test_length_and_no_composition_rules():
    assert MIN_LENGTH == 12 and RECOMMENDED_LENGTH == 15
    assert password_problem("a" * 11 + "b") is None  # 12 characters, one kind of character: fine
    assert password_problem("kort genoeg") == "short"  # 11 characters
    assert password_problem("correct horse battery") is None
    assert password_problem("zeer lange zin met spaties en ünïcode") is None


def test_common_passwords_are_refused_ignoring_case():
    listed = common_passwords()
    assert len(listed) > 15000 and "wachtwoord" in listed
    long_common = sorted(p for p in listed if len(p) >= 12)[:3]
    assert long_common, "the list has long entries too"
    for password in long_common:
        assert password_problem(password) == "common"
        assert password_problem(password.upper()) == "common"


def test_never_the_email_or_the_company_name():
    assert password_problem("anna.devries@schoon.nl", email="anna.devries@schoon.nl") == "email"
    assert password_problem("Anna.DeVries!!", email="anna.devries@schoon.nl") == "email"
    assert password_problem("Schoon Bedrijf BV", company="Schoonbedrijf B.V.") == "company"
    assert password_problem("schoonbedrijfbv2026", company="Schoonbedrijf B.V.") == "company"
    assert password_problem("schoonbedrijf heeft een mooie zin", company="Schoonbedrijf B.V.") is None
