package io.durapay.api.payments;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.durapay.api.errors.ApiException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads the body of {@code POST /v1/payments} into a {@link CreatePaymentRequest}, or throws a 400
 * {@link ApiException} whose {@code param} names the first field that is wrong.
 *
 * <p>The JSON tree is checked by hand instead of bound to the record: Jackson's binding errors name
 * Java types and quote the input, and a caller needs the field and the rule instead.
 */
public final class PaymentRequestParser {
  static final int MAX_DESCRIPTION_LENGTH = 1000;
  static final int MAX_METADATA_KEYS = 50;
  static final int MAX_METADATA_KEY_LENGTH = 40;
  static final int MAX_METADATA_VALUE_LENGTH = 500;

  private static final List<String> FIELDS =
      List.of("amount", "currency", "paymentMethod", "description", "metadata");
  private static final Pattern TOKEN = Pattern.compile("pm_[A-Za-z0-9_]{1,100}");
  // Card numbers have 12 to 19 digits, often grouped by spaces or dashes; any of them contains a
  // run of twelve. A gateway token never has that many digits in a row.
  private static final Pattern CARD_NUMBER = Pattern.compile("\\d(?:[ _-]?\\d){11}");
  // Values quoted back in messages are cut short so an error never carries a large input.
  private static final int ECHO_LIMIT = 20;

  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private final long maxAmount;

  public PaymentRequestParser(long maxAmount) {
    if (maxAmount < 1) {
      throw new IllegalArgumentException("maxAmount must be at least 1, was " + maxAmount);
    }
    this.maxAmount = maxAmount;
  }

  public CreatePaymentRequest parse(byte[] body) {
    JsonNode root = readObject(body);
    rejectUnknownFields(root);
    long amount = amount(root.get("amount"));
    String currency = currency(root.get("currency"));
    String paymentMethod = paymentMethod(root.get("paymentMethod"));
    String description = description(root.get("description"));
    Map<String, String> metadata = metadata(root.get("metadata"));
    return new CreatePaymentRequest(amount, currency, paymentMethod, description, metadata);
  }

