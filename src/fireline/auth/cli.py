"""``fireline users``: create, list, reset passwords."""

from __future__ import annotations

import typer
from rich.table import Table
from sqlalchemy import select

from fireline.auth.models import User
from fireline.auth.passwords import hash_password
from fireline.auth.roles import ROLE_NAMES
from fireline.auth.scope import system_actor
from fireline.auth.service import create_user, list_users
from fireline.console import fail, out
from fireline.db.connect import database_session

app = typer.Typer(help="Staff accounts.", no_args_is_help=True)


@app.command()
def create(
    username: str,
    role: str = typer.Option(..., help=f"One of: {', '.join(ROLE_NAMES)}"),
    jurisdiction: str = typer.Option(..., help="Home jurisdiction code"),
    password: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True),
    full_name: str = typer.Option(""),
    language: str = typer.Option("en", help="en or zh"),
) -> None:
    """Create a user who sees the home jurisdiction and everything below it."""
    with database_session() as session:
        create_user(
            session,
            system_actor(),
            username=username,
            password=password,
            role=role,
            jurisdiction_code=jurisdiction,
            full_name=full_name,
            language=language,
        )
    out.print(f"user {username} created ({role}, {jurisdiction})")


@app.command("list")
def list_command() -> None:
    """Print every user."""
    with database_session() as session:
        table = Table("username", "role", "jurisdiction", "active")
        for user in list_users(session, system_actor()):
            table.add_row(user.username, user.role, user.jurisdiction.code, str(user.is_active))
    out.print(table)


@app.command("set-password")
def set_password(
    username: str,
    password: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True),
) -> None:
    """Replace a user's password."""
    with database_session() as session:
        user = session.scalars(select(User).where(User.username == username)).first()
        if user is None:
            fail(f"no user named {username!r}")
        try:
            user.password_hash = hash_password(password, username=username)
        except ValueError as exc:
            fail(str(exc))
    out.print(f"password of {username} changed")
