package dev.pausable.controlplane.web;

import org.springframework.http.HttpStatus;

/** The request is valid but the job's current state does not allow it (the seed's 400s). */
public class InvalidStateException extends ApiException {

    public InvalidStateException(String detail) {
        super(HttpStatus.BAD_REQUEST, "invalid-state", "Operation not allowed in the job's state", detail);
    }
}
