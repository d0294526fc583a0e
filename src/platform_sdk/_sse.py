"""Server-Sent Events: a small decoder for the text/event-stream format (WHATWG HTML)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class ServerSentEvent:
    id: str | None
    event: str
    data: str


@dataclass(slots=True)
class SSEDecoder:
    """Feed it lines (without their line ending); it returns an event at each blank line."""

    last_event_id: str | None = None
    _event: str = ""
    _data: list[str] = field(default_factory=list)
    _has_id: bool = False

    def feed(self, line: str) -> ServerSentEvent | None:
        if not line:
            return self._dispatch()
        if line.startswith(":"):
            return None  # a comment: keep-alive
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id" and "\0" not in value:
            self.last_event_id = value
            self._has_id = True
        return None

    def _dispatch(self) -> ServerSentEvent | None:
        if not self._data and not self._has_id:
            self._event = ""
            return None
        event = ServerSentEvent(self.last_event_id, self._event or "message", "\n".join(self._data))
        self._event, self._data, self._has_id = "", [], False
        return event if event.data else None
