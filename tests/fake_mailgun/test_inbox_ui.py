"""The inbox web UI at ``/``, driven in headless Chromium (pytest-playwright's ``page`` fixture).

The mailbox is shared with every other test, so each test sends mail with its own address and subject and
looks only for that; nothing here empties the real mailbox (the Clear test intercepts its DELETE).
"""

from __future__ import annotations

import re
import smtplib
import uuid
from email.message import EmailMessage

import httpx
import pytest
from playwright.sync_api import Page, Route, expect

from fake_mailgun import DEFAULT_DOMAIN, Running

SENDER = "Logto <no-reply@mg.example.test>"


@pytest.fixture(scope="module")
def browser_context_args(mailgun: Running) -> dict[str, object]:
    return {"base_url": mailgun.url}


def unique(prefix: str) -> str:
    return f"{prefix} m{uuid.uuid4().hex[:8]}"  # never all digits: that would read as the code


def send_api(api: httpx.Client, to: str, subject: str, **extra: str) -> str:
    """Send through the Mailgun API; return the mailbox id of the message."""
    data = {"from": SENDER, "to": to, "subject": subject, "text": "Your code is 482913", **extra}
    response = api.post(f"/v3/{DEFAULT_DOMAIN}/messages", data=data)
    assert response.status_code == 200, response.text
    found = api.get("/__harness/messages", params={"to": to}).json()["items"]
    assert found, f"no message to {to}"
    message_id: str = found[0]["id"]
    return message_id


def open_inbox(page: Page, fragment: str = "") -> None:
    page.goto("/" + fragment)
    expect(page.locator("#status")).to_have_text("Live")


def test_api_message_in_list_and_view(page: Page, api: httpx.Client, address: str) -> None:
    subject = unique("Your sign-in code")
    html = "<p>Your code is <b>482913</b></p><p><a href='https://app.example.test/verify?t=1'>Verify</a></p>"
    message_id = send_api(api, address, subject, html=html, **{"o:tag": "sign-in", "v:flow": "signIn"})
    open_inbox(page)

    link = page.get_by_role("link", name=re.compile(re.escape(subject)))
    expect(link).to_be_visible()
    expect(link).to_contain_text(address)
    expect(link).to_contain_text("482913")
    expect(link).to_contain_text(re.compile("api", re.IGNORECASE))
    link.click()

    expect(page).to_have_url(re.compile(rf"#/messages/{message_id}$"))
    expect(link).to_have_attribute("aria-current", "true")
    view = page.get_by_role("article")
    expect(view.get_by_role("heading", level=2)).to_have_text(subject)
    expect(view).to_contain_text(address)
    expect(view).to_contain_text("sign-in")
    code = page.locator("#code")
    expect(code).to_have_text("482913")
    font_size = code.evaluate("node => parseFloat(getComputedStyle(node).fontSize)")
    assert font_size >= 32
    expect(view.get_by_role("button", name="Copy code")).to_be_visible()
    expect(view.get_by_role("link", name="https://app.example.test/verify?t=1")).to_be_visible()

    expect(page.get_by_role("tab", name="HTML")).to_have_attribute("aria-selected", "true")
    frame = page.locator("iframe[title='HTML body of the message']")
    expect(frame).to_have_attribute("sandbox", "")
    expect(page.frame_locator("iframe[title='HTML body of the message']").locator("b")).to_have_text("482913")

    panel = page.get_by_role("tabpanel")
    page.get_by_role("tab", name="Text").click()
    expect(panel).to_have_text("Your code is 482913")
    page.get_by_role("tab", name="Headers").click()
    expect(panel.get_by_role("row", name=re.compile(r"^Subject"))).to_contain_text(subject)
    page.get_by_role("tab", name="Raw").click()
    expect(panel).to_contain_text("MIME-Version: 1.0")
    expect(panel).to_contain_text(f"Subject: {subject}")
    expect(panel).to_contain_text("Content-Type: multipart/alternative")
    page.get_by_role("tab", name=re.compile("^Attachments")).click()
    expect(panel).to_have_text("No attachments.")
    page.get_by_role("tab", name="Variables").click()
    expect(panel).to_contain_text('"flow": "signIn"')


def test_new_smtp_message_appears_live(page: Page, mailgun: Running, address: str) -> None:
    open_inbox(page)
    page.evaluate("window.__same_page = true")
    subject = unique("Live SMTP")
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = "smtp-sender@example.test", address, subject
    mail.set_content("Your verification code is 551177.")
    assert mailgun.smtp_port is not None
    with smtplib.SMTP("127.0.0.1", mailgun.smtp_port, timeout=30) as smtp:
        smtp.send_message(mail)

    link = page.get_by_role("link", name=re.compile(re.escape(subject)))
    expect(link).to_be_visible()
    expect(link).to_contain_text("551177")
    expect(link).to_contain_text(re.compile("smtp", re.IGNORECASE))
    expect(page.locator("#list li").first).to_contain_text(subject)  # newest at the top
    expect(page.locator("[aria-live=polite]").first).to_contain_text(
        f"New message from smtp-sender@example.test: {subject}"
    )
    assert page.evaluate("window.__same_page") is True  # no reload happened


