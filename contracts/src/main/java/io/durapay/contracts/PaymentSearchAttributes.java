package io.durapay.contracts;

import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.OperatorServiceGrpc;
import io.temporal.common.SearchAttributeKey;
import io.temporal.common.SearchAttributes;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.util.List;

/**
 * The search attributes every payment workflow carries from its start, so that an operator can
 * find payments in Temporal's visibility (the Web UI, {@code temporal workflow list --query
 * "DurapayMerchantId='mer_…'"}). They are set by the starters, never by workflow code: start-time
 * attributes are not commands and do not touch determinism. They must be registered on the
 * namespace before the first start (the dev-server launcher does it; on a cluster see the README).
 */
public final class PaymentSearchAttributes {
  public static final SearchAttributeKey<String> MERCHANT_ID = SearchAttributeKey.forKeyword("DurapayMerchantId");
  public static final SearchAttributeKey<Long> AMOUNT = SearchAttributeKey.forLong("DurapayAmount");
  public static final SearchAttributeKey<String> CURRENCY = SearchAttributeKey.forKeyword("DurapayCurrency");

  /** Every attribute, in the order they are registered. */
  public static final List<SearchAttributeKey<?>> ALL = List.of(MERCHANT_ID, AMOUNT, CURRENCY);

  private PaymentSearchAttributes() {}

  /** The attributes of a payment's workflow. */
  public static SearchAttributes of(PaymentRequest request) {
    return SearchAttributes.newBuilder()
        .set(MERCHANT_ID, request.merchantId())
        .set(AMOUNT, request.amount())
        .set(CURRENCY, request.currency())
        .build();
  }

  /**
   * Registers them on a server that learns attributes only from the operator API (Temporal's
   * in-memory test server; on a cluster, {@code temporal operator search-attribute create}).
   */
  public static void register(WorkflowServiceStubs stubs, String namespace) {
    AddSearchAttributesRequest.Builder request = AddSearchAttributesRequest.newBuilder().setNamespace(namespace);
    ALL.forEach(key -> request.putSearchAttributes(key.getName(), key.getValueType()));
    OperatorServiceGrpc.newBlockingStub(stubs.getRawChannel()).addSearchAttributes(request.build());
  }

  /** The type's name as {@code temporal operator search-attribute create --type} takes it. */
  public static String typeName(SearchAttributeKey<?> key) {
    return switch (key.getValueType()) {
      case INDEXED_VALUE_TYPE_KEYWORD -> "Keyword";
      case INDEXED_VALUE_TYPE_INT -> "Int";
      case INDEXED_VALUE_TYPE_TEXT -> "Text";
      case INDEXED_VALUE_TYPE_DOUBLE -> "Double";
      case INDEXED_VALUE_TYPE_BOOL -> "Bool";
      case INDEXED_VALUE_TYPE_DATETIME -> "Datetime";
      case INDEXED_VALUE_TYPE_KEYWORD_LIST -> "KeywordList";
      default -> throw new IllegalArgumentException("no CLI name for " + key.getValueType());
    };
  }
}
