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
