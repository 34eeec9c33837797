"""In headless Chromium: a lab positive shows on the contact's order page as a proposal;
a conversion without a reason is refused beside its fields with what was typed kept, and
with the reason and the box ticked it opens the new isolation order."""

from __future__ import annotations

from pathlib import Path

import pytest

from fireline.app import create_app
from fireline.clock import FrozenClock
from fireline.db.engine import make_engine, session_factory
from fireline.db.migrate import upgrade
from fireline.settings import Settings
from tests.auth.factories import PASSWORD, make_user
from tests.places.factories import small_tree
from tests.quarantine.factories import T0
from tests.quarantine.positive_factories import contact_order, lab_actor, positive_for
from tests.web.browser import launch_browser, require_chromium, serve

pytestmark = pytest.mark.browser


def test_positive_proposal_converted_from_the_order_page(tmp_path: Path) -> None:
    require_chromium()
    url = f"sqlite:///{tmp_path / 'convert.db'}"
    engine = make_engine(url, connect_args={"check_same_thread": False})
    upgrade(engine)
    with session_factory(engine)() as session:
        tree = small_tree(session)
        tracer = make_user(session, "tracer", "investigator", "C1A")
        order = contact_order(session, tree["C1A"], owner_id=tracer.id, name="Ann Contact")
        positive_for(session, lab_actor(session), order)
        session.commit()
        order_id = order.id
    app = create_app(Settings(database_url=url), engine=engine)
    app.state.clock = FrozenClock(T0)
    with serve(app) as base, launch_browser() as browser:
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.goto(f"{base}/login?lang=zh")
        page.fill("input[name=username]", "tracer")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.goto(f"{base}/quarantine/orders/{order_id}")
        page.wait_for_selector("#positive-proposed")
        page.select_option("#convert-kind", "home")
        page.fill("#convert-reason", "PCR 阳性")
        page.click("#convert-submit")  # the box is not ticked: the browser asks first
        assert page.evaluate("document.querySelector('#convert-confirm').validity.valueMissing")
        page.evaluate("document.querySelector('#convert-confirm').removeAttribute('required')")
        page.click("#convert-submit")
        page.wait_for_selector("#convert-confirm-error")
        assert page.input_value("#convert-reason") == "PCR 阳性"
        assert page.input_value("#convert-kind") == "home"
        page.check("#convert-confirm")
        page.click("#convert-submit")
        page.wait_for_url(f"{base}/quarantine/orders/*?done=convert")
        assert f"/quarantine/orders/{order_id}?" not in page.url
        assert "居家" in page.inner_text(".eyebrow")
    engine.dispose()
