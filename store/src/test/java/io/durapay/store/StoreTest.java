package io.durapay.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

class StoreTest {

  @Test
  void configuringOpensNoConnection() {
    AtomicInteger connections = new AtomicInteger();
    DataSource refusing =
        (DataSource)
            Proxy.newProxyInstance(
                DataSource.class.getClassLoader(),
                new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("getConnection")) {
                    connections.incrementAndGet();
                    throw new SQLException("no database in this test");
                  }
                  throw new UnsupportedOperationException(method.getName());
                });

    Jdbi jdbi = Store.jdbi(refusing);

    assertThat(connections).hasValue(0);
  }
}
