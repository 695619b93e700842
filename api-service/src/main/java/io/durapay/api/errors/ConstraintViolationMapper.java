package io.durapay.api.errors;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Path;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Set;

/**
 * A request body that broke a rule ({@code @Valid} on a resource's parameter): a 400 naming the
 * first field at fault, in the order the request type declares its fields, so the answer does not
 * depend on the order Bean Validation happens to report in.
 */
public final class ConstraintViolationMapper implements ExceptionMapper<ConstraintViolationException> {
  @Override
  public Response toResponse(ConstraintViolationException e) {
    return new ApiExceptionMapper().toResponse(toApiException(e.getConstraintViolations()));
  }

  /** The 400 for the first of the violations. */
  public static ApiException toApiException(Set<? extends ConstraintViolation<?>> violations) {
    ConstraintViolation<?> first = violations.stream()
        .min(Comparator.comparingInt(ConstraintViolationMapper::declarationIndex))
        .orElseThrow(() -> new IllegalArgumentException("no violations"));
    FieldFault fault = FieldFault.of(first);
    if (fault != null) {
      return ApiException.invalid(fault.code(), fault.message(), fault.param());
    }
    String field = fieldName(first);
    // A standard constraint. The only one used is @NotNull on the body itself, which holds when
    // Jersey passes no body rather than reading an empty one.
    if (field == null) {
      return ApiException.invalid(
          "invalid_json", "The request body is empty; send a JSON object.", null);
    }
    return ApiException.invalid("invalid_request", field + " " + first.getMessage() + ".", field);
  }

  /** Where the field is declared in its record; fields of other types sort last, by name. */
  private static int declarationIndex(ConstraintViolation<?> violation) {
    Object bean = violation.getLeafBean();
    String field = fieldName(violation);
    if (bean == null || field == null || !bean.getClass().isRecord()) {
      return Integer.MAX_VALUE;
    }
    RecordComponent[] components = bean.getClass().getRecordComponents();
    return Arrays.stream(components).map(RecordComponent::getName).toList().indexOf(field);
  }

  private static String fieldName(ConstraintViolation<?> violation) {
    String name = null;
    for (Path.Node node : violation.getPropertyPath()) {
      if (node.getKind() == jakarta.validation.ElementKind.PROPERTY) {
        name = node.getName();
      }
    }
    return name;
  }
}
