"""ISO 9001 permission names and the roles holding them; registered on the app's registry in the norm's setup."""
from ..permissions import ALL_ROLES, Role

PERMISSIONS = {
    #: Read the ISO 9001 registers (context, risks, objectives, complaints, supplier evaluations, status report).
    "iso9001.view": {Role.ADMIN, Role.COORDINATOR, Role.AUDITOR},
    #: Maintain them.
    "iso9001.manage": {Role.ADMIN, Role.COORDINATOR},
    #: Log customer feedback or a complaint that came in by any channel (everyone who meets clients).
    "iso9001.feedback": ALL_ROLES,
    #: The competence matrix and functions: read (HR keeps training records, auditors check 7.2).
    "iso9001.competence.view": {Role.ADMIN, Role.COORDINATOR, Role.AUDITOR, Role.HR},
    "iso9001.competence.manage": {Role.ADMIN, Role.COORDINATOR, Role.HR},
    #: Learning paths: a master trainer signs off their own apprentices' steps; everyone may open the page,
    #: the loader shows only the apprentices the user may see (404 otherwise).
    "iso9001.learning": ALL_ROLES,

    #: Menu entries only (no route declares these): roles that reach a page through the ISO 9001 sub-navigation do
    #: not get a second main-menu entry for it, so the main menu stays short.
    "iso9001.menu.competence": {Role.HR},
    "iso9001.menu.staff": {Role.STAFF},
}
