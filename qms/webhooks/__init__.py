"""Outgoing webhooks."""


def init_app(app):
    return None
