"""Code and link extraction, and the Handlebars ``else if`` rewrite — pure functions, no server."""

from __future__ import annotations

import pytest

from fake_mailgun._extract import extract_codes, extract_links, html_to_text
from fake_mailgun._templates import _desugar_else_if, render


@pytest.mark.parametrize(
    ("subject", "text", "html", "codes"),
    [
        ("Your code", "Your verification code is 482913.", "", ["482913"]),
        ("Sign in", "", "<p>Code: <b>1234</b></p>", ["1234"]),
        ("123456 est votre code de vérification", "", "", ["123456"]),
        ("Hi", "Order 2026 shipped. Your one-time passcode: 55667788", "", ["55667788", "2026"]),
        ("Hi", "Call 555-1234 or visit https://x.test/a/987654", "", []),
        ("Hi", "", '<style>.a{color:#333333}</style><p style="width:600px">code 7788</p>', ["7788"]),
        ("Hi", "Dated 2026-11-23 at 10:30:00", "", []),
        ("Hi", "no code here", "", []),
        ("Code 111222", "Your code is 111222. Ref 9999", "", ["111222", "9999"]),
    ],
)
def test_codes(subject: str, text: str, html: str, codes: list[str]) -> None:
    assert extract_codes(subject, text, html) == codes


def test_links_from_html_and_text_in_order_without_duplicates() -> None:
    html = '<a href="https://app.test/verify?t=1">verify</a> <a href="mailto:x@y.test">mail</a>'
    text = "Open https://app.test/verify?t=1, or https://app.test/help."
    assert extract_links(text, html) == ["https://app.test/verify?t=1", "https://app.test/help"]


def test_html_to_text_drops_markup_scripts_and_styles() -> None:
    html = (
        "<html><head><title>T</title><style>p{}</style></head><body><h1>Hi</h1><p>a &amp; b</p></body></html>"
    )
    assert html_to_text(html) == "Hi\na & b"


def test_else_if_chains_are_rewritten_into_nested_blocks() -> None:
    source = "{{#if a}}A{{else if b}}B{{else if c}}C{{else}}D{{/if}}"
    assert _desugar_else_if(source) == (
        "{{#if a}}A{{else}}{{#if b}}B{{else}}{{#if c}}C{{else}}D{{/if}}{{/if}}{{/if}}"
    )
    assert [render(source, v) for v in ({"a": 1}, {"b": 1}, {"c": 1}, {})] == ["A", "B", "C", "D"]


def test_mailgun_handlebars_helpers() -> None:
    source = "{{#each items}}[{{this}}]{{/each}}{{#with user}}{{name}}{{/with}}{{#unless x}}U{{/unless}}"
    assert render(source, {"items": [1, 2], "user": {"name": "Zoé"}}) == "[1][2]ZoéU"
    assert render('{{#equal kind "signin"}}S{{else}}R{{/equal}}', {"kind": "signin"}) == "S"
    assert render("{{html}} {{{html}}}", {"html": "<b>"}) == "&lt;b&gt; <b>"
