package dev.pausable.controlplane.web;

import org.springframework.http.HttpStatus;

/** The caller is authenticated, but its role or ownership does not allow the request. */
public class ForbiddenException extends ApiException {

    public ForbiddenException(String detail) {
        super(HttpStatus.FORBIDDEN, "forbidden", "Forbidden", detail);
    }
}
