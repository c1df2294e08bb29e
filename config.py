"""Configuration classes, read from the environment.

Pick one with QMS_ENV (development, production, testing); every value below can be overridden by the
environment variable of the same name.
"""
import os
import pathlib

BASE_DIR = pathlib.Path(__file__).resolve().parent
INSTANCE_DIR = pathlib.Path(os.environ.get("QMS_INSTANCE_DIR", BASE_DIR / "instance"))


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'qms.sqlite3'}")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    #: The enabled norm packages; each exposes a ``norm`` object (see qms/norms.py).
    QMS_NORMS = _env_list("QMS_NORMS", ["qms.iso9001", "qms.vca", "qms.pso"])
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER", str(INSTANCE_DIR / "uploads"))
    #: Largest accepted upload in bytes (also the largest request body).
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", 25 * 1024 * 1024))
    BABEL_DEFAULT_LOCALE = "nl"
    BABEL_DEFAULT_TIMEZONE = os.environ.get("BABEL_DEFAULT_TIMEZONE", "Europe/Amsterdam")
    LANGUAGES = ("nl", "en")
    WTF_CSRF_TIME_LIMIT = int(os.environ.get("WTF_CSRF_TIME_LIMIT", 8 * 3600))
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    PERMANENT_SESSION_LIFETIME = int(os.environ.get("PERMANENT_SESSION_LIFETIME", 12 * 3600))
    #: Sessions end after this many minutes without a request, and this many hours after login (ASVS V7.3).
    SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", 30))
    SESSION_ABSOLUTE_HOURS = int(os.environ.get("SESSION_ABSOLUTE_HOURS", 12))
    #: A session's "last seen" is written at most once per this many seconds.
    SESSION_TOUCH_SECONDS = int(os.environ.get("SESSION_TOUCH_SECONDS", 300))
    #: Roles that must use a second factor until an administrator sets the policy (Admin > Two-factor).
    MFA_REQUIRED_ROLES = os.environ.get("MFA_REQUIRED_ROLES", "admin,hr")
    #: The name an authenticator app and a passkey show for this installation.
    MFA_ISSUER = os.environ.get("MFA_ISSUER", "QMS")
    #: How old the last second-factor check may be before a sensitive change asks for it again.
    STEP_UP_MINUTES = int(os.environ.get("STEP_UP_MINUTES", 15))
    #: Single sign-on with OpenID Connect (Microsoft Entra ID, Google Workspace, …): off while OIDC_ISSUER is empty.
    OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "")
    OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "")
    OIDC_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
    #: The claim that lists the user's groups, and "group=role" pairs (comma-separated) that give roles.
    OIDC_GROUPS_CLAIM = os.environ.get("OIDC_GROUPS_CLAIM", "groups")
    OIDC_ROLE_MAP = os.environ.get("OIDC_ROLE_MAP", "")
    #: Seconds of clock difference allowed when checking a token's times.
    OIDC_CLOCK_LEEWAY = int(os.environ.get("OIDC_CLOCK_LEEWAY", 60))
    #: Create an account at the first single sign-on or directory login of an unknown person (off: an
    #: administrator invites people first).
    SSO_JIT_ACCOUNTS = _env_bool("SSO_JIT_ACCOUNTS", False)
    #: Whether users linked to single sign-on or the directory may still log in with a local password.
    SSO_LOCAL_LOGIN = _env_bool("SSO_LOCAL_LOGIN", True)
    #: LDAP / Active Directory bind: off while LDAP_URL is empty. The user is found with the service account
    #: (LDAP_BIND_DN, LDAP_BIND_PASSWORD) under LDAP_BASE_DN by LDAP_USER_FILTER ({email} is filled in), then
    #: bound with their own password. Groups are found under LDAP_GROUP_BASE_DN (member = the user's DN);
    #: LDAP_ROLE_MAP gives "group cn=role" pairs.
    LDAP_URL = os.environ.get("LDAP_URL", "")
    LDAP_BIND_DN = os.environ.get("LDAP_BIND_DN", "")
    LDAP_BIND_PASSWORD = os.environ.get("LDAP_BIND_PASSWORD", "")
    LDAP_BASE_DN = os.environ.get("LDAP_BASE_DN", "")
    LDAP_USER_FILTER = os.environ.get("LDAP_USER_FILTER", "(mail={email})")
    LDAP_GROUP_BASE_DN = os.environ.get("LDAP_GROUP_BASE_DN", "")
    LDAP_ROLE_MAP = os.environ.get("LDAP_ROLE_MAP", "")
    #: The security.txt served at /.well-known/security.txt; a self-hosting company points it at its own.
    SECURITY_TXT_FILE = os.environ.get("SECURITY_TXT_FILE", str(BASE_DIR / "docs" / "security.txt"))
    #: Where vulnerability reports go (a mailto: or https: URI); default security@ the site's host.
    SECURITY_CONTACT = os.environ.get("SECURITY_CONTACT", "")
    #: Failed logins per account before it is locked for LOGIN_LOCK_SECONDS.
    LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", 5))
    LOGIN_LOCK_SECONDS = int(os.environ.get("LOGIN_LOCK_SECONDS", 15 * 60))
    #: Login attempts per client address within LOGIN_IP_WINDOW_SECONDS.
    LOGIN_IP_MAX_ATTEMPTS = int(os.environ.get("LOGIN_IP_MAX_ATTEMPTS", 30))
    LOGIN_IP_WINDOW_SECONDS = int(os.environ.get("LOGIN_IP_WINDOW_SECONDS", 15 * 60))
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", 587))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", True)
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "qms@localhost")
    #: "smtp" sends through MAIL_SERVER; "log" writes messages to the log; "memory" keeps them (tests).
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "smtp" if os.environ.get("MAIL_SERVER") else "log")
    #: Public base URL used in e-mails (invitation links); defaults to the request's host.
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "")
    #: Number of proxies in front of the app whose X-Forwarded-* headers are trusted.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", 0))
    ITEMS_PER_PAGE = 25
    #: Secret that keys the audit chain (HMAC-SHA256), kept outside the database; at least 32 characters.
    #: Required in production. Never change it: entries sealed under another key no longer verify.
    AUDIT_HMAC_KEY = os.environ.get("AUDIT_HMAC_KEY", "")
    #: Where the key is kept when AUDIT_HMAC_KEY is not set (created on first use; development only).
    AUDIT_HMAC_KEY_FILE = os.environ.get("AUDIT_HMAC_KEY_FILE", str(INSTANCE_DIR / "audit-hmac.key"))
    #: Append-only log of signed checkpoints of the audit chain's head (qms/audit/checkpoints.py).
    AUDIT_CHECKPOINT_FILE = os.environ.get("AUDIT_CHECKPOINT_FILE", str(INSTANCE_DIR / "audit-checkpoints.jsonl"))
    #: When set, every checkpoint is also e-mailed to this address …
    AUDIT_CHECKPOINT_EMAIL = os.environ.get("AUDIT_CHECKPOINT_EMAIL", "")
    #: … and POSTed as JSON to this http(s) URL (5 s timeout; a failure is logged, not fatal).
    AUDIT_CHECKPOINT_WEBHOOK = os.environ.get("AUDIT_CHECKPOINT_WEBHOOK", "")
    #: Also told at once of an accident that must be reported to the Arbeidsinspectie (the director's address).
    INCIDENT_DIRECTOR_EMAIL = os.environ.get("INCIDENT_DIRECTOR_EMAIL", "")
    #: How the daily reminders reach a user who has not chosen: "digest" (one message a day) or "immediate".
    REMINDER_DELIVERY = os.environ.get("REMINDER_DELIVERY", "digest")
    #: Where the Arbeidsinspectie's online form for reporting an accident is found.
    ARBEIDSINSPECTIE_FORM_URL = os.environ.get("ARBEIDSINSPECTIE_FORM_URL", "https://www.nlarbeidsinspectie.nl")
    #: Wrong secrets in a row before a speak-up case code is locked, and for how long.
    SPEAKUP_MAX_FAILURES = int(os.environ.get("SPEAKUP_MAX_FAILURES", 5))
    SPEAKUP_LOCK_SECONDS = int(os.environ.get("SPEAKUP_LOCK_SECONDS", 3600))
    #: Background jobs (qms/jobs.py): Huey keeps its queue in Redis when REDIS_URL is set, else in this file.
    REDIS_URL = os.environ.get("REDIS_URL", "")
    JOBS_DATABASE = os.environ.get("JOBS_DATABASE", str(INSTANCE_DIR / "jobs.sqlite3"))
    JOBS_QUEUE_NAME = os.environ.get("JOBS_QUEUE_NAME", "qms")
    #: Run every job inside the request that queues it (no worker needed): tests, debugging.
    JOBS_IMMEDIATE = _env_bool("JOBS_IMMEDIATE", False)
    #: Requests per API token (Flask-Limiter notation); counted in Redis when REDIS_URL is set, else per process.
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "300/minute")


class DevelopmentConfig(Config):
    SECRET_KEY = Config.SECRET_KEY or "dev-only-not-secret"


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    MAIL_BACKEND = "memory"
    LOGIN_IP_MAX_ATTEMPTS = 1000
    #: The test users log in with a password alone; tests/integration/test_two_factor.py sets the real default.
    MFA_REQUIRED_ROLES = ""
    AUDIT_HMAC_KEY = "test-audit-chain-key-not-secret-0123456789"
    JOBS_IMMEDIATE = _env_bool("JOBS_IMMEDIATE", True)


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE

    @classmethod
    def check(cls) -> None:
        if not cls.SECRET_KEY or len(cls.SECRET_KEY) < 16:
            raise RuntimeError("SECRET_KEY must be set (at least 16 characters) in production.")
        if not cls.AUDIT_HMAC_KEY or len(cls.AUDIT_HMAC_KEY) < 32:
            raise RuntimeError("AUDIT_HMAC_KEY must be set (at least 32 characters) in production: it keys the "
                               "audit trail and must live outside the database and its backups.")


CONFIGS = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "testing": TestingConfig,
}
