package io.durapay.store;

import java.time.Instant;

/** A console login: whose, the CSRF token its forms carry, and until when it is good. */
public record OperatorSession(String operator, String csrfToken, Instant createdAt, Instant expiresAt) {}
