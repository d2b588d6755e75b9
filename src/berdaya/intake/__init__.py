"""Pulling submissions from the servers facilitators already use (KoboToolbox, ODK Central).

A programme's manager connects a village of the programme to a KoboToolbox project or an
ODK Central form (`ServerConnection`); a pull (`Pull`, on demand or on a schedule) fetches
the server's submissions, keeps aside those imported before, and hands the new ones to the
registry's import as one batch: the same checks and the same all-or-nothing rule as an
uploaded export (`registry.services.imports`).
"""
