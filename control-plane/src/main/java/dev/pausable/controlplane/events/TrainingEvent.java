package dev.pausable.controlplane.events;

import dev.pausable.contract.ChangeEvent;
import tools.jackson.databind.JsonNode;

/**
 * One change notification from PostgreSQL, as relayed to WebSocket clients.
 *
 * @param kind the event, if this control plane knows it
 * @param data the message's {@code data} object
 * @param json the whole message as sent to clients ({@code {"event": …, "data": {…}}})
 */
public record TrainingEvent(ChangeEvent kind, JsonNode data, String json) {
}
