"""``mailbox.expect_message(to)`` against a real fake_mailgun: the message the block's action sends — never
one from before the block — and, when none comes, a :class:`MailboxTimeout` listing what did."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from fake_mailgun import DEFAULT_API_KEY, DEFAULT_DOMAIN, Running
from fake_mailgun import paths as mailgun_paths
from harness import AsyncClient, Client, HarnessError, MailboxTimeout


def send(mailgun: Running, to: str, code: str) -> str:
    """Send a message through the Mailgun API; its mailbox id."""
    data = {"from": "app@example.test", "to": to, "subject": f"Code {code}", "text": f"Your code is {code}"}
    with httpx.Client(base_url=mailgun.url, auth=("api", DEFAULT_API_KEY), timeout=30) as http:
        http.post(mailgun_paths.MESSAGES.format(domain=DEFAULT_DOMAIN), data=data).raise_for_status()
        newest = http.get(mailgun_paths.MAILBOX, params={"to": to, "limit": 1}).json()["items"]
    return str(newest[0]["id"])


@pytest.fixture
def client(mailgun: Running) -> Iterator[Client]:
    with Client(mailgun.url) as client:
        yield client


def test_returns_the_message_the_block_sent_not_an_earlier_one(
    mailgun: Running, client: Client, address: str
) -> None:
    earlier = send(mailgun, address, "111111")
    with client.mailbox.expect_message(to=address, timeout=10) as sent:
        assert sent.after == earlier
        with pytest.raises(HarnessError, match="once the expect_message block has ended"):
            _ = sent.value
        later = send(mailgun, address, "222222")
    assert sent.value["id"] == later
    assert sent.code == "222222"


def test_the_first_message_to_an_address_is_new(mailgun: Running, client: Client, address: str) -> None:
    with client.mailbox.expect_message(address, timeout=10) as sent:
        assert sent.after is None
        send(mailgun, address, "333333")
    assert sent.code == "333333"


def test_a_message_sent_before_the_block_is_not_returned(
    mailgun: Running, client: Client, address: str
) -> None:
    earlier = send(mailgun, address, "444444")
    with pytest.raises(MailboxTimeout) as timeout, client.mailbox.expect_message(address, timeout=0.3):
        pass  # the action sends nothing
    said = str(timeout.value)
    assert f"no message to {address} arrived within 0.3 s after #{earlier}." in said
    assert "The mailbox holds, newest first:" in said
    assert f"#{earlier} to {address}: 'Code 444444' code 444444" in said


def test_an_action_that_fails_is_not_waited_for(client: Client, address: str) -> None:
    with pytest.raises(ZeroDivisionError), client.mailbox.expect_message(address, timeout=300):
        _ = 1 / 0  # would wait 300 s if the failed block still waited


def test_async_expect_message(mailgun: Running, address: str) -> None:
    async def scenario() -> tuple[str, str, str]:
        async with AsyncClient(mailgun.url) as client:
            earlier = await asyncio.to_thread(send, mailgun, address, "555555")
            async with client.mailbox.expect_message(to=address, timeout=10) as sent:
                later = await asyncio.to_thread(send, mailgun, address, "666666")
            assert sent.value["id"] == later
            return earlier, later, sent.code

    earlier, later, code = asyncio.run(scenario())
    assert earlier != later
    assert code == "666666"


def test_async_expect_message_times_out_with_what_came_instead(mailgun: Running, address: str) -> None:
    async def scenario() -> str:
        async with AsyncClient(mailgun.url) as client:
            earlier = await asyncio.to_thread(send, mailgun, address, "777777")
            with pytest.raises(MailboxTimeout) as timeout:
                async with client.mailbox.expect_message(address, timeout=0.3):
                    pass
            assert f"#{earlier} to {address}: 'Code 777777' code 777777" in str(timeout.value)
            return str(timeout.value)

    assert "arrived within 0.3 s" in asyncio.run(scenario())
