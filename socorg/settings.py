"""socorg settings: one module, configured from the environment.

Embedded defaults (SQLite under var/, tasks run inline) apply only when a variable is unset. DEBUG is off unless
the environment says DEBUG=1 (`make run`, `make test`, `make worker` and the test suite set it), and with DEBUG off the
process refuses to start on a default secret, so a production deployment cannot run on the demo keys, nor a forgotten
variable turn development mode on.
"""

import json
import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("SOCORG_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Off when unset: development mode is asked for explicitly (DEBUG=1), never fallen into.
DEBUG = env_bool("DEBUG", False)

# Embedded defaults: usable on a laptop, refused in production (see check below).
_DEFAULT_SECRET_KEY = "socorg-embedded-default-secret-key-do-not-use-in-production"
_DEFAULT_FIELD_KEY = "socorg-embedded-default-field-key-do-not-use-in-production"
# An empty variable counts as unset: `SECRET_KEY=` in an env file must not silently mean "no secret".
SECRET_KEY = os.environ.get("SECRET_KEY", "").strip() or _DEFAULT_SECRET_KEY
SOCORG_FIELD_KEY = os.environ.get("SOCORG_FIELD_KEY", "").strip() or _DEFAULT_FIELD_KEY
# Previous field keys, comma-separated, kept for reading only while `socorg rotate-field-key` re-encrypts.
SOCORG_FIELD_KEYS_OLD = [k.strip() for k in os.environ.get("SOCORG_FIELD_KEY_OLD", "").split(",") if k.strip()]

# Django's own deployment check asks for at least 50 characters in the signing key.
SECRET_KEY_MIN_LENGTH = 50

# Commands that read only the code — never the data, never a secret, never serving — run whatever the mode, so a
# tool checking for missing migrations or compiling catalogs needs no deployment secrets (they then use the embedded
# defaults, which they never apply to anything). Every other start in production mode is checked below.
OFFLINE_COMMANDS = {"makemigrations", "makemessages", "compilemessages", "help", "version", "verify_draw"}


def _offline_command(argv: list[str]) -> bool:
    return len(argv) > 1 and argv[1].replace("-", "_") in OFFLINE_COMMANDS


if not DEBUG and not _offline_command(sys.argv):
    _problems = []
    if SECRET_KEY == _DEFAULT_SECRET_KEY:
        _problems.append("SECRET_KEY is unset (the embedded default may only be used with DEBUG=1)")
    elif len(SECRET_KEY) < SECRET_KEY_MIN_LENGTH:
        _problems.append(f"SECRET_KEY has {len(SECRET_KEY)} characters; at least {SECRET_KEY_MIN_LENGTH} random "
                         "characters are required (e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))')")
    if SOCORG_FIELD_KEY == _DEFAULT_FIELD_KEY:
        _problems.append("SOCORG_FIELD_KEY is unset (the embedded default may only be used with DEBUG=1)")
    if not env_list("ALLOWED_HOSTS", ""):
        _problems.append("ALLOWED_HOSTS is unset (a comma-separated list of host names is required with DEBUG=0)")
    if _problems:
        raise ImproperlyConfigured("socorg refuses to start in production mode (DEBUG is off; for development on the "
                                   "embedded defaults set DEBUG=1, as make run does): " + "; ".join(_problems))

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "socorg.core",
    "socorg.regions",
    "socorg.accounts",
    "socorg.registry",
    "socorg.party",
    "socorg.coverage",
    "socorg.ledger",
    "socorg.activities",
    "socorg.alerts",
    "socorg.reports",
    "socorg.inspections",
    "socorg.projects",
    "socorg.notices",
    "socorg.public",
    "captcha",
    "socorg.credit",
    "socorg.ratings",
    "socorg.complaints",
    "socorg.exits",
    "socorg.exports",
    "socorg.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "socorg.core.middleware.RequestContextMiddleware",
    "socorg.core.middleware.NoStoreDownloadsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "socorg.public.guard.PublicIsolationMiddleware",  # the public site never reads the internal session
    # Messages before the idle timeout: the timeout tells the user why they were logged out.
    "django.contrib.messages.middleware.MessageMiddleware",
    "socorg.accounts.middleware.IdleTimeoutMiddleware",
    # The second factor before the password change: a password set by someone else (a reset) must not let them in.
    "socorg.accounts.middleware.SecondFactorMiddleware",
    "socorg.accounts.middleware.ForcePasswordChangeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "socorg.urls"
WSGI_APPLICATION = "socorg.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "socorg.core.context_processors.navigation",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL says otherwise.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if not DATABASE_URL:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASE_URL = f"sqlite:///{VAR_DIR / 'socorg.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the server read while a demo load or an import writes.
    DATABASES["default"]["OPTIONS"] = {
        # temp_store=MEMORY: with triggers, SQLite otherwise journals each row to a temporary file (2-3x slower).
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
        "PRAGMA temp_store=MEMORY;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "socorg.accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "socorg.accounts.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "socorg.accounts.validators.KeyboardPatternValidator", "OPTIONS": {"run_length": 4}},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login protection (等保 2.0): lock an account+IP after 5 failures for 30 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("SOCORG_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("SOCORG_LOCKOUT_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# Attempts during a lockout do not extend it: the account opens again 30 minutes after it was locked.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Failure history for the security administrator's page; successful logins and logouts go to our audit log instead.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_DISABLE_ACCESS_LOG = True
# Lock per account, not per IP: bureau offices share one NAT address and must not lock each other out.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Idle sessions end after SOCORG_IDLE_MINUTES (default 30); password expiry after SOCORG_PASSWORD_MAX_AGE_DAYS.
SOCORG_IDLE_MINUTES = int(os.environ.get("SOCORG_IDLE_MINUTES", "30"))
SOCORG_PASSWORD_MAX_AGE_DAYS = int(os.environ.get("SOCORG_PASSWORD_MAX_AGE_DAYS", "90"))
# Annual reports are due on these days ("MM-DD") of the following year: to the supervising unit where there is one,
# else to the registration authority.
SOCORG_REPORT_SUPERVISOR_DEADLINE = os.environ.get("SOCORG_REPORT_SUPERVISOR_DEADLINE", "03-31")
SOCORG_REPORT_AUTHORITY_DEADLINE = os.environ.get("SOCORG_REPORT_AUTHORITY_DEADLINE", "05-31")
# Random inspections (双随机、一公开): minimum share of the registered organizations inspected each year, per level
# of the registration authority, e.g. SOCORG_INSPECTION_MIN_SHARES="county=0.03,prefecture=0.04" (unset levels keep
# the national rule: 3 % county, 4 % prefecture, 5 % province, 10 % national).
SOCORG_INSPECTION_MIN_SHARES = {
    level.strip(): share.strip()
    for level, _sep, share in (item.partition("=") for item in os.environ.get("SOCORG_INSPECTION_MIN_SHARES", "")
                               .split(",") if "=" in item)
}
# Annual-report figures for this year and later come from maintained counts (reports.triggers); earlier years are
# counted live from the organizations and reports.
SOCORG_REPORT_MAINTAINED_FROM = int(os.environ.get("SOCORG_REPORT_MAINTAINED_FROM", "2018"))
# Complaints (投诉举报): decide whether to accept within N working days of receipt, conclude within M working days of
# acceptance (local practice: set them to the province's rules).
SOCORG_COMPLAINT_ACCEPT_WORKING_DAYS = int(os.environ.get("SOCORG_COMPLAINT_ACCEPT_WORKING_DAYS", "7"))
SOCORG_COMPLAINT_CONCLUDE_WORKING_DAYS = int(os.environ.get("SOCORG_COMPLAINT_CONCLUDE_WORKING_DAYS", "60"))
# Two-factor sign-in (等保 2.0 level 3: two authentication factors for administrators): TOTP (django-otp) with
# single-use recovery codes, always for the system, security and audit administrators; for every account with
# SOCORG_2FA_ALL_USERS=1. An account that enrolled of its own accord is asked for its code too.
SOCORG_2FA_ALL_USERS = env_bool("SOCORG_2FA_ALL_USERS", False)
SOCORG_2FA_RECOVERY_CODES = 10
# The name authenticator apps show beside the account.
OTP_TOTP_ISSUER = os.environ.get("SOCORG_2FA_ISSUER", "").strip() or "社会组织党建平台"
# Failed codes delay the next attempt 1, 2, 4, 8 … seconds (django-otp's throttling, per device).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# Zombie screening (僵尸型社会组织, 2021 campaign): enabled criteria (comma-separated codes; empty = all five:
# missed_reports, no_activity, outside_scope, unreachable, abnormal_list) and their parameters (socorg/exits/rules.py).
SOCORG_ZOMBIE_CRITERIA = os.environ.get("SOCORG_ZOMBIE_CRITERIA", "")
SOCORG_ZOMBIE_MISSED_REPORTS = int(os.environ.get("SOCORG_ZOMBIE_MISSED_REPORTS", "2"))
SOCORG_ZOMBIE_ABNORMAL_DAYS = int(os.environ.get("SOCORG_ZOMBIE_ABNORMAL_DAYS", "365"))
SOCORG_ZOMBIE_OUTSIDE_SCOPE_DAYS = int(os.environ.get("SOCORG_ZOMBIE_OUTSIDE_SCOPE_DAYS", "730"))
SESSION_COOKIE_AGE = 12 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG

# Transport security with DEBUG=0: HTTPS only (HSTS for a year), plain HTTP redirected. Behind a TLS-terminating
# reverse proxy set SOCORG_BEHIND_PROXY=1, so the proxy's X-Forwarded-Proto tells Django the request was HTTPS
# (otherwise every request would look like HTTP and be redirected forever). /healthz stays reachable over HTTP for
# the load balancer's probe.
SECURE_SSL_REDIRECT = env_bool("SOCORG_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("SOCORG_BEHIND_PROXY", False) else None
SECURE_HSTS_SECONDS = 0 if DEBUG else int(os.environ.get("SOCORG_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp), in every mode so the pages are developed and tested under it: scripts only
# from our own static files or inline with the per-request nonce; no plugins, no framing, forms post to us only.
# Inline style attributes stay allowed (Bootstrap markup and htmx's indicator style).
# The dashboards' map (socorg/core/maps.py, docs/map.md): boundary files from this base URL (`<code>.json`) instead of
# the shipped ones; a public deployment in China must use a map carrying a 审图号 and name it here.
SOCORG_MAP_BASE_URL = os.environ.get("SOCORG_MAP_BASE_URL", "").strip()
SOCORG_MAP_ATTRIBUTION = os.environ.get("SOCORG_MAP_ATTRIBUTION", "").strip()
SOCORG_MAP_REVIEW_NUMBER = os.environ.get("SOCORG_MAP_REVIEW_NUMBER", "").strip()
MAP_ORIGINS = ["/".join(SOCORG_MAP_BASE_URL.split("/")[:3])] if SOCORG_MAP_BASE_URL.startswith("https://") else []

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF, *MAP_ORIGINS],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Numbers carry thousands separators in every language (Django's zh_Hans format groups by nothing: 2847, 1000000).
FORMAT_MODULE_PATH = ["socorg.formats"]
# The language chosen in the header is remembered for a year (Django's default cookie ends with the browser session).
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = not DEBUG
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("SOCORG_MEDIA_ROOT", VAR_DIR / "media"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "socorg.accounts.authentication.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "socorg.core.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "socorg.core.api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "socorg API",
    "DESCRIPTION": "社会组织党建与综合监管信息平台 API (v1). Token or session authentication; every list is scoped "
    "to the caller's region grants.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and the docs describe an internal system: only logged-in users (or token holders) read them.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Every operation documents its 400/401/403/404 answers (schemathesis checks the answers against them).
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "socorg.core.api.schema.document_error_answers"],
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI served from our own static files (drf-spectacular-sidecar): intranets have no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a field named `kind` (or `status`) with different choices: name the enums explicitly.
    "ENUM_NAME_OVERRIDES": {
        "PartyOrgKindEnum": "socorg.party.choices.PartyOrgKind",
        "InstructorKindEnum": "socorg.party.choices.InstructorKind",
        "AttachmentKindEnum": "socorg.activities.choices.AttachmentKind",
        "EventKindEnum": "socorg.alerts.choices.EventKind",
        "OrgStatusEnum": "socorg.registry.choices.OrgStatus",
        "PartyOrgStatusEnum": "socorg.party.choices.PartyOrgStatus",
        "InstructorStatusEnum": "socorg.party.choices.InstructorStatus",
        "AlertStatusEnum": "socorg.alerts.choices.AlertStatus",
        "ImportStatusEnum": "socorg.ledger.models.ImportStatus",
        # The apps of issues #14-#18 reuse the field names status, kind, conclusion, channel, category, level and
        # method with their own choice sets: one explicit component name per choice set (field names and values
        # unchanged).
        "OrgTypeEnum": "socorg.registry.choices.OrgType",
        "CategoryEnum": "socorg.registry.choices.Category",
        "LevelEnum": "socorg.regions.choices.Level",
        "AuthorityLevelEnum": "socorg.registry.choices.AuthorityLevel",
        "ComplaintAttachmentStageEnum": "socorg.complaints.choices.AttachmentStage",
        "ComplaintDeadlineStageEnum": "socorg.complaints.choices.Stage",
        "EvaluationStageEnum": "socorg.projects.choices.EvaluationStage",
        "ConclusionEnum": "socorg.reports.choices.Conclusion",
        "ComplaintStatusEnum": "socorg.complaints.choices.Status",
        "ComplaintChannelEnum": "socorg.complaints.choices.Channel",
        "ComplaintStaffChannelEnum": "socorg.complaints.choices.staff_channel_choices",
        "ComplaintCategoryEnum": "socorg.complaints.choices.Category",
        "ReplyMethodEnum": "socorg.complaints.choices.ReplyMethod",
        "ScreeningCaseStatusEnum": "socorg.exits.choices.CaseStatus",
        "PenaltyKindEnum": "socorg.credit.choices.PenaltyKind",
        "EndingPenaltyKindEnum": "socorg.credit.choices.ENDING_PENALTIES",
        "InspectionPlanStatusEnum": "socorg.inspections.choices.PlanStatus",
        "RatingStatusEnum": "socorg.ratings.choices.RatingStatus",
        "NoticeStatusEnum": "socorg.notices.choices.NoticeStatus",
        "ProjectCallKindEnum": "socorg.projects.choices.CallKind",
        "ApplicationStatusEnum": "socorg.projects.choices.ApplicationStatus",
        "ExpertReviewStatusEnum": "socorg.projects.choices.ReviewStatus",
        "ProjectStatusEnum": "socorg.projects.choices.ProjectStatus",
        "MilestoneStatusEnum": "socorg.projects.choices.MilestoneStatus",
        "EvaluationConclusionEnum": "socorg.projects.choices.EvaluationConclusion",
        "NeedStatusEnum": "socorg.projects.choices.NeedStatus",
        "OfferStatusEnum": "socorg.projects.choices.OfferStatus",
        "MatchStatusEnum": "socorg.projects.choices.MatchStatus",
        "ProjectTerminationReasonEnum": "socorg.projects.choices.TerminationReason",
    },
}

# Regulation thresholds a province may set differently. Full members from which an organization must form its own
# branch (支部工作条例 第四条: 3): coverage counts, filters and the should_build_missing rule all read this one value;
# after changing it run `socorg migrate` (reinstalls the coverage count triggers and recounts).
SOCORG_SHOULD_BUILD_MIN_FULL_MEMBERS = int(os.environ.get("SOCORG_SHOULD_BUILD_MIN_FULL_MEMBERS", "3"))
# Whose full members count toward that minimum (docs/domain.md, "Should build"): "employed" — every full member
# employed by the organization (the default) — or "full_time_staff" — only the full-time staff of its standing
# office (中组部、民政部 1998 joint notice). After changing it run `socorg coverage-rebuild`.
SOCORG_SHOULD_BUILD_BASIS = os.environ.get("SOCORG_SHOULD_BUILD_BASIS", "employed")

# Credit lists (docs/credit.md): working days come from chinese-calendar; until its release for a new year is
# installed (or to correct it) list extra holidays and make-up working days here, comma-separated ISO dates.
SOCORG_EXTRA_HOLIDAYS = os.environ.get("SOCORG_EXTRA_HOLIDAYS", "")
SOCORG_EXTRA_WORKDAYS = os.environ.get("SOCORG_EXTRA_WORKDAYS", "")
# Days for which a supervising unit's statement (not directly responsible) stops listings for its reason.
SOCORG_CREDIT_STATEMENT_DAYS = int(os.environ.get("SOCORG_CREDIT_STATEMENT_DAYS", "365"))
# Ratings (docs/ratings.md): months before an evaluation grade expires from which it is shown as expiring (practice:
# 6), and the stars a branch needs in its last published rating to be designated a model branch (local practice: 4).
SOCORG_GRADE_EXPIRY_WARNING_MONTHS = int(os.environ.get("SOCORG_GRADE_EXPIRY_WARNING_MONTHS", "6"))
SOCORG_MODEL_BRANCH_MIN_STARS = int(os.environ.get("SOCORG_MODEL_BRANCH_MIN_STARS", "4"))

# Celery: Redis (or any broker) in production; without CELERY_BROKER_URL tasks run inline in the caller.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", CELERY_BROKER_URL or None)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
# Periodic work (run by `celery -A socorg worker -B`, see `make worker`); cron can call the commands instead.
CELERY_BEAT_SCHEDULE = {
    "alerts-daily-scan": {"task": "socorg.alerts.tasks.scan_alerts", "schedule": crontab(hour=2, minute=30)},
    "ledger-stale-imports": {"task": "socorg.ledger.tasks.fail_stale_imports", "schedule": crontab(minute="*/10")},
    "complaints-daily-escalation": {"task": "socorg.complaints.tasks.escalate_complaints",
                                    "schedule": crontab(hour=2, minute=15)},
    "audit-daily-anchor": {"task": "socorg.core.tasks.anchor_audit_chain", "schedule": crontab(hour=0, minute=5)},
    "notices-daily-reminders": {"task": "socorg.notices.tasks.remind_unread", "schedule": crontab(hour=8, minute=0)},
    "ratings-daily-suspensions": {"task": "socorg.ratings.tasks.suspend_stars", "schedule": crontab(hour=3, minute=0)},
    "credit-daily-escalate": {"task": "socorg.credit.tasks.escalate_credit_lists",
                              "schedule": crontab(hour=3, minute=15)},
}
# Notices: also e-mail the reminder to recipients with an address (Django's EMAIL_* settings); off by default.
SOCORG_NOTICE_REMINDER_EMAIL = env_bool("SOCORG_NOTICE_REMINDER_EMAIL", False)
# The audit chain's daily anchors are appended here too (outside the database; `socorg audit-verify` reads it).
AUDIT_ANCHOR_LOG = Path(os.environ.get("SOCORG_AUDIT_ANCHOR_LOG", VAR_DIR / "audit-anchors.log"))

# One handler, on the root logger: Django's own "django" console handler is dropped, otherwise every django.* line
# printed twice (once by it, once by the root). A refused request (403) is logged in one line, without a traceback.
LOG_LEVEL = os.environ.get("LOG_LEVEL", "WARNING")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_traceback_for_403": {"()": "socorg.core.logs.NoTracebackForPermissionDenied"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["no_traceback_for_403"]}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django": {"handlers": [], "level": LOG_LEVEL, "propagate": True}},
}

# Funded projects and matching (socorg.projects). The service-category vocabulary of needs, offers and calls, by
# Chinese label, comma-separated (empty = the built-in list: 养老服务, 助残服务, 儿童关爱, …); the matching weights as
# JSON, e.g. {"category": 100, "area": 80, "capacity": 8, "credit": 5, "rating": 2, "track_record": 1}.
SOCORG_SERVICE_CATEGORIES = [c.strip() for c in os.environ.get("SOCORG_SERVICE_CATEGORIES", "").split(",")
                             if c.strip()]
SOCORG_MATCH_WEIGHTS = json.loads(os.environ.get("SOCORG_MATCH_WEIGHTS", "") or "{}")

# Public disclosure site (/public/, /api/v1/public/; docs/public.md). Per-IP limits (django-ratelimit; `N/s|m|h`),
# page caching (seconds; changes through the services invalidate at once, bulk imports within this time), robots
# rules, and what the deployment chooses to publish.
SOCORG_PUBLIC_RATE = os.environ.get("SOCORG_PUBLIC_RATE", "120/m")
SOCORG_PUBLIC_COMPLAINT_RATE = os.environ.get("SOCORG_PUBLIC_COMPLAINT_RATE", "5/h")
SOCORG_PUBLIC_CACHE_SECONDS = int(os.environ.get("SOCORG_PUBLIC_CACHE_SECONDS", "300"))
SOCORG_PUBLIC_ROBOTS = os.environ.get("SOCORG_PUBLIC_ROBOTS", "public")  # public | none | all
SOCORG_PUBLIC_LEGAL_REPRESENTATIVE = env_bool("SOCORG_PUBLIC_LEGAL_REPRESENTATIVE", False)
SOCORG_PUBLIC_STAR_RATINGS = env_bool("SOCORG_PUBLIC_STAR_RATINGS", False)  # published star ratings on the record
SOCORG_PUBLIC_FIGURE_LEVELS = env_list("SOCORG_PUBLIC_FIGURE_LEVELS", "national,province")
# One cache shared by all web processes (rate limits and public pages): Redis in production.
SOCORG_CACHE_URL = os.environ.get("SOCORG_CACHE_URL", "").strip()
if SOCORG_CACHE_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": SOCORG_CACHE_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "socorg"}}
    # A process-local cache: limits count per web process (docs/public.md says to set SOCORG_CACHE_URL).
    SILENCED_SYSTEM_CHECKS = [*globals().get("SILENCED_SYSTEM_CHECKS", []), "django_ratelimit.W001",
                              "django_ratelimit.E003"]
RATELIMIT_IP_META_KEY = "socorg.core.middleware.client_ip"
# The captcha works offline: a sum drawn as an image by the server (django-simple-captcha, no third party).
CAPTCHA_CHALLENGE_FUNCT = "captcha.helpers.math_challenge"
CAPTCHA_TIMEOUT = 10
CAPTCHA_IMAGE_SIZE = (120, 40)
CAPTCHA_FONT_SIZE = 28
