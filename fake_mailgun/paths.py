"""Every path fake_mailgun serves, in one place (public: the harness client builds its requests from these)."""

from __future__ import annotations

MESSAGES = "/v3/{domain}/messages"
MESSAGES_MIME = "/v3/{domain}/messages.mime"
EVENTS = "/v3/{domain}/events"
EVENTS_PAGE = "/v3/{domain}/events/{page}"
TEMPLATES = "/v3/{domain}/templates"
TEMPLATE = "/v3/{domain}/templates/{name}"
TEMPLATE_VERSIONS = "/v3/{domain}/templates/{name}/versions"
TEMPLATE_VERSION = "/v3/{domain}/templates/{name}/versions/{tag}"
DOMAINS_V3 = "/v3/domains"
DOMAIN_V3 = "/v3/domains/{domain}"
DOMAINS_V4 = "/v4/domains"
DOMAIN_V4 = "/v4/domains/{domain}"
STORED_MESSAGE = "/v3/domains/{domain}/messages/{key}"
STORED_ATTACHMENT = "/v3/domains/{domain}/messages/{key}/attachments/{index}"
WEBHOOKS = "/v3/domains/{domain}/webhooks"
WEBHOOK = "/v3/domains/{domain}/webhooks/{webhook_id}"
WEBHOOKS_V4 = "/v4/domains/{domain}/webhooks"
SUPPRESSIONS = "/v3/{domain}/{kind}"  # kind: bounces, unsubscribes, complaints, whitelists
SUPPRESSION = "/v3/{domain}/{kind}/{address}"
LOGS = "/v1/analytics/logs"
TAGS = "/v3/{domain}/tags"
TAG = "/v3/{domain}/tags/{tag}"
TAG_STATS = "/v3/{domain}/tags/{tag}/stats"
STATS_TOTAL = "/v3/{domain}/stats/total"
UNSUBSCRIBE = "/u/{token}"  # where %unsubscribe_url% links point
TWILIO_MESSAGES = "/2010-04-01/Accounts/{account_sid}/Messages.json"  # the Twilio stand-in (._sms)
HTTP_SMS = "/http-sms"  # where Logto's HTTP SMS connector posts (._sms)

CONTROL = "/__harness"
HEALTH = CONTROL + "/health"
MAILBOX = CONTROL + "/messages"
MAILBOX_WAIT = CONTROL + "/messages/wait"
MAILBOX_MESSAGE = CONTROL + "/messages/{message_id}"
MAILBOX_RAW = CONTROL + "/messages/{message_id}/raw"
MAILBOX_ATTACHMENT = CONTROL + "/messages/{message_id}/attachments/{index}"
FAULTS = CONTROL + "/faults"
RESET = CONTROL + "/reset"
WEBHOOK_DELIVERIES = CONTROL + "/webhook-deliveries"
MAILBOX_EVENTS = CONTROL + "/messages/{message_id}/events"
CLOCK = CONTROL + "/clock"
INBOX = "/"

__all__ = sorted(name for name in dir() if name.isupper())
