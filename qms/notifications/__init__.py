"""In-app notifications, e-mailed after commit, and the reminders run that packages feed.

- ``services.notify(users, subject, body, url, key)`` adds a notification per recipient in the recipient's
  language and mails it once the transaction commits; a ``key`` makes it once-only per user.
- ``registry(app).add_reminders(collector)`` adds a collector; ``flask --app wsgi qms reminders`` (daily,
  from cron) asks every collector what is due today and notifies, each reminder once per key.
"""
