package io.durapay.api.payments;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.durapay.api.errors.ApiException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyReader;
import jakarta.ws.rs.ext.Provider;
import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Reads the body of {@code POST /v1/payments} into a {@link CreatePaymentRequest}, or throws a 400
 * {@link ApiException} naming the first field of the wrong JSON type; the rules that follow are
 * the record's constraints.
 *
 * <p>Stricter than the framework's reader, whose mapper also reads the configuration: the body
 * must be UTF-8 JSON text holding one object, no key twice, no field the record lacks, and every
 * value of the record's type as sent (no {@code "100"} read as 100, no 10.5 read as 10). Jackson's
 * own messages are not passed on: they name Java types and quote the input, which may be a secret.
 * Most of this class is those answers, worded for the caller; a field or key that looks like a card
 * number is refused as one and never repeated.
 *
 * <p>Long because each way a body can be refused (not UTF-8, not JSON, a key twice, an unknown
 * field, a wrong type, a card number as a name) gets its own answer; they stay in one reader
 * because the answers are built from the tree or the parser state that its one strict mapper leaves
 * while reading.
 */
@Provider
@Consumes(MediaType.APPLICATION_JSON)
public final class PaymentRequestReader implements MessageBodyReader<CreatePaymentRequest> {
  public static final int MAX_BODY_BYTES = 64 * 1024;

  private static final List<String> FIELDS = Arrays.stream(
      CreatePaymentRequest.class.getRecordComponents()).map(RecordComponent::getName).toList();

