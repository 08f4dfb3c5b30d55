package dev.hubbub.store;

import dev.hubbub.config.ConfigLoader;
import dev.hubbub.config.HubConfig;
import dev.hubbub.support.TempDb;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/** The accounts contract on an H2 file database in a temp directory. */
class H2AccountStoreTest extends AccountStoreContract {

  @Override
  protected Future<AccountStore> open(Vertx vertx) {
    JsonObject config = ConfigLoader.defaults().mergeIn(new JsonObject().put("db", new JsonObject().put("url", TempDb.freshH2Url())), true);
    return Databases.open(vertx, HubConfig.from(config).db()).map(AccountStore::new);
  }
}
