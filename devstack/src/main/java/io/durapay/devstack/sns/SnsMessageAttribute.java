package io.durapay.devstack.sns;

/**
 * One Publish message attribute. {@code value} is the StringValue, or the base64 text of the
 * BinaryValue when {@code dataType} is Binary — the form both the envelope and the Query request
 * carry it in.
 */
record SnsMessageAttribute(String dataType, String value) {}
