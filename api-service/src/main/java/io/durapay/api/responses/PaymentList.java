package io.durapay.api.responses;

import java.util.List;

/** One page of payments, newest first; {@code hasMore} says whether another page follows. */
public record PaymentList(List<PaymentResponse> data, boolean hasMore) {}
