package dev.pausable.controlplane.web;

import org.springframework.http.HttpStatus;

public class NotFoundException extends ApiException {

    public NotFoundException(String what, Object id) {
        super(HttpStatus.NOT_FOUND, "not-found", "Not found", what + " '" + id + "' not found");
    }
}
