"""Speak-up channel (Wet bescherming klokkenluiders): integrity reports, anonymous or named, kept apart from
safety incidents and read by the confidential counsellor alone; the reporter's mailbox behind a case code and
a secret; the 7-day and 3-month terms with reminders; the company's procedure from document control; and
anonymous yearly figures for the management review."""
