"""Document control (ISO 9001 7.5, shared by every norm): the register, versions with an approval workflow and
electronic signatures, distribution and read confirmations, periodic review and controlled printouts.

Contract for other packages: ``services.current_version(document)`` (the published version or None) and
``services.documents_for_requirement(norm, version, code)``.
"""
