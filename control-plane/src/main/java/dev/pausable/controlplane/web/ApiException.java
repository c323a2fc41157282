package dev.pausable.controlplane.web;

import java.net.URI;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/**
 * A domain error that knows its HTTP status and its stable problem type (RFC 9457).
 * Rendered by {@link ProblemDetailsAdvice}; {@code detail} is the human text clients show.
 */
public abstract class ApiException extends RuntimeException {

    public static final String TYPE_PREFIX = "urn:pausable:problem:";

    private final HttpStatus status;
    private final String type;
    private final String title;

    protected ApiException(HttpStatus status, String type, String title, String detail) {
        super(detail);
        this.status = status;
        this.type = type;
        this.title = title;
    }

    public HttpStatus status() {
        return status;
    }

    /** Extra members of the problem document, e.g. the offending field. */
    protected Map<String, Object> properties() {
        return Map.of();
    }

    public ProblemDetail toProblemDetail() {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, getMessage());
        problem.setType(URI.create(TYPE_PREFIX + type));
        problem.setTitle(title);
        properties().forEach(problem::setProperty);
        return problem;
    }
}
