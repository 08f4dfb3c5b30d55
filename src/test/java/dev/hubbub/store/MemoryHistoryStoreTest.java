package dev.hubbub.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** The history contract against the in-memory store. */
class MemoryHistoryStoreTest extends HistoryStoreContract {

  @Override
  protected Future<HistoryStore> open(Vertx vertx) {
    return Future.succeededFuture(new MemoryHistoryStore(1000));
  }
}
