"""Events the core announces. Norm packages and later workflows subscribe; the core never calls them directly.

Each signal's sender is the Flask app unless stated otherwise; keyword arguments are listed per signal.
"""
from blinker import Namespace

_signals = Namespace()

#: Sent once the norm registry of an app is complete. kwargs: ``registry`` (qms.norms.NormRegistry).
norms_loaded = _signals.signal("norms-loaded")

#: Sent after a user's access changed (invited, roles changed, deactivated, reactivated), inside the
#: transaction. kwargs: ``user`` (qms.auth.models.User), ``change`` (str: "invited", "roles", "deactivated",
#: "reactivated", "password_reset").
user_access_changed = _signals.signal("user-access-changed")

#: Asks the shared workflows (not norms: they use ``Norm.review_sections``) for their sections of a management
#: review input pack. kwargs: ``start``, ``end`` (dates). Receivers return a ``qms.norms.ReviewSection`` or None;
#: collect with ``[value for _, value in review_input_requested.send(app, start=…, end=…) if value]``.
review_input_requested = _signals.signal("review-input-requested")

#: A document version was published (sender: the app). kwargs: ``version`` (the published version),
#: ``superseded`` (the version it replaced, or None).
document_published = _signals.signal("document-published")

#: An incident was reported (sender: the app). kwargs: ``incident``.
incident_reported = _signals.signal("incident-reported")

#: A nonconformity was closed after a positive effectiveness check (sender: the app). kwargs: ``nonconformity``.
nonconformity_closed = _signals.signal("nonconformity-closed")