  private static JsonNode readObject(byte[] body) {
    JsonNode root;
    try {
      // Decoded first, strictly, and parsed as text: Jackson's byte parser refuses a field name
      // holding an escaped surrogate pair ("\ud83d\udcb8"), which is valid JSON.
      root = JSON.readTree(utf8(body == null ? new byte[0] : body));
    } catch (JsonProcessingException e) {
      throw notJson(e);
    } catch (IOException e) {
      // Reading text in memory fails only on its content.
      throw ApiException.invalid("invalid_json", "The request body is not valid JSON text.", null);
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

  // Jackson's own message is not passed on: it quotes the offending input, which may be a secret.
  private static ApiException notJson(JsonProcessingException e) {
    if (isDuplicate(e)) {
      String param = path(((JsonParser) e.getProcessor()).getParsingContext());
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

  /** The field as a param: {@code amount} at the top level, {@code metadata[key]} below it. */
  private static String path(JsonStreamContext context) {
    List<String> names = new ArrayList<>();
    for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
      names.add(0, c.inArray() ? String.valueOf(c.getCurrentIndex()) : c.getCurrentName());
    }
    StringBuilder path = new StringBuilder(abbreviate(names.get(0), MAX_METADATA_KEY_LENGTH));
    for (String name : names.subList(1, names.size())) {
      path.append('[').append(abbreviate(name, MAX_METADATA_KEY_LENGTH)).append(']');
    }
    return path.toString();
  }

  private static void rejectUnknownFields(JsonNode root) {
    for (Map.Entry<String, JsonNode> field : root.properties()) {
      String name = field.getKey();
      if (!FIELDS.contains(name)) {
        throw ApiException.invalid(
            "unknown_field",
            "Unknown field " + quote(name) + ". Allowed fields: " + String.join(", ", FIELDS) + ".",
            abbreviate(name, MAX_METADATA_KEY_LENGTH));
      }
    }
  }

  private long amount(JsonNode node) {
    JsonNode amount = required(node, "amount");
    if (!amount.isIntegralNumber()) {
      throw invalidType("amount", "a whole number of minor units (1999 for 19.99)", amount);
    }
    // An integer beyond the range of long is still an integer: only far too large or too small.
    if (!amount.canConvertToLong()) {
      throw amount.bigIntegerValue().signum() < 0 ? amountTooSmall() : amountTooLarge();
    }
    if (amount.longValue() < 1) {
      throw amountTooSmall();
    }
    if (amount.longValue() > maxAmount) {
      throw amountTooLarge();
    }
    return amount.longValue();
  }

  private static ApiException amountTooSmall() {
    return ApiException.invalid(
        "amount_too_small", "amount must be at least 1 (in minor units, such as cents).", "amount");
  }

  private ApiException amountTooLarge() {
    return ApiException.invalid(
        "amount_too_large",
        "amount must be at most " + maxAmount + " (in minor units, such as cents).",
        "amount");
  }

  private static String currency(JsonNode node) {
    String code = string(required(node, "currency"), "currency");
    return Currencies.normalize(code)
        .orElseThrow(
            () ->
                ApiException.invalid(
                    "invalid_currency",
                    "currency "
                        + quote(code)
                        + " is not a circulating ISO 4217 currency code; send one such as USD.",
                    "currency"));
  }

  // The value is never quoted back: it may hold a card number, which must not reach a log.
  private static String paymentMethod(JsonNode node) {
    String token = string(required(node, "paymentMethod"), "paymentMethod");
    if (CARD_NUMBER.matcher(token).find()) {
      throw ApiException.invalid(
          "card_number_not_allowed",
          "paymentMethod looks like a card number. Never send card numbers to this API; send the"
              + " payment method token your gateway gave you (pm_...).",
          "paymentMethod");
    }
    if (!TOKEN.matcher(token).matches()) {
      throw ApiException.invalid(
          "invalid_payment_method",
          "paymentMethod must be a gateway token: 'pm_' followed by 1 to 100 letters, digits or"
              + " underscores.",
          "paymentMethod");
    }
    return token;
  }

  // Free text may hold digits (order numbers, phone numbers), so only what passes for a card
  // number there is refused; the value is never quoted back.
  private static void refuseCardNumber(String text, String subject, String param) {
    if (CardNumbers.containsCardNumber(text)) {
      throw ApiException.invalid(
          "card_number_not_allowed",
          subject
              + " looks like it contains a card number. Never send card numbers to this API,"
              + " not even in descriptions or metadata.",
          param);
    }
  }

  private static String description(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    String description = string(node, "description");
    checkLength(
        description, MAX_DESCRIPTION_LENGTH, "string_too_long", "description", "description");
    refuseCardNumber(description, "description", "description");
    return description;
  }

  private static Map<String, String> metadata(JsonNode node) {
    if (node == null || node.isNull()) {
      return Map.of();
    }
    if (!node.isObject()) {
      throw invalidType("metadata", "an object whose values are strings", node);
    }
    if (node.size() > MAX_METADATA_KEYS) {
      throw ApiException.invalid(
          "too_many_metadata_keys",
          "metadata may have at most " + MAX_METADATA_KEYS + " keys; it has " + node.size() + ".",
          "metadata");
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      String key = entry.getKey();
      // Checked before the key is echoed anywhere: the error names the field without it.
      refuseCardNumber(key, "a metadata key", "metadata");
      String param = "metadata[" + abbreviate(key, MAX_METADATA_KEY_LENGTH) + "]";
      if (key.isEmpty()) {
        throw ApiException.invalid(
            "invalid_metadata_key", "metadata keys must not be empty.", param);
      }
      checkStorable(key, "the metadata key", param);
      checkLength(key, MAX_METADATA_KEY_LENGTH, "metadata_key_too_long", "the metadata key", param);
      String value = string(entry.getValue(), param);
      checkLength(value, MAX_METADATA_VALUE_LENGTH, "metadata_value_too_long", param, param);
      refuseCardNumber(value, param, param);
      metadata.put(key, value);
    }
    return metadata;
  }

  private static JsonNode required(JsonNode node, String param) {
    if (node == null) {
      throw ApiException.invalid("missing_field", param + " is required.", param);
    }
    return node;
  }

  private static String string(JsonNode node, String param) {
    if (!node.isTextual()) {
      throw invalidType(param, "a string", node);
    }
    return checkStorable(node.textValue(), param, param);
  }

  // PostgreSQL text cannot hold NUL, and an unpaired surrogate has no UTF-8 form, so it would be
  // altered or refused on its way to the database. Refusing both here keeps what is stored
  // identical to what was accepted.
  private static String checkStorable(String value, String subject, String param) {
    if (value.indexOf('\0') >= 0) {
      throw ApiException.invalid(
          "invalid_string", subject + " must not contain the NUL character (\\u0000).", param);
    }
    if (!StandardCharsets.UTF_8.newEncoder().canEncode(value)) {
      throw ApiException.invalid(
          "invalid_string",
          subject + " contains a broken Unicode character (an unpaired surrogate).",
          param);
    }
    return value;
  }

  // Lengths count code points, so an emoji is one character as a person would count it.
  private static void checkLength(
      String value, int max, String code, String subject, String param) {
    int length = value.codePointCount(0, value.length());
    if (length > max) {
      throw ApiException.invalid(
          code,
          subject + " must be at most " + max + " characters long; it has " + length + ".",
          param);
    }
  }

  private static ApiException invalidType(String param, String expected, JsonNode actual) {
    return ApiException.invalid(
        "invalid_type", param + " must be " + expected + ", not " + kind(actual) + ".", param);
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

  private static String quote(String value) {
    return "'" + abbreviate(value, ECHO_LIMIT) + "'";
  }

  private static String abbreviate(String value, int maxCodePoints) {
    if (value.codePointCount(0, value.length()) <= maxCodePoints) {
      return value;
    }
    return value.substring(0, value.offsetByCodePoints(0, maxCodePoints)) + "…";
  }
}
