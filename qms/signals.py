"""Events the core announces. Shared workflows subscribe; the core never calls them directly.

A norm plugs in through its app's registry (qms.norms), not through signals. Each signal's sender is the Flask
app; keyword arguments are listed per signal. A signal that nobody receives is not kept.
"""
from blinker import Namespace

_signals = Namespace()

#: Asks the shared workflows (not norms: they register ``add_review_section``) for their sections of a
#: management review input pack. kwargs: ``start``, ``end`` (dates). Receivers return a
#: ``qms.norms.ReviewSection`` or None; collect with
#: ``[value for _, value in review_input_requested.send(app, start=…, end=…) if value]``.
review_input_requested = _signals.signal("review-input-requested")

#: A document version was published. kwargs: ``version`` (the published version), ``superseded`` (the version it
#: replaced, or None). Received by the outgoing webhooks (qms/webhooks/events.py).
document_published = _signals.signal("document-published")

#: An incident was reported. kwargs: ``incident``. Received by the outgoing webhooks.
incident_reported = _signals.signal("incident-reported")

#: A nonconformity was closed after a positive effectiveness check. kwargs: ``nonconformity``. Received by the
#: outgoing webhooks.
nonconformity_closed = _signals.signal("nonconformity-closed")
