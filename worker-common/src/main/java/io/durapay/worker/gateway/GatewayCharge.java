package io.durapay.worker.gateway;

/**
 * A PaymentIntent that the gateway reports as {@code succeeded}: the money has moved.
 *
 * @param id the gateway's PaymentIntent id, needed to refund it
 * @param status the intent's status, always {@code succeeded}
 * @param amount the amount charged, in minor units
 * @param currency the lower-case ISO 4217 code the gateway charged in
 */
public record GatewayCharge(String id, String status, long amount, String currency) {}
