package dev.pausable.controlplane.web;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/** Turns Jackson's binding errors into an {@link InvalidFieldException} naming the JSON field. */
public final class JsonFieldErrors {

    private JsonFieldErrors() {
    }

    /**
     * @param prefix the path of the bound document inside the request body ("" for the body itself)
     * @return null when the error has no field path (malformed JSON rather than a bad field)
     */
    public static InvalidFieldException describe(JacksonException error, String prefix) {
        if (error.getPath().isEmpty()) {
            return null;
        }
        StringBuilder path = new StringBuilder(prefix);
        for (JacksonException.Reference ref : error.getPath()) {
            if (ref.getPropertyName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(ref.getPropertyName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        String problem = error instanceof UnrecognizedPropertyException ? "is not a known field" : "has an invalid value";
        return new InvalidFieldException(path.toString(), problem);
    }
}
