"""The Mailgun-compatible HTTP surface: one room per resource (messages, templates, events, domains,
webhooks, suppressions, logs, tags and stats), each with its own route table; :mod:`.routes` mounts them
all on the documented app.

Every handler gets the request, the instance state and an authenticated, known domain (see
:func:`.common.guarded`). Behaviour follows ``reference/mailgun.md``; anything Mailgun would refuse raises
:class:`.._errors.MailgunError`. Each operation documents its path parameters, its query and form fields,
its 2xx body and Mailgun's error bodies; handlers answer their JSON themselves, so the documented models
never change a body.

This package's own import loads nothing: the sends (:mod:`.sends`) and what they share (:mod:`.common`)
are served at start by the light front (``.._front``) without FastAPI or pydantic; the rooms and their
documented models load with the full app, on its first use.
"""
