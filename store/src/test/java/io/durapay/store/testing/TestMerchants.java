package io.durapay.store.testing;

import io.durapay.store.Merchant;
import io.durapay.store.MerchantDao;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Jdbi;

/** Inserts merchants for tests that need one to own their payments. */
public final class TestMerchants {
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  private TestMerchants() {}

  public static Merchant create(Jdbi jdbi) {
    int n = SEQUENCE.incrementAndGet();
    Merchant merchant =
        new Merchant(
            "mer_test" + n + "_" + System.nanoTime(),
            "Test merchant " + n,
            "key" + n + "_" + System.nanoTime(),
            ("hash" + n).getBytes(StandardCharsets.UTF_8),
            "http://127.0.0.1:9/webhooks",
            "whsec_dGVzdA==",
            null,
            null,
            null,
            null);
    jdbi.useExtension(MerchantDao.class, dao -> dao.insert(merchant));
    return merchant;
  }
}
