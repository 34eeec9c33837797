"""Who is looking at a page, in which jurisdiction and language; the CSRF check for forms."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Annotated, Any, Final

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from fireline.auth.deps import (
    CSRF_HEADER,
    SAFE_METHODS,
    ApiActor,
    NotLoggedIn,
    check_csrf,
    session_token,
)
from fireline.auth.models import AuthToken, User
from fireline.auth.scope import Actor
from fireline.auth.service import actor_for
from fireline.clock import Clock
from fireline.context import Context
from fireline.db.deps import DbSession
from fireline.errors import NotFound
from fireline.jurisdictions.service import tree_names
from fireline.keyset import BadCursor
from fireline.listing import ApiListQuery as ApiListQuery  # re-exported for routes
from fireline.listing import ListQuery
from fireline.places.models import Jurisdiction
from fireline.places.service import ancestors
from fireline.web import i18n
from fireline.web.templating import WebState

JURISDICTION_COOKIE: Final = "fireline_jurisdiction"
JURISDICTION_PARAM: Final = "j"
CSRF_FIELD: Final = "csrf_token"
PREFERENCE_MAX_AGE: Final = 365 * 24 * 3600


def web_state(request: Request) -> WebState:
    state: WebState = request.app.state.web
    return state


async def submitted_csrf(request: Request) -> str | None:
    """The CSRF token a form posted (``csrf_token``) or htmx sent (``X-CSRF-Token``)."""
    if request.method in SAFE_METHODS:
        return None
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    # Starlette caches the parsed form, so routes can still read their Form fields.
    form = await request.form()
    value = form.get(CSRF_FIELD)
    return value if isinstance(value, str) else None


async def posted_form(request: Request) -> FormData:
    """The posted form, read here on the event loop so that a page route can be a plain
    ``def``: FastAPI runs those in its thread pool, keeping database work off the loop."""
    return await request.form()


PostedForm = Annotated[FormData, Depends(posted_form)]


def page_token(
    request: Request,
    session: DbSession,
    submitted: Annotated[str | None, Depends(submitted_csrf)],
) -> AuthToken:
    """The live session behind a page request; unsafe methods must echo its CSRF token."""
    token = session_token(request, session)
    if token is None:
        raise NotLoggedIn()
    check_csrf(request, token, submitted)
    return token


def page_actor(token: Annotated[AuthToken, Depends(page_token)]) -> Actor:
    return actor_for(token.user)


PageActor = Annotated[Actor, Depends(page_actor)]


def request_language(request: Request, state: WebState, user_language: str | None) -> str:
    return i18n.choose_language(
        query=request.query_params.get("lang"),
        cookie=request.cookies.get(i18n.LANGUAGE_COOKIE),
        user_language=user_language,
        accept_language=request.headers.get("accept-language"),
        default=state.settings.default_language,
    )


@dataclass
class Page:
    """Everything a page template needs besides its own figures."""

    request: Request
    state: WebState
    language: str
    actor: Actor | None = None
    user: User | None = None
    session: Session | None = None
    csrf_token: str = ""
    jurisdiction: Jurisdiction | None = None
    cookies: dict[str, str] = field(default_factory=dict)

    @property
    def here(self) -> Jurisdiction:
        """The chosen jurisdiction (pages behind ``page_context`` always have one)."""
        assert self.jurisdiction is not None
        return self.jurisdiction

    @property
    def clock(self) -> Clock:
        """The app's one clock (``app.state.clock``), never the wall clock."""
        clock: Clock = self.request.app.state.clock
        return clock

    @property
    def context(self) -> Context:
        """The request context, the actor narrowed to the chosen jurisdiction."""
        assert self.actor is not None
        actor = self.actor.within(self.jurisdiction) if self.jurisdiction else self.actor
        return Context.build(actor, self.state.settings, self.clock)

    def today(self) -> date:
        """Today in the chosen jurisdiction's time zone (docs/architecture.md, "Time")."""
        return Context.build(self.actor or _NOBODY, self.state.settings, self.clock).today(
            self.jurisdiction
        )

    def breadcrumb(self) -> list[Jurisdiction]:
        """The ancestors of the chosen jurisdiction the user may drill up to (none above
        the user's own jurisdiction)."""
        if self.session is None or self.actor is None or self.jurisdiction is None:
            return []
        actor = self.actor
        return [j for j in ancestors(self.session, self.jurisdiction) if actor.covers_path(j.path)]

    def list_query(self, filters: tuple[str, ...], per_page: int = 50) -> ListQuery:
        """The list a page asked for: its ``filters``, ``q``, ``sort``, ``order``, a
        1-based ``page`` and the cursor ``after`` it (which then gives the page's offset);
        nonsense falls back to the defaults."""
        params = self.request.query_params
        try:
            number = max(1, int(params.get("page") or 1))
        except ValueError:
            number = 1
        query = ListQuery(
            filters={name: params.get(name, "") for name in filters},
            q=params.get("q", ""),
            sort=params.get("sort", ""),
            descending=params.get("order") != "asc",
            limit=per_page,
            lenient=True,
        ).with_page(number)
        try:
            # The Next link's cursor (fireline.keyset); a damaged one means the page number.
            return query.following(params["after"]) if params.get("after") else query
        except BadCursor:
            return query

    def gettext(self, message: str) -> str:
        return self.state.translations[self.language].gettext(message)

    def render(self, template: str, status_code: int = 200, **values: Any) -> HTMLResponse:
        context = {
            "page": self,
            "lang": self.language,
            "translations": self.state.translations[self.language],
            "actor": self.actor,
            "user": self.user,
            "csrf_token": self.csrf_token,
            "jurisdiction": self.jurisdiction,
            "page_today": self.today() if self.jurisdiction else None,
            "switcher": self.switcher_options(),
            "vendor_ready": self.state.vendor_ready(),
            **values,
        }
        response = self.state.templates.TemplateResponse(
            self.request, template, context, status_code=status_code
        )
        for name, value in self.cookies.items():
            response.set_cookie(
                name,
                value,
                max_age=PREFERENCE_MAX_AGE,
                samesite="lax",
                secure=self.state.settings.secure_cookies,
            )
        return response

    def switcher_options(self) -> list[tuple[str, str]]:
        """(code, indented name) for every jurisdiction in the user's subtree, in tree order."""
        if self.actor is None or self.session is None or self.user is None:
            return []
        top = self.user.jurisdiction.depth
        rows = tree_names(self.session, self.actor, self.language)
        # No-break spaces survive in <option> text, where ordinary spaces collapse.
        indent = "\u00a0\u00a0\u00a0"
        return [(code, indent * (depth - top) + name) for code, depth, name in rows]


