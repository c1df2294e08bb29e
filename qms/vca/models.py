"""VCA registers: profile and policy statement, workers on risky work, toolbox meetings with attendance,
workplace inspections, equipment with keuringen, PPE issued, risk assessments with measures, LMRA cards."""
import datetime as dt
import enum

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qms.audit.models import Audited
from qms.auth.models import User
from qms.database import enum_column, utcnow
from qms.extensions import db
from qms.organisation.models import Employee, Site
from qms.uploads.models import StoredFile


class VcaProfile(Audited, db.Model):
    """The company's VCA choices and its VGM policy statement (one row). The level is the company's
    certification target (``Company.certification_targets``, e.g. "vca:vca2")."""

    __tablename__ = "vca_profile"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Catalogue version the company certifies against, e.g. "2017-6.0".
    version: Mapped[str] = mapped_column(String(20))
    policy_title: Mapped[str | None] = mapped_column(String(200))
    #: Controlled document holding the policy statement (qms.documents), by id; no foreign key so the
    #: VCA tables do not depend on the document tables.
    policy_document_id: Mapped[int | None] = mapped_column(Integer)
    policy_signed_on: Mapped[dt.date | None] = mapped_column(Date)
    policy_signed_by: Mapped[str | None] = mapped_column(String(160))
    #: Last time top management evaluated the statement (the next is due three years later).
    policy_evaluated_on: Mapped[dt.date | None] = mapped_column(Date)
    policy_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_file.id"))


class Engagement(str, enum.Enum):
    OWN = "own"
    INTERN = "intern"
    TEMPORARY = "temporary"


class VcaWorker(Audited, db.Model):
    """VCA facts of one employee: since when they do risky work and how they are engaged."""

    __tablename__ = "vca_worker"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), unique=True)
    #: First day of risky (operational) work; None when the person does no risky work.
    risky_work_since: Mapped[dt.date | None] = mapped_column(Date)
    engagement: Mapped[Engagement] = mapped_column(enum_column(Engagement), default=Engagement.OWN)

    employee: Mapped[Employee] = relationship(lazy="joined")


class MeetingState(str, enum.Enum):
    PLANNED = "planned"
    HELD = "held"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class MeetingMode(str, enum.Enum):
    LIVE = "live"
    DIGITAL = "digital"


class VcaToolboxMeeting(Audited, db.Model):
    __tablename__ = "vca_toolbox_meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    planned_on: Mapped[dt.date] = mapped_column(Date, index=True)
    held_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    topic: Mapped[str] = mapped_column(String(200))
    presenter_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))
    mode: Mapped[MeetingMode] = mapped_column(enum_column(MeetingMode), default=MeetingMode.LIVE)
    state: Mapped[MeetingState] = mapped_column(enum_column(MeetingState), default=MeetingState.PLANNED)
    #: Materials: a controlled document (qms.documents) by id.
    document_id: Mapped[int | None] = mapped_column(Integer)
    #: Lessons from incidents and inspections discussed in the meeting.
    lessons: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    presenter: Mapped[Employee | None] = relationship(lazy="joined")

    @property
    def date(self) -> dt.date:
        return self.held_on or self.planned_on


class AttendanceMethod(str, enum.Enum):
    #: The attendee confirmed on their own phone or tablet.
    SIGNED = "signed"
    #: The presenter or coordinator recorded them from the list.
    RECORDED = "recorded"
    #: Missed the meeting and went through the material afterwards (follow-up).
    CATCH_UP = "catch_up"


class VcaToolboxAttendance(Audited, db.Model):
    __tablename__ = "vca_toolbox_attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "employee_id", name="uq_vca_toolbox_attendance_person"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("vca_toolbox_meeting.id"), index=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    method: Mapped[AttendanceMethod] = mapped_column(enum_column(AttendanceMethod))
    signed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    employee: Mapped[Employee] = relationship(lazy="joined")


class VcaInspectionTemplate(Audited, db.Model):
    """A checklist for workplace inspections: one check per line."""

    __tablename__ = "vca_inspection_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    items: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    @property
    def item_list(self) -> list[str]:
        return [line.strip() for line in self.items.splitlines() if line.strip()]


class InspectionState(str, enum.Enum):
    PLANNED = "planned"
    DONE = "done"


class VcaInspection(Audited, db.Model):
    """One workplace inspection of the programme: planned, then carried out (then closed to changes)."""

    __tablename__ = "vca_inspection"

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("vca_inspection_template.id"))
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id"))
    planned_on: Mapped[dt.date] = mapped_column(Date, index=True)
    done_on: Mapped[dt.date | None] = mapped_column(Date)
    inspector_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    state: Mapped[InspectionState] = mapped_column(enum_column(InspectionState), default=InspectionState.PLANNED)
    summary: Mapped[str | None] = mapped_column(Text)

    template: Mapped[VcaInspectionTemplate] = relationship(lazy="joined")
    site: Mapped[Site | None] = relationship(lazy="joined")
    inspector: Mapped[User | None] = relationship(lazy="joined")
    findings: Mapped[list["VcaInspectionFinding"]] = relationship(order_by="VcaInspectionFinding.id",
                                                                  back_populates="inspection")


class FindingResult(str, enum.Enum):
    OK = "ok"
    NOT_OK = "not_ok"
    NA = "na"


