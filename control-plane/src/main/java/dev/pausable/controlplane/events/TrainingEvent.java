package dev.pausable.controlplane.events;

/** One change notification from PostgreSQL ({@code {"event": …, "data": {…}}}), as relayed to WebSocket clients. */
public record TrainingEvent(String json) {
}
