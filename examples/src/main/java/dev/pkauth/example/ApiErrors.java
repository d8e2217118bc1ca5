package dev.pkauth.example;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** JSON error answers of the example's own endpoints, shaped like pkauth's. */
final class ApiErrors {
    private ApiErrors() {}

    static Response of(Response.Status status, String error, String description) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).header("Cache-Control", "no-store")
                .entity(Json.error(error, description)).build();
    }

    static Response badRequest(String description) {
        return of(Response.Status.BAD_REQUEST, "invalid_request", description);
    }

    static Response notFound(String description) {
        return of(Response.Status.NOT_FOUND, "not_found", description);
    }
}