class VcaInspectionFinding(Audited, db.Model):
    __tablename__ = "vca_inspection_finding"

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("vca_inspection.id"), index=True)
    item: Mapped[str] = mapped_column(String(300))
    result: Mapped[FindingResult] = mapped_column(enum_column(FindingResult))
    note: Mapped[str | None] = mapped_column(Text)
    photo_id: Mapped[int | None] = mapped_column(ForeignKey("stored_file.id"))
    #: The nonconformity opened for this finding (qms.actions), by id.
    nonconformity_id: Mapped[int | None] = mapped_column(Integer)

    inspection: Mapped[VcaInspection] = relationship(back_populates="findings")
    photo: Mapped[StoredFile | None] = relationship()


class VcaEquipment(Audited, db.Model):
    """An item that needs periodic inspection (keuring): ladder, scaffold, machine, harness, tool."""

    __tablename__ = "vca_equipment"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    #: Serial or asset number on the item's sticker.
    code: Mapped[str | None] = mapped_column(String(60))
    location: Mapped[str | None] = mapped_column(String(160))
    interval_months: Mapped[int] = mapped_column(Integer, default=12)
    last_keuring_on: Mapped[dt.date | None] = mapped_column(Date)
    next_keuring_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class KeuringResult(str, enum.Enum):
    APPROVED = "approved"
    REJECTED = "rejected"


class VcaKeuring(Audited, db.Model):
    __tablename__ = "vca_keuring"

    id: Mapped[int] = mapped_column(primary_key=True)
    equipment_id: Mapped[int] = mapped_column(ForeignKey("vca_equipment.id"), index=True)
    inspected_on: Mapped[dt.date] = mapped_column(Date)
    result: Mapped[KeuringResult] = mapped_column(enum_column(KeuringResult))
    inspected_by: Mapped[str | None] = mapped_column(String(160))
    next_due: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_file.id"))


class VcaPpeIssue(Audited, db.Model):
    """Personal protective equipment handed to one employee (free of charge)."""

    __tablename__ = "vca_ppe_issue"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    item: Mapped[str] = mapped_column(String(160))
    size: Mapped[str | None] = mapped_column(String(20))
    issued_on: Mapped[dt.date] = mapped_column(Date)
    replace_on: Mapped[dt.date | None] = mapped_column(Date)

    employee: Mapped[Employee] = relationship(lazy="joined")


class AssessmentKind(str, enum.Enum):
    RIE = "rie"
    FUNCTION_RIE = "function_rie"
    TRA = "tra"


class VcaRiskAssessment(Audited, db.Model):
    """An RI&E, a function RI&E or a task risk analysis (TRA)."""

    __tablename__ = "vca_risk_assessment"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[AssessmentKind] = mapped_column(enum_column(AssessmentKind), index=True)
    title: Mapped[str] = mapped_column(String(200))
    #: The function (function RI&E) or task (TRA) assessed.
    subject: Mapped[str | None] = mapped_column(String(200))
    assessed_on: Mapped[dt.date] = mapped_column(Date)
    assessed_by: Mapped[str | None] = mapped_column(String(160))
    document_id: Mapped[int | None] = mapped_column(Integer)
    file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_file.id"))
    note: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    measures: Mapped[list["VcaRiskMeasure"]] = relationship(order_by="VcaRiskMeasure.due_on",
                                                            back_populates="assessment")


class VcaRiskMeasure(Audited, db.Model):
    """A measure of the plan of action (plan van aanpak) of an assessment."""

    __tablename__ = "vca_risk_measure"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("vca_risk_assessment.id"), index=True)
    measure: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    due_on: Mapped[dt.date] = mapped_column(Date)
    done_on: Mapped[dt.date | None] = mapped_column(Date)

    assessment: Mapped[VcaRiskAssessment] = relationship(back_populates="measures")
    owner: Mapped[User | None] = relationship(lazy="joined")


class VcaLmraCard(Audited, db.Model):
    """A last-minute risk analysis card: questions a worker answers before starting a task, printed as PDF."""

    __tablename__ = "vca_lmra_card"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(160))
    task: Mapped[str | None] = mapped_column(String(200))
    questions: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    @property
    def question_list(self) -> list[str]:
        return [line.strip() for line in self.questions.splitlines() if line.strip()]


#: Readable names of the tables in the audit trail (registered in the norm's setup).
RECORD_NAMES = {
    "vca_profile": _l("VCA settings and policy statement"), "vca_worker": _l("Risky work of an employee"),
    "vca_toolbox_meeting": _l("Toolbox meeting"), "vca_toolbox_attendance": _l("Toolbox attendance"),
    "vca_inspection_template": _l("Inspection checklist"), "vca_inspection": _l("Workplace inspection"),
    "vca_inspection_finding": _l("Inspection finding"), "vca_equipment": _l("Equipment"),
    "vca_keuring": _l("Keuring"), "vca_ppe_issue": _l("PPE issue"), "vca_risk_assessment": _l("Risk assessment"),
    "vca_risk_measure": _l("Measure of a plan of action"), "vca_lmra_card": _l("LMRA card"),
}

#: The VCA diplomas, kept as training records (qms.training) and registered as its kinds in the setup.
DIPLOMA_LABELS = {
    "b_vca": _l("B-VCA (basic safety)"),
    "vol_vca": _l("VOL-VCA (operational supervisor)"),
    "vil_vcu": _l("VIL-VCU (agency intermediary)"),
}
#: A VCA diploma is valid for ten years from the exam date.
DIPLOMA_VALID_YEARS = 10
