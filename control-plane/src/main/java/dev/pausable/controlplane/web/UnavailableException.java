package dev.pausable.controlplane.web;

import org.springframework.http.HttpStatus;

/** Something the request needs (the object store) cannot be reached now; nothing was changed. */
public class UnavailableException extends ApiException {

    public UnavailableException(String detail) {
        super(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", "A dependency is unavailable", detail);
    }
}
