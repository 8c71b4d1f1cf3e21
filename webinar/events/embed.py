"""Which players the watch page may embed, and what the page's CSP and iframe need for them.

An event's `embed_url` must be an https address of one of these hosts (the allow-list):

- YouTube: `www.youtube.com/embed/...`, `youtube.com/embed/...`,
  `www.youtube-nocookie.com/embed/...`, `youtube-nocookie.com/embed/...` (live streams are
  embedded as `/embed/VIDEO_ID` or `/embed/live_stream?channel=...`);
- Vimeo: `player.vimeo.com/...` (videos and live events);
- Jitsi: `meet.jit.si/ROOM` and `8x8.vc/...` (Jitsi as a Service). A self-hosted Jitsi
  server is not on the list: every host added here may run inside our page, so the list is
  kept to platforms we know.

Only the player's own origin goes into the watch page's `frame-src`; every other page
keeps the strict policy.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from webinar.validation import CONTROL


@dataclass(frozen=True)
class Player:
    """A platform whose player the watch page embeds."""

    name: str
    hosts: frozenset[str]
    path_prefix: str  # the path an embeddable address starts with ("/" for any)
    allow: str  # the iframe's `allow` attribute (permissions the player needs)


PLAYERS = (
    Player("YouTube", frozenset({"www.youtube.com", "youtube.com", "www.youtube-nocookie.com",
                                 "youtube-nocookie.com"}), "/embed/",
           "autoplay; encrypted-media; picture-in-picture; fullscreen"),
    Player("Vimeo", frozenset({"player.vimeo.com"}), "/",
           "autoplay; fullscreen; picture-in-picture"),
    Player("Jitsi", frozenset({"meet.jit.si", "8x8.vc"}), "/",
           "camera; microphone; display-capture; fullscreen; autoplay"),
)

MAX_LENGTH = 2000


def player_of(url: str | None) -> Player | None:
    """The allowed player `url` belongs to, or None when it is not an embeddable address:
    https only, no user name or password, no port, a host and path on the allow-list."""
    if not url or len(url) > MAX_LENGTH or CONTROL.search(url) or any(c.isspace() for c in url):
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme != "https" or parts.username or parts.password or port is not None:
        return None
    host = (parts.hostname or "").lower()
    for player in PLAYERS:
        if host in player.hosts and parts.path.startswith(player.path_prefix) \
                and len(parts.path) > len(player.path_prefix.rstrip("/")) + 1:
            return player
    return None


def frame_origin(url: str) -> str:
    """The origin the watch page's CSP lets frames come from (`https://host`)."""
    return "https://" + (urlsplit(url).hostname or "").lower()
