package dev.hubbub.store;

import dev.hubbub.config.ConfigLoader;
import dev.hubbub.config.HubConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/** The accounts contract on a real PostgreSQL when {@code HUBBUB_TEST_PG_URL} names one (see {@code .ci/postgres.sh}). */
@EnabledIfEnvironmentVariable(named = "HUBBUB_TEST_PG_URL", matches = "jdbc:postgresql:.+")
class PostgresAccountStoreTest extends AccountStoreContract {

  @Override
  protected Future<AccountStore> open(Vertx vertx) {
    JsonObject db = new JsonObject()
        .put("url", System.getenv("HUBBUB_TEST_PG_URL"))
        .put("user", System.getenv().getOrDefault("HUBBUB_TEST_PG_USER", ""))
        .put("password", System.getenv().getOrDefault("HUBBUB_TEST_PG_PASSWORD", ""));
    return Databases.open(vertx, HubConfig.from(ConfigLoader.defaults().mergeIn(new JsonObject().put("db", db), true)).db())
        .map(AccountStore::new);
  }
}
