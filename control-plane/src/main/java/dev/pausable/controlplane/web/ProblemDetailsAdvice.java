package dev.pausable.controlplane.web;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.TypeMismatchException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;

/**
 * Every error leaves as RFC 9457 problem details ({@code application/problem+json}). Spring MVC's
 * own exceptions (malformed JSON, a bad UUID in the path, unknown routes) are mapped by the base
 * class; domain exceptions carry their own status and type.
 */
@RestControllerAdvice
class ProblemDetailsAdvice extends ResponseEntityExceptionHandler {

    @ExceptionHandler(ApiException.class)
    ResponseEntity<ProblemDetail> handleApiException(ApiException error) {
        return ResponseEntity.status(error.status()).body(error.toProblemDetail());
    }

    @Override
    protected @Nullable ResponseEntity<Object> handleHttpMessageNotReadable(
            HttpMessageNotReadableException error, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        InvalidFieldException fieldError = error.getCause() instanceof JacksonException jackson
                ? JsonFieldErrors.describe(jackson, "")
                : null;
        ProblemDetail problem = fieldError != null
                ? fieldError.toProblemDetail()
                : ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "Request body is missing or not valid JSON");
        return handleExceptionInternal(error, problem, headers, HttpStatus.BAD_REQUEST, request);
    }

    @Override
    protected @Nullable ResponseEntity<Object> handleTypeMismatch(
            TypeMismatchException error, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String name = error.getPropertyName() != null ? error.getPropertyName() : "value";
        String expected = error.getRequiredType() != null ? error.getRequiredType().getSimpleName() : "another type";
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                "'" + name + "' must be a " + expected + ", got '" + error.getValue() + "'");
        return handleExceptionInternal(error, problem, headers, HttpStatus.BAD_REQUEST, request);
    }
}