def _remember_language(request: Request, page: Page) -> None:
    chosen = i18n.normalise(request.query_params.get("lang"))
    if chosen:
        page.cookies[i18n.LANGUAGE_COOKIE] = chosen


def public_page(request: Request, state: Annotated[WebState, Depends(web_state)]) -> Page:
    """A page anyone may open (log-in, errors): no user, language from request and defaults."""
    page = Page(request=request, state=state, language=request_language(request, state, None))
    _remember_language(request, page)
    return page


def choose_jurisdiction(
    request: Request, session: Session, actor: Actor, home: Jurisdiction, page: Page
) -> Jurisdiction:
    """``?j=`` must be in scope (else 404); a stale cookie falls back to the home jurisdiction."""
    asked = request.query_params.get(JURISDICTION_PARAM)
    if asked:
        chosen = actor.jurisdiction(session, asked)
        page.cookies[JURISDICTION_COOKIE] = chosen.code
        return chosen
    remembered = request.cookies.get(JURISDICTION_COOKIE)
    if remembered:
        try:
            return actor.jurisdiction(session, remembered)
        except NotFound:
            pass
    return home


def page_context(
    request: Request,
    session: DbSession,
    token: Annotated[AuthToken, Depends(page_token)],
    state: Annotated[WebState, Depends(web_state)],
) -> Page:
    user = token.user
    actor = actor_for(user)
    page = Page(
        request=request,
        state=state,
        actor=actor,
        user=user,
        session=session,
        csrf_token=token.csrf_token or "",
        language=request_language(request, state, user.language),
    )
    _remember_language(request, page)
    page.jurisdiction = choose_jurisdiction(request, session, actor, user.jurisdiction, page)
    return page


PageContext = Annotated[Page, Depends(page_context)]


def request_now(request: Request) -> datetime:
    """Now by the app's one clock (``app.state.clock``), for a route that needs only that."""
    moment: datetime = request.app.state.clock.now()
    return moment


AppNow = Annotated[datetime, Depends(request_now)]


def session_of(page: Page) -> Session:
    """The request's session (every page behind ``page_context`` has one)."""
    assert page.session is not None
    return page.session


def actor_of(page: Page) -> Actor:
    """The signed-in user, over the whole scope (not narrowed to the chosen jurisdiction)."""
    assert page.actor is not None
    return page.actor


def whole_scope(page: Page) -> Context:
    """The request context over the user's whole scope: a record opened by its number,
    or a form that may name any jurisdiction the user serves."""
    return Context.build(actor_of(page), page.state.settings, page.clock)


def form_int(value: object) -> int | None:
    """A form field holding a non-negative whole number, else None (a refusal to show)."""
    text = str(value or "").strip()
    return int(text) if text.isdigit() else None


_NOBODY = Actor(None, "anonymous", "viewer", 0, "/")


def api_context(request: Request, actor: ApiActor) -> Context:
    """The request context of an API call, built as pages, commands and jobs build it."""
    return Context.build(actor, request.app.state.settings, request.app.state.clock)


ApiContext = Annotated[Context, Depends(api_context)]


PublicPage = Annotated[Page, Depends(public_page)]
