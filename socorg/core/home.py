"""Home-page cards contributed by each domain app, so the home page grows with the platform without knowing it."""

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
