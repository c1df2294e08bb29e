"""Pure rules of the incident log: kinds, states and allowed transitions. No app, no database."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..core.enums import LabelledEnum, labels
from ..core.transitions import mover


class IncidentType(LabelledEnum):
    LTI = "lti"
    MEDICAL = "medical_treatment"
    FIRST_AID = "first_aid"
    NEAR_MISS = "near_miss"
    UNSAFE_SITUATION = "unsafe_situation"
    UNSAFE_ACT = "unsafe_act"
    ENVIRONMENTAL = "environmental"
    PROPERTY_DAMAGE = "property_damage"

    @property
    def is_accident(self) -> bool:
        """An accident with a person hurt (with or without absence)."""
        return self in ACCIDENT_TYPES


TYPE_LABELS = labels(IncidentType, {
    IncidentType.LTI: _l("Accident with absence (lost time)"),
    IncidentType.MEDICAL: _l("Accident without absence: medical treatment"),
    IncidentType.FIRST_AID: _l("Accident without absence: first aid"),
    IncidentType.NEAR_MISS: _l("Near miss (it almost went wrong)"),
    IncidentType.UNSAFE_SITUATION: _l("Unsafe situation"),
    IncidentType.UNSAFE_ACT: _l("Unsafe act"),
    IncidentType.ENVIRONMENTAL: _l("Environmental incident"),
    IncidentType.PROPERTY_DAMAGE: _l("Property damage"),
})

#: Short labels for charts and tables.
TYPE_SHORT = {
    IncidentType.LTI: _l("LTI"),
    IncidentType.MEDICAL: _l("Medical treatment"),
    IncidentType.FIRST_AID: _l("First aid"),
    IncidentType.NEAR_MISS: _l("Near miss"),
    IncidentType.UNSAFE_SITUATION: _l("Unsafe situation"),
    IncidentType.UNSAFE_ACT: _l("Unsafe act"),
    IncidentType.ENVIRONMENTAL: _l("Environment"),
    IncidentType.PROPERTY_DAMAGE: _l("Damage"),
}

ACCIDENT_TYPES = frozenset({IncidentType.LTI, IncidentType.MEDICAL, IncidentType.FIRST_AID})


class IncidentState(LabelledEnum):
    REPORTED = "reported"
    TRIAGED = "triaged"
    INVESTIGATING = "investigating"
    ACTIONS = "actions"
    CLOSED = "closed"


STATE_LABELS = labels(IncidentState, {
    IncidentState.REPORTED: _l("Reported"),
    IncidentState.TRIAGED: _l("Triaged"),
    IncidentState.INVESTIGATING: _l("Under investigation"),
    IncidentState.ACTIONS: _l("Actions running"),
    IncidentState.CLOSED: _l("Closed"),
})

#: Allowed transitions: forward one step; from actions back to investigation when the actions show the
#: analysis was wrong. A closed incident never changes state again.
TRANSITIONS: dict[IncidentState, frozenset[IncidentState]] = {
    IncidentState.REPORTED: frozenset({IncidentState.TRIAGED}),
    IncidentState.TRIAGED: frozenset({IncidentState.INVESTIGATING}),
    IncidentState.INVESTIGATING: frozenset({IncidentState.ACTIONS}),
    IncidentState.ACTIONS: frozenset({IncidentState.INVESTIGATING, IncidentState.CLOSED}),
    IncidentState.CLOSED: frozenset(),
}


#: Whether a incident may move from one state to another (the table above).
can_move = mover(TRANSITIONS)


class Severity(LabelledEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    SEVERE = "severe"


SEVERITY_LABELS = labels(Severity, {
    Severity.LOW: _l("Low"),
    Severity.MEDIUM: _l("Medium"),
    Severity.HIGH: _l("High"),
    Severity.SEVERE: _l("Severe"),
})


class PersonCategory(LabelledEnum):
    OWN_STAFF = "own_staff"
    TEMPORARY = "temporary"
    SUBCONTRACTOR = "subcontractor"
    APPRENTICE = "apprentice"
    VISITOR = "visitor"


PERSON_LABELS = labels(PersonCategory, {
    PersonCategory.OWN_STAFF: _l("Own staff"),
    PersonCategory.TEMPORARY: _l("Temporary worker"),
    PersonCategory.SUBCONTRACTOR: _l("Subcontractor"),
    PersonCategory.APPRENTICE: _l("Apprentice"),
    PersonCategory.VISITOR: _l("Visitor or client"),
})


class ArboReason(LabelledEnum):
    """Why an accident must be reported to the Nederlandse Arbeidsinspectie (Arbowet art. 9)."""

    DEATH = "death"
    PERMANENT_INJURY = "permanent_injury"
    HOSPITAL = "hospital_admission"


ARBO_LABELS = labels(ArboReason, {
    ArboReason.DEATH: _l("Death"),
    ArboReason.PERMANENT_INJURY: _l("Permanent injury"),
    ArboReason.HOSPITAL: _l("Hospital admission"),
})


class ArboMethod(LabelledEnum):
    """How the accident was reported to the Arbeidsinspectie."""

    PHONE = "phone"
    ONLINE_FORM = "online_form"


ARBO_METHOD_LABELS = labels(ArboMethod, {
    ArboMethod.PHONE: _l("By phone (0800-5151)"),
    ArboMethod.ONLINE_FORM: _l("With the online form"),
})

#: The Arbeidsinspectie's number for reporting accidents, day and night (a death: always by phone).
ARBO_PHONE = "0800-5151"


class Method(LabelledEnum):
    FIVE_WHYS = "five_whys"
    ISHIKAWA = "ishikawa"
    TRIPOD = "tripod"


METHOD_LABELS = labels(Method, {
    Method.FIVE_WHYS: _l("5× why"),
    Method.ISHIKAWA: _l("Ishikawa (fishbone)"),
    Method.TRIPOD: _l("Tripod (causes behind the causes)"),
})


class HoursCategory(LabelledEnum):
    OWN_STAFF = "own_staff"
    TEMPORARY = "temporary"
    SUBCONTRACTOR = "subcontractor"


#: Hours are registered for the person categories of the same name.
labels(HoursCategory, {h: PERSON_LABELS[PersonCategory(h.value)] for h in HoursCategory})