def test_deep_link_opens_message(page: Page, api: httpx.Client, address: str) -> None:
    first, second = unique("Deep link one"), unique("Deep link two")
    first_id = send_api(api, address, first)
    second_id = send_api(api, address, second)
    open_inbox(page, f"#/messages/{first_id}")
    expect(page.get_by_role("article").get_by_role("heading", level=2)).to_have_text(first)
    expect(page.get_by_role("link", name=re.compile(re.escape(first)))).to_have_attribute(
        "aria-current", "true"
    )

    page.evaluate(f"location.hash = '#/messages/{second_id}'")
    expect(page.get_by_role("article").get_by_role("heading", level=2)).to_have_text(second)

    page.goto("/#/messages/999999999")
    expect(page.get_by_text("There is no message 999999999.")).to_be_visible()


def test_every_control_has_an_accessible_name(page: Page, api: httpx.Client, address: str) -> None:
    message_id = send_api(api, address, unique("Accessibility"), html="<p>code 482913</p>")
    open_inbox(page, f"#/messages/{message_id}")
    expect(page.locator("#code")).to_have_text("482913")

    landmarks = [page.get_by_role("banner"), page.get_by_role("main"), page.get_by_role("navigation")]
    for landmark in [*landmarks, page.get_by_role("article")]:
        expect(landmark).to_have_count(1)
    expect(page.get_by_role("heading", level=1)).to_have_text("fake_mailgun inbox")
    controls = [
        *page.get_by_role("button").all(),
        *page.get_by_role("tab").all(),
        *page.get_by_role("searchbox").all(),
        *page.get_by_role("textbox").all(),
        *page.locator("input, select, textarea, iframe").all(),
    ]
    assert len(controls) >= 10
    for control in controls:
        expect(control).to_have_accessible_name(re.compile(r"\S"))
    expect(page.get_by_role("searchbox", name=re.compile("Filter"))).to_be_visible()
    expect(page.get_by_role("button", name="Clear")).to_be_visible()
    expect(page.locator("[aria-live=polite]")).not_to_have_count(0)


def test_filter_and_escaping(page: Page, api: httpx.Client, address: str) -> None:
    tag = uuid.uuid4().hex[:8]
    hostile = f'<img src=x onerror="window.__pwned=1"><b>bold {tag}</b>'
    send_api(api, address, hostile, html=f"<script>window.parent.__pwned = 1</script><i>{tag}</i>")
    other = f"other-{tag}@example.test"
    send_api(api, other, f"Another {tag}")
    open_inbox(page)

    page.get_by_role("searchbox", name=re.compile("Filter")).fill(address)
    links = page.get_by_role("navigation").get_by_role("link")
    expect(links).to_have_count(1)
    expect(links).to_contain_text(hostile)  # shown as text, not markup
    expect(page.locator("#count")).to_contain_text("1 of")
    links.click()
    expect(page.get_by_role("article").get_by_role("heading", level=2)).to_have_text(hostile)
    expect(page.frame_locator("iframe").locator("i")).to_have_text(tag)
    assert page.locator("#list img, #list b, #view h2 *").count() == 0
    assert page.evaluate("window.__pwned") is None

    page.get_by_role("searchbox", name=re.compile("Filter")).fill(f"another {tag}")
    expect(links).to_have_count(1)
    expect(links).to_contain_text(other)


def test_copy_code(page: Page, api: httpx.Client, address: str) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    message_id = send_api(api, address, unique("Copy"))
    open_inbox(page, f"#/messages/{message_id}")
    page.get_by_role("button", name="Copy code").click()
    expect(page.get_by_role("button", name="Copied!")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == "482913"


def test_clear_button_empties_the_view(
    page: Page, mailgun: Running, api: httpx.Client, control: httpx.Client, address: str
) -> None:
    message_id = send_api(api, address, unique("Clear me"))
    deletes: list[str] = []

    def fake_delete(route: Route) -> None:  # never empty the shared mailbox: answer the DELETE here
        if route.request.method != "DELETE":
            route.fallback()
            return
        deletes.append(route.request.url)
        route.fulfill(json={"deleted": 1})

    page.route(re.compile(r"/__harness/messages$"), fake_delete)
    open_inbox(page, f"#/messages/{message_id}")
    expect(page.get_by_role("article")).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Clear").click()

    expect(page.locator("#count")).to_have_text("0 messages")
    expect(page.get_by_role("navigation").get_by_role("link")).to_have_count(0)
    expect(page.get_by_text("No messages yet")).to_be_visible()
    expect(page.get_by_role("article")).to_be_hidden()
    assert deletes == [f"{mailgun.url}/__harness/messages"]
    assert control.get(f"/__harness/messages/{message_id}").status_code == 200


def test_text_message_is_shown_with_its_number_and_code(page: Page, mailgun: Running) -> None:
    from fake_mailgun import DEFAULT_TWILIO_ACCOUNT_SID, DEFAULT_TWILIO_AUTH_TOKEN

    number = f"+1201555{uuid.uuid4().int % 10_000:04d}"
    body = f"Your sign-in code is 735194. {unique('Ref')}"
    sent = httpx.post(
        f"{mailgun.url}/2010-04-01/Accounts/{DEFAULT_TWILIO_ACCOUNT_SID}/Messages.json",
        data={"To": number, "MessagingServiceSid": "MG" + "0" * 32, "Body": body},
        auth=(DEFAULT_TWILIO_ACCOUNT_SID, DEFAULT_TWILIO_AUTH_TOKEN),
    )
    assert sent.status_code == 201, sent.text
    open_inbox(page)

    link = page.get_by_role("link", name=re.compile(re.escape(f"SMS: {body}")))
    expect(link).to_contain_text(number)
    expect(link).to_contain_text("735194")
    expect(link).to_contain_text(re.compile("twilio", re.IGNORECASE))
    link.click()
    expect(page.get_by_role("article").get_by_role("heading", level=2)).to_have_text(f"SMS: {body}")
