package io.durapay.worker.gateway;

/**
 * A refund the gateway accepted.
 *
 * @param id the gateway's refund id; null when the intent had already been refunded earlier, since
 *     the gateway's answer to the repeated refund does not name the first one
 * @param status the refund's status as the gateway reports it ({@code succeeded}, {@code pending}
 *     …)
 */
public record GatewayRefund(String id, String status) {}
