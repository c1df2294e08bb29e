"""The shared upload service: checked, stored outside static/, served only after an access check.

- ``services.store(file, allowed={"pdf", "image"}, max_bytes=...)`` checks the type from the content,
  re-encodes images without EXIF/GPS, writes the file atomically under UPLOAD_FOLDER and adds a
  :class:`~qms.uploads.models.StoredFile` to the session. Rejections raise ``services.UploadRejected``
  with a message for the user. A rolled-back transaction deletes the file again.
- ``services.send(stored_file)`` serves it as a download after the caller's own access check.
- ``/files/<id>`` (views.py) serves any stored file to whoever ``access.can_read`` allows: the uploader,
  administrators, and users that a feature's check registered with ``access.register_access_check``
  admits. Everyone else gets a 404 that is written to the audit trail.

A feature's service calls ``store()`` as one step of its own operation; its view shows a rejection next
to the file field and keeps the rest of the form::

    try:
        incident = services.report(form.data, photo=form.photo.data)   # calls uploads.store(...)
    except UploadRejected as error:
        form.photo.errors.append(error.message)
    else:
        db.session.commit()
        ...

A rejection that no view catches becomes a 400 page with the message (qms/web.py).
"""
