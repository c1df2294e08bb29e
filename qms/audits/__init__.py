"""Internal and external audits: the yearly programme, coverage over the certification cycle, checklists
from the norm catalogues, conducting on a tablet or phone, findings that open nonconformities, the report."""
