"""Incident log: reports (logged in or anonymous through a site's QR code), triage, investigation, prevention
actions through qms.actions, the Arbowet art. 9 list, hours worked and the injury frequency (VCA chapter 11).

Rooms: ``models.py`` (tables), ``workflow.py`` (states, transitions, enums), ``figures.py`` (pure
calculations: LTIs, IF, windows), ``charts.py`` (pure inline SVG), ``services/`` (state changes and
queries; the VCA contract ``ltis_and_hours``, ``open_toolbox_lessons``, ``mark_lessons_discussed``),
``views/`` (pages), ``pdf.py`` (ReportLab), ``static/incidents.js`` (keeps a typed report on the device).
"""
