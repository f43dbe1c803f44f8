"""The home page is a workbench: figure cards and a to-do panel, each contributed by the domain apps, so the home
page grows with the platform without knowing it."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Card:
    title: str
    value: object
    url: str = ""
    note: str = ""


_providers: list[Callable] = []


def register_home_cards(provider: Callable) -> Callable:
    """Decorator: provider(user) -> list[Card], called for the home page of a logged-in user."""
    _providers.append(provider)
    return provider


def cards_for(user) -> list[Card]:
    cards: list[Card] = []
    for provider in _providers:
        cards.extend(provider(user))
    return cards


@dataclass
class Todo:
    """One line of the to-do panel: work waiting for this user (alerts to rectify or review, imports to confirm)."""

    title: str
    count: int
    url: str
    note: str = ""


_todo_providers: list[Callable] = []


def register_home_todos(provider: Callable) -> Callable:
    """provider(user) -> list[Todo], called for the home page of a logged-in user (empty when the role has none)."""
    _todo_providers.append(provider)
    return provider


def todos_for(user) -> list[Todo]:
    todos: list[Todo] = []
    for provider in _todo_providers:
        todos.extend(provider(user))
    return todos