  private static final JsonMapper JSON = JsonMapper.builder()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
      .withCoercionConfigDefaults(c -> c.setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail))
      .withCoercionConfig(LogicalType.Integer, c -> c
          .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
      .withCoercionConfig(LogicalType.Textual, c -> c
          .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
      .withCoercionConfig(LogicalType.Map, c -> c
          .setCoercion(CoercionInputShape.String, CoercionAction.Fail))
      .build();
  private static final ObjectReader REQUEST = JSON.readerFor(CreatePaymentRequest.class);

  @Override
  public boolean isReadable(
      Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
    return type == CreatePaymentRequest.class;
  }

  @Override
  public CreatePaymentRequest readFrom(
      Class<CreatePaymentRequest> type,
      Type genericType,
      Annotation[] annotations,
      MediaType mediaType,
      MultivaluedMap<String, String> httpHeaders,
      InputStream body)
      throws IOException {
    return read(limited(body));
  }

  /** The request in {@code body}, refused as the API refuses it. */
  public static CreatePaymentRequest read(byte[] body) {
    JsonNode root = readObject(body);
    rejectUnknownFields(root);
    try {
      return REQUEST.readValue(root);
    } catch (JsonMappingException e) {
      throw wrongType(e, root);
    } catch (IOException e) {
      throw new IllegalStateException("reading a tree in memory failed", e);
    }
  }

  // A body sent without a length is counted as it is read; one with a length is refused before.
  private static byte[] limited(InputStream body) throws IOException {
    byte[] bytes = body.readNBytes(MAX_BODY_BYTES + 1);
    if (bytes.length > MAX_BODY_BYTES) {
      throw ApiException.payloadTooLarge(MAX_BODY_BYTES);
    }
    return bytes;
  }

  private static JsonNode readObject(byte[] body) {
    JsonNode root;
    try {
      // Decoded first, strictly, and parsed as text: Jackson's byte parser refuses a field name
      // holding an escaped surrogate pair ("\ud83d\udcb8"), which is valid JSON.
      root = JSON.readTree(utf8(body == null ? new byte[0] : body));
    } catch (JsonProcessingException e) {
      throw notJson(e);
    }
    if (root.isMissingNode()) {
      throw ApiException.invalid(
          "invalid_json", "The request body is empty; send a JSON object.", null);
    }
    if (!root.isObject()) {
      throw ApiException.invalid(
          "invalid_json", "The request body must be a JSON object, not " + kind(root) + ".", null);
    }
    return root;
  }

  /**
   * The body as text, without a leading byte order mark (which RFC 8259 lets a parser ignore);
   * bytes that are not UTF-8, the only encoding it allows, are refused.
   */
  private static String utf8(byte[] body) {
    try {
      String text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body))
          .toString();
      return text.startsWith("\uFEFF") ? text.substring(1) : text;
    } catch (CharacterCodingException e) {
      throw ApiException.invalid(
          "invalid_json", "The request body is not valid JSON text: it is not UTF-8.", null);
    }
  }

  private static ApiException notJson(JsonProcessingException e) {
    if (isDuplicate(e)) {
      List<String> names = names(((JsonParser) e.getProcessor()).getParsingContext());
      if (names.stream().anyMatch(CardNumbers::containsCardNumber)) {
        return cardNumberAsName(names.size() > 1 ? names.get(0) : null);
      }
      String param = path(names);
      return ApiException.invalid(
          "duplicate_field", "Field " + param + " appears more than once in the body.", param);
    }
    JsonLocation at = e.getLocation();
    String where =
        at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    String why;
    if (e instanceof JsonEOFException) {
      why = "it ends before the JSON value is complete";
    } else if (e instanceof MismatchedInputException) {
      why = "more follows the JSON object";
    } else if (e instanceof StreamConstraintsException) {
      why = "it exceeds the parser's limits (a number over 1000 digits, or nesting too deep)";
    } else {
      why = "it is malformed";
    }
    return ApiException.invalid(
        "invalid_json", "The request body is not valid JSON" + where + ": " + why + ".", null);
  }

  // Jackson reports a duplicate key as a plain JsonParseException; only its message tells it
  // apart. The key itself is read from the parser, which stops on it.
  private static boolean isDuplicate(JsonProcessingException e) {
    return e instanceof JsonParseException
        && e.getProcessor() instanceof JsonParser
        && e.getOriginalMessage() != null
        && e.getOriginalMessage().startsWith("Duplicate field ");
  }

  /** The names from the top of the body down to where the parser stopped. */
  private static List<String> names(JsonStreamContext context) {
    List<String> names = new ArrayList<>();
    for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
      names.add(0, c.inArray() ? String.valueOf(c.getCurrentIndex()) : c.getCurrentName());
    }
    return names;
  }

  /** The field as a param: {@code amount} at the top level, {@code metadata[key]} below it. */
  private static String path(List<String> names) {
    StringBuilder path = new StringBuilder(
        PaymentRules.abbreviate(names.get(0), PaymentRules.MAX_METADATA_KEY_LENGTH));
    for (String name : names.subList(1, names.size())) {
      path.append('[')
          .append(PaymentRules.abbreviate(name, PaymentRules.MAX_METADATA_KEY_LENGTH))
          .append(']');
    }
    return path.toString();
  }

  // Checked on the tree, before any value is bound, so an unknown field is named first.
  private static void rejectUnknownFields(JsonNode root) {
    for (Map.Entry<String, JsonNode> field : root.properties()) {
      String name = field.getKey();
      if (!FIELDS.contains(name)) {
        if (CardNumbers.containsCardNumber(name)) {
          throw cardNumberAsName(null);
        }
        throw ApiException.invalid(
            "unknown_field",
            "Unknown field " + PaymentRules.quote(name) + ". Allowed fields: "
                + String.join(", ", FIELDS) + ".",
            PaymentRules.abbreviate(name, PaymentRules.MAX_METADATA_KEY_LENGTH));
      }
    }
  }

  /**
   * A value Jackson could not bind: the field, what it must be and what was sent. A required
   * field refuses null ({@code Nulls.FAIL}), and Jackson says the same of one left out, so the
   * tree tells the two apart.
   */
  private static ApiException wrongType(JsonMappingException e, JsonNode root) {
    List<JsonMappingException.Reference> path = e.getPath();
    if (path.isEmpty()) {
      throw new IllegalStateException("a value failed to bind outside any field", e);
    }
    String field = path.get(0).getFieldName();
    JsonNode sent = root.get(field);
    if (sent == null && e instanceof InvalidNullException) {
      return ApiException.invalid("missing_field", field + " is required.", field);
    }
    String expected = switch (field) {
      case "amount" -> "a whole number of minor units (1999 for 19.99)";
      case "metadata" -> "an object whose values are strings";
      default -> "a string";
    };
    String param = field;
    if (path.size() > 1 && sent.isObject()) { // a metadata value
      String key = path.get(1).getFieldName();
      if (CardNumbers.containsCardNumber(key)) {
        return cardNumberAsName(field);
      }
      param = PaymentRules.metadataParam(key);
      sent = sent.get(key);
      expected = "a string";
    }
    return ApiException.invalid(
        "invalid_type", param + " must be " + expected + ", not " + kind(sent) + ".", param);
  }

  /**
   * A field or metadata key named like a card number: refused as one, and never repeated in the
   * answer, which reaches logs. {@code param} is the object holding it, or null at the top level.
   */
  private static ApiException cardNumberAsName(String param) {
    String subject = param == null ? "A field name" : "A " + param + " key";
    return ApiException.invalid(
        "card_number_not_allowed",
        subject + " looks like a card number, so it is not repeated here. Never send card numbers"
            + " to this API.",
        param);
  }

  private static String kind(JsonNode node) {
    if (node.isTextual()) {
      return "a string";
    } else if (node.isIntegralNumber()) {
      return "an integer";
    } else if (node.isNumber()) {
      return "a number with a fraction or exponent";
    } else if (node.isBoolean()) {
      return "a boolean";
    } else if (node.isArray()) {
      return "an array";
    } else if (node.isObject()) {
      return "an object";
    }
    return "null";
  }
}
