package io.durapay.api.idempotency;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The SHA-256 of a parsed request in canonical JSON (map keys sorted). Two bodies that mean the
 * same thing — whatever their whitespace, key order or currency case — have the same fingerprint,
 * so a retry is recognised as the same request.
 */
public final class RequestFingerprint {
  private static final ObjectMapper CANONICAL =
      new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private RequestFingerprint() {}

  public static String of(Object parsedRequest) {
    try {
      byte[] canonical = CANONICAL.writeValueAsBytes(parsedRequest);
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
    } catch (JsonProcessingException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot fingerprint the request", e);
    }
  }
}
