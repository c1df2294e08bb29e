"""Nonconformities and corrective actions, shared by audits, incidents, complaints, inspections and reviews.

A :class:`~qms.actions.models.Nonconformity` points at the record it came from by a generic
(``source_type``, ``source_id``) pair; packages register their source types with
``registry(app).add_action_source`` so the nonconformity links back. See ``services`` for the operations.
"""
